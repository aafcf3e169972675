package klipy

import (
	"context"
	"iter"
)

// Get returns one interaction.
func (s *InteractionsService) Get(ctx context.Context, id string) (*Interaction, *Response, error) {
	it := new(Interaction)
	resp, err := s.c.do(ctx, call{op: "getInteraction", id: id}, record(it))
	if err != nil {
		return nil, resp, err
	}
	return it, resp, nil
}

// Query returns one page of interactions. A nil q asks for the first page
// with the API's default size. As for people, interactions not linked to
// the filter's contact and company are dropped and counted in
// Page.FilteredOut, and a page that cannot be followed says so in
// Page.Incomplete.
func (s *InteractionsService) Query(ctx context.Context, q *InteractionsQuery) (*Page[*Interaction], *Response, error) {
	if q == nil {
		q = &InteractionsQuery{}
	}
	var page *Page[*Interaction]
	resp, err := s.c.do(ctx, call{op: "queryInteractions", body: q}, list(&page))
	if err != nil {
		return nil, resp, err
	}
	if q.Filter != nil {
		page.keep(q.Filter.matches)
	}
	page.checkCursor(q.Cursor)
	return page, resp, nil
}

// All iterates over every interaction matching q, following cursors from
// q.Cursor on. It stops at the first error, which it yields; a listing whose
// pages cannot be followed ends with an *IncompleteError.
func (s *InteractionsService) All(ctx context.Context, q InteractionsQuery) iter.Seq2[*Interaction, error] {
	return paginate("queryInteractions", q.Cursor, func(cursor string) (*Page[*Interaction], error) {
		q.Cursor = cursor
		page, _, err := s.Query(ctx, &q)
		return page, err
	})
}

// Create logs an interaction. With a PrimaryID a retry is safe (the API
// de-duplicates on it), so the client may re-send it; without one it is
// never re-sent once it may have reached the server.
func (s *InteractionsService) Create(ctx context.Context, in *InteractionInput) (*InteractionCreated, *Response, error) {
	var res *InteractionCreated
	resp, err := s.c.do(ctx, call{op: "createInteraction", body: in, safe: in != nil && in.PrimaryID != ""}, created(&res))
	if err != nil {
		return nil, resp, err
	}
	return res, resp, nil
}

// paginate yields the items of successive pages fetched by next, starting
// at cursor, until a page says it is the last, an error (yielded), or the
// consumer stops. A page that says more exist but cannot be followed, or a
// cursor seen before, ends the listing with an *IncompleteError, so it is
// never mistaken for complete.
func paginate[T any](op, cursor string, next func(cursor string) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{cursor: true}
		for {
			page, err := next(cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			reason := page.Incomplete
			if reason == "" && page.NextCursor != "" && seen[page.NextCursor] {
				reason = IncompleteRepeatedCursor
			}
			if reason != "" {
				yield(zero, &IncompleteError{Op: op, Reason: reason})
				return
			}
			if !page.HasMore || page.NextCursor == "" {
				return
			}
			seen[page.NextCursor] = true
			cursor = page.NextCursor
		}
	}
}
