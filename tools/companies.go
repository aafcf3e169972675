package tools

import (
	"context"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

func companyDefs() []def {
	return []def{
		tool("get_company", "Get company", ToolsetCompanies, KindRead, klipy.ScopeCompaniesRead,
			"Get a company by id (a person's companyId)."+dataNote, getCompany),
		tool("create_company", "Create company", ToolsetCompanies, KindWrite, klipy.ScopeCompaniesWrite,
			"Create a company; its id links people via company_id. First look for it: a person's companyId, an interaction's companies, or search_people by its email domain.", createCompany),
		idempotent(tool("update_company", "Update company", ToolsetCompanies, KindWrite, klipy.ScopeCompaniesWrite,
			"Change the given fields of a company; others are kept.", updateCompany)),
		tool("delete_company", "Delete company", ToolsetCompanies, KindDestructive, klipy.ScopeCompaniesRemove,
			"Permanently delete a company. Irreversible: only when the user asked.", deleteCompany),
	}
}

func getCompany(ctx context.Context, d deps, a schema.CompanyIDArgs) (schema.CompanyResult, error) {
	co, _, err := d.c.Companies.Get(ctx, a.CompanyID)
	if err != nil {
		return schema.CompanyResult{}, onRecord(err, "company", a.CompanyID, false)
	}
	return companyResult(co)
}

func createCompany(ctx context.Context, d deps, a schema.CreateCompanyArgs) (schema.CompanyResult, error) {
	co, _, err := d.c.Companies.Create(ctx, companyInput(a.Name, a.CompanyFields))
	if err != nil {
		return schema.CompanyResult{}, creating(err)
	}
	return companyResult(co)
}

func updateCompany(ctx context.Context, d deps, a schema.UpdateCompanyArgs) (schema.CompanyResult, error) {
	in := companyInput(a.Name, a.CompanyFields)
	if isEmptyCompany(in) {
		return schema.CompanyResult{}, &argError{msg: "Invalid arguments: give at least one field to change besides company_id (name, domain, industry, website, linkedin_url, city, state, country, employee_count)."}
	}
	co, _, err := d.c.Companies.Update(ctx, a.CompanyID, in)
	if err != nil {
		return schema.CompanyResult{}, onRecord(err, "company", a.CompanyID, false)
	}
	return companyResult(co)
}

func companyResult(co *klipy.Company) (schema.CompanyResult, error) {
	v, err := shapeOne(co)
	return schema.CompanyResult{Company: schema.Record[schema.Company]{Value: v}}, err
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
