package oauth

import (
	"context"
	"errors"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// KlipyVerifier returns a Config.Verify that checks a key with the Klipy
// API built from opts (its APIKey is ignored). It follows the scope rule of
// /authenticate: when /authenticate answers 403, or 401 for a key that
// works on a cheap read, the key signs in with its scopes unknown.
func KlipyVerifier(opts klipy.Options) func(ctx context.Context, key string) (Account, error) {
	return func(ctx context.Context, key string) (Account, error) {
		o := opts
		o.APIKey = key
		c, err := klipy.New(o)
		if err != nil {
			return Account{}, err
		}
		ws, _, err := c.Authenticate(ctx)
		if err == nil {
			acct := Account{Workspace: ws.Name, ScopesKnown: ws.ScopesKnown}
			for _, sc := range ws.Scopes {
				acct.Scopes = append(acct.Scopes, string(sc))
			}
			return acct, nil
		}
		if !errors.Is(err, klipy.ErrUnauthorized) && !errors.Is(err, klipy.ErrForbidden) {
			return Account{}, err
		}
		return probe(ctx, c)
	}
}

// probe decides whether a key that /authenticate refused works at all: a
// one-record read that is answered (or refused with 403, which needs a valid
// key) means yes, with scopes unknown.
func probe(ctx context.Context, c *klipy.Client) (Account, error) {
	_, _, err := c.People.Query(ctx, &klipy.PeopleQuery{Limit: 1})
	switch {
	case err == nil, errors.Is(err, klipy.ErrForbidden):
		return Account{}, nil
	case errors.Is(err, klipy.ErrUnauthorized):
		return Account{}, ErrKeyRejected
	default:
		return Account{}, err
	}
}
