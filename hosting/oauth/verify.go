package oauth

import (
	"context"
	"errors"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// KlipyVerifier returns a Config.Verify that checks a key with the Klipy
// API built from opts (its APIKey is ignored). It follows the client's rule
// for /authenticate (SPEC §1): a key that /authenticate refuses for lack of
// scope but that works for a cheap read signs in with its scopes unknown.
func KlipyVerifier(opts klipy.Options) func(ctx context.Context, key string) (Account, error) {
	return func(ctx context.Context, key string) (Account, error) {
		o := opts
		o.APIKey = key
		c, err := klipy.New(o)
		if err != nil {
			return Account{}, err
		}
		ws, _, err := c.Authenticate(ctx)
		switch {
		case err == nil:
			acct := Account{Workspace: ws.Name, ScopesKnown: ws.ScopesKnown}
			for _, sc := range ws.Scopes {
				acct.Scopes = append(acct.Scopes, string(sc))
			}
			return acct, nil
		case errors.Is(err, klipy.ErrScopesUnknown):
			return Account{}, nil
		case errors.Is(err, klipy.ErrUnauthorized):
			return Account{}, ErrKeyRejected
		default:
			return Account{}, err
		}
	}
}
