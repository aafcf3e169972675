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
func (s *PeopleService) Query(ctx context.Context, q *PeopleQuery) (*Page[*Person], *Response, error) {
	if q == nil {
		q = &PeopleQuery{}
	}
	var page *Page[*Person]
	resp, err := s.c.do(ctx, call{op: "queryPeople", body: q}, list(&page))
	if err != nil {
		return nil, resp, err
	}
	return page, resp, nil
}

// All iterates over every person matching q, following cursors from
// q.Cursor on. It stops at the first error, which it yields.
func (s *PeopleService) All(ctx context.Context, q PeopleQuery) iter.Seq2[*Person, error] {
	return paginate(q.Cursor, func(cursor string) (*Page[*Person], error) {
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

// Delete removes a person. An empty answer (204) counts as deleted.
func (s *PeopleService) Delete(ctx context.Context, id string) (*DeleteResult, *Response, error) {
	var res *DeleteResult
	resp, err := s.c.do(ctx, call{op: "deletePerson", id: id}, deleted(&res, id))
	if err != nil {
		return nil, resp, err
	}
	return res, resp, nil
}
