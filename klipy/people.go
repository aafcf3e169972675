package klipy

import (
	"context"
	"iter"
)

// Get returns one person.
func (s *PeopleService) Get(ctx context.Context, id string) (*Person, *Response, error) {
	p := new(Person)
	resp, err := s.c.do(ctx, call{op: "getPerson", id: id}, record(p))
	if err != nil {
		return nil, resp, err
	}
	return p, resp, nil
}

// Query returns one page of people. A nil q asks for the first page with
// the API's default size.
//
// The filter's names are a guess of the contract, so the answer is checked:
// people that do not match q.Filter are dropped and counted in
// Page.FilteredOut, and a page that cannot be followed says so in
// Page.Incomplete.
func (s *PeopleService) Query(ctx context.Context, q *PeopleQuery) (*Page[*Person], *Response, error) {
	if q == nil {
		q = &PeopleQuery{}
	}
	var page *Page[*Person]
	resp, err := s.c.do(ctx, call{op: "queryPeople", body: q}, list(&page))
	if err != nil {
		return nil, resp, err
	}
	if q.Filter != nil {
		page.keep(q.Filter.matches)
	}
	page.checkCursor(q.Cursor)
	return page, resp, nil
}

// All iterates over every person matching q, following cursors from
// q.Cursor on. It stops at the first error, which it yields; a listing whose
// pages cannot be followed ends with an *IncompleteError.
func (s *PeopleService) All(ctx context.Context, q PeopleQuery) iter.Seq2[*Person, error] {
	return paginate("queryPeople", q.Cursor, func(cursor string) (*Page[*Person], error) {
		q.Cursor = cursor
		page, _, err := s.Query(ctx, &q)
		return page, err
	})
}

// Create creates a person. It is never re-sent once it may have reached the
// server, so a failure after sending does not create the person twice.
func (s *PeopleService) Create(ctx context.Context, in *PersonInput) (*Person, *Response, error) {
	p := new(Person)
	resp, err := s.c.do(ctx, call{op: "createPerson", body: in}, record(p))
	if err != nil {
		return nil, resp, err
	}
	return p, resp, nil
}

// Upsert creates or updates the person matching in.Email.
func (s *PeopleService) Upsert(ctx context.Context, in *PersonInput) (*Person, *Response, error) {
	p := new(Person)
	resp, err := s.c.do(ctx, call{op: "upsertPerson", body: in}, record(p))
	if err != nil {
		return nil, resp, err
	}
	return p, resp, nil
}

// Update changes the given fields of a person.
func (s *PeopleService) Update(ctx context.Context, id string, in *PersonInput) (*Person, *Response, error) {
	p := new(Person)
	resp, err := s.c.do(ctx, call{op: "updatePerson", id: id, body: in}, record(p))
	if err != nil {
		return nil, resp, err
	}
	return p, resp, nil
}

// Delete removes a person. An empty answer (204) counts as deleted. The
// contract does not document the scope it needs; a 403 is a
// *ScopeGuessError naming the scope the key probably lacks.
func (s *PeopleService) Delete(ctx context.Context, id string) (*DeleteResult, *Response, error) {
	var res *DeleteResult
	resp, err := s.c.do(ctx, call{op: "deletePerson", id: id}, deleted(&res, id))
	if err != nil {
		return nil, resp, guessScope("deletePerson", err)
	}
	return res, resp, nil
}
