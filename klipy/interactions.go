package klipy

import (
	"context"
	"fmt"
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
// with the API's default size.
func (s *InteractionsService) Query(ctx context.Context, q *InteractionsQuery) (*Page[*Interaction], *Response, error) {
	if q == nil {
		q = &InteractionsQuery{}
	}
	var page *Page[*Interaction]
	resp, err := s.c.do(ctx, call{op: "queryInteractions", body: q}, list(&page))
	if err != nil {
		return nil, resp, err
	}
	return page, resp, nil
}

// All iterates over every interaction matching q, following cursors from
// q.Cursor on. It stops at the first error, which it yields.
func (s *InteractionsService) All(ctx context.Context, q InteractionsQuery) iter.Seq2[*Interaction, error] {
	return paginate(q.Cursor, func(cursor string) (*Page[*Interaction], error) {
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
// consumer stops.
func paginate[T any](cursor string, next func(cursor string) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{}
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
			if !page.HasMore || page.NextCursor == "" {
				return
			}
			if seen[page.NextCursor] {
				yield(zero, fmt.Errorf("klipy: pagination cursor %q repeated; stopping", page.NextCursor))
				return
			}
			seen[page.NextCursor] = true
			cursor = page.NextCursor
		}
	}
}
