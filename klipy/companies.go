package klipy

import "context"

// Get returns one company.
func (s *CompaniesService) Get(ctx context.Context, id string) (*Company, *Response, error) {
	co := new(Company)
	resp, err := s.c.do(ctx, call{op: "getCompany", id: id}, record(co))
	if err != nil {
		return nil, resp, err
	}
	return co, resp, nil
}

// Create creates a company. It is never re-sent once it may have reached
// the server, so a failure after sending does not create it twice.
func (s *CompaniesService) Create(ctx context.Context, in *CompanyInput) (*Company, *Response, error) {
	co := new(Company)
	resp, err := s.c.do(ctx, call{op: "createCompany", body: in}, record(co))
	if err != nil {
		return nil, resp, err
	}
	return co, resp, nil
}

// Update changes the given fields of a company.
func (s *CompaniesService) Update(ctx context.Context, id string, in *CompanyInput) (*Company, *Response, error) {
	co := new(Company)
	resp, err := s.c.do(ctx, call{op: "updateCompany", id: id, body: in}, record(co))
	if err != nil {
		return nil, resp, err
	}
	return co, resp, nil
}

// Delete removes a company; it needs the companies:remove scope. An empty
// answer (204) counts as deleted.
func (s *CompaniesService) Delete(ctx context.Context, id string) (*DeleteResult, *Response, error) {
	var res *DeleteResult
	resp, err := s.c.do(ctx, call{op: "deleteCompany", id: id}, deleted(&res, id))
	if err != nil {
		return nil, resp, err
	}
	return res, resp, nil
}
