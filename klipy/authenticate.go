package klipy

import "context"

// Authenticate validates the key and learns its workspace, organization and
// (when listed) scopes. The client caches the organization, which then
// shares its rate budget with every key of the organization, and the scopes,
// which then refuse operations the key cannot do before they are sent.
// Any valid key may call it, whatever its scopes.
func (c *Client) Authenticate(ctx context.Context) (*Workspace, *Response, error) {
	ws := new(Workspace)
	resp, err := c.do(ctx, call{op: "authenticate"}, record(ws))
	if err != nil {
		return nil, resp, err
	}
	c.learn(ws)
	return ws, resp, nil
}
