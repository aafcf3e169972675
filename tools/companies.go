package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

func companyDefs() []def {
	return []def{
		{name: "get_company", title: "Get company", toolset: ToolsetCompanies, kind: KindRead, scope: klipy.ScopeCompaniesRead, run: getCompany,
			description: "Get a company by id (a person's companyId)." + dataNote},
		{name: "create_company", title: "Create company", toolset: ToolsetCompanies, kind: KindWrite, scope: klipy.ScopeCompaniesWrite, run: createCompany,
			description: "Create a company; its id links people via company_id. First look for it: a person's companyId, an interaction's companies, or search_people by its email domain."},
		{name: "update_company", title: "Update company", toolset: ToolsetCompanies, kind: KindWrite, idempotent: true, scope: klipy.ScopeCompaniesWrite, run: updateCompany,
			description: "Change the given fields of a company; others are kept."},
		{name: "delete_company", title: "Delete company", toolset: ToolsetCompanies, kind: KindDestructive, scope: klipy.ScopeCompaniesRemove, run: deleteCompany,
			description: "Permanently delete a company. Irreversible: only when the user asked."},
	}
}

func getCompany(ctx context.Context, s *srv, c *klipy.Client, req mcp.CallToolRequest) *mcp.CallToolResult {
	a, bad := argsOf[schema.CompanyIDArgs]("get_company", req)
	if bad != nil {
		return bad
	}
	co, _, err := c.Companies.Get(ctx, a.CompanyID)
	if err != nil {
		return toolError(err, errCtx{scope: klipy.ScopeCompaniesRead, what: "company", id: a.CompanyID})
	}
	return recordResult("company", co)
}

func createCompany(ctx context.Context, s *srv, c *klipy.Client, req mcp.CallToolRequest) *mcp.CallToolResult {
	a, bad := argsOf[schema.CreateCompanyArgs]("create_company", req)
	if bad != nil {
		return bad
	}
	co, _, err := c.Companies.Create(ctx, companyInput(a.Name, a.CompanyFields))
	if err != nil {
		return toolError(err, errCtx{scope: klipy.ScopeCompaniesWrite, create: true})
	}
	return recordResult("company", co)
}

func updateCompany(ctx context.Context, s *srv, c *klipy.Client, req mcp.CallToolRequest) *mcp.CallToolResult {
	a, bad := argsOf[schema.UpdateCompanyArgs]("update_company", req)
	if bad != nil {
		return bad
	}
	in := companyInput(a.Name, a.CompanyFields)
	if isEmptyCompany(in) {
		return errorResult("Invalid arguments: give at least one field to change besides company_id (name, domain, industry, website, linkedin_url, city, state, country, employee_count).")
	}
	co, _, err := c.Companies.Update(ctx, a.CompanyID, in)
	if err != nil {
		return toolError(err, errCtx{scope: klipy.ScopeCompaniesWrite, what: "company", id: a.CompanyID})
	}
	return recordResult("company", co)
}

func companyInput(name string, f schema.CompanyFields) *klipy.CompanyInput {
	return &klipy.CompanyInput{Name: name, Domain: f.Domain, Industry: f.Industry, Website: f.Website,
		LinkedIn: f.LinkedInURL, City: f.City, State: f.State, Country: f.Country, EmployeeCount: f.EmployeeCount}
}

func isEmptyCompany(in *klipy.CompanyInput) bool {
	cp := *in
	return cp.EmployeeCount == nil && cp.EstimatedRevenue == nil &&
		cp.Name == "" && cp.Domain == "" && cp.Industry == "" && cp.Website == "" &&
		cp.LinkedIn == "" && cp.City == "" && cp.State == "" && cp.Country == ""
}
