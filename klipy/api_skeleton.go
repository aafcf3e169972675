package klipy

// This file fixes the package's public surface so that the packages built on
// it can be written in parallel. Every body here is a placeholder that the
// real implementation replaces (and this file is then removed).

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"net/http"
	"time"
)

// DefaultBaseURL is the production Klipy API.
const DefaultBaseURL = "https://api.klipy.ai/api/v1"

// AuthScheme selects the header the key travels in.
type AuthScheme int

const (
	// AuthBearer sends "Authorization: Bearer <key>" (the default).
	AuthBearer AuthScheme = iota
	// AuthAPIKeyHeader sends "X-Klipy-Api-Key: <key>".
	AuthAPIKeyHeader
)

// Limiter paces requests. Wait blocks until one request in the bucket named
// by key may be sent at perMinute requests per minute, or ctx is done. Local
// (in-process) and Redis-backed implementations share this interface.
type Limiter interface {
	Wait(ctx context.Context, key string, perMinute int) error
}

// Hooks let the caller observe the client (metrics). Nil functions are skipped.
type Hooks struct {
	// Request is called once per HTTP attempt with the operation id
	// (e.g. "getPerson"), the status (0 on a network error) and its duration.
	Request func(op string, status int, d time.Duration)
	// RateLimitWait is called whenever the client waited for rate-limit budget.
	RateLimitWait func(d time.Duration)
}

// Options configure a Client. The zero value of each field means its default.
type Options struct {
	BaseURL    string       // default DefaultBaseURL
	APIKey     string       // the key; never logged
	Auth       AuthScheme   // default AuthBearer
	HTTPClient *http.Client // default: a pooled client
	Version    string       // klipy-mcp version for the User-Agent
	UserAgent  string       // suffix, e.g. the MCP client's "name/version"
	Scopes     []Scope      // declared scopes, used when /authenticate lists none
	RateLimit  int          // requests per minute per key; default 200
	OrgLimit   int          // requests per minute per organization; default 1000
	Limiter    Limiter      // shared across clients; default a process-wide local limiter
	Timeout    time.Duration
	Logger     *slog.Logger
	Hooks      Hooks
}

// Client talks to the Klipy API with one key.
type Client struct {
	People       *PeopleService
	Companies    *CompaniesService
	Interactions *InteractionsService
}

// PeopleService covers /people.
type PeopleService struct{ c *Client }

// CompaniesService covers /companies.
type CompaniesService struct{ c *Client }

// InteractionsService covers /interactions.
type InteractionsService struct{ c *Client }

// Response carries what every answer says besides its payload.
type Response struct {
	StatusCode int
	RequestID  string
	RateLimit  RateLimit
}

// RateLimit is the window state the API reported.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
}

// Errors callers branch on with errors.Is.
var (
	ErrNotFound     = errors.New("klipy: not found")
	ErrUnauthorized = errors.New("klipy: invalid or expired API key")
	ErrForbidden    = errors.New("klipy: forbidden")
	ErrMissingScope = errors.New("klipy: key lacks the required scope")
	ErrRateLimited  = errors.New("klipy: rate limited")
	ErrValidation   = errors.New("klipy: validation failed")
	ErrConflict     = errors.New("klipy: conflict")
	ErrUnavailable  = errors.New("klipy: service unavailable")
)

var errUnimplemented = errors.New("klipy: not implemented")

// New returns a client for opts.
func New(opts Options) (*Client, error) {
	c := &Client{}
	c.People = &PeopleService{c}
	c.Companies = &CompaniesService{c}
	c.Interactions = &InteractionsService{c}
	return c, nil
}

// Authenticate validates the key and learns its workspace, organization and
// (when listed) scopes.
func (c *Client) Authenticate(ctx context.Context) (*Workspace, *Response, error) {
	return nil, nil, errUnimplemented
}

// Scopes returns the key's scopes and whether they are known.
func (c *Client) Scopes() ([]Scope, bool) { return nil, false }

// Allows reports whether the key may use scope; true while scopes are unknown.
func (c *Client) Allows(scope Scope) bool { return true }

// RetryAfter returns how long to wait before retrying after a rate-limit error.
func RetryAfter(err error) (time.Duration, bool) { return 0, false }

// Get returns one person.
func (s *PeopleService) Get(ctx context.Context, id string) (*Person, *Response, error) {
	return nil, nil, errUnimplemented
}

// Query returns one page of people.
func (s *PeopleService) Query(ctx context.Context, q *PeopleQuery) (*Page[*Person], *Response, error) {
	return nil, nil, errUnimplemented
}

// All iterates over every person matching q, following cursors.
func (s *PeopleService) All(ctx context.Context, q PeopleQuery) iter.Seq2[*Person, error] {
	return func(yield func(*Person, error) bool) { yield(nil, errUnimplemented) }
}

// Create creates a person. It is never re-sent once it may have reached the server.
func (s *PeopleService) Create(ctx context.Context, in *PersonInput) (*Person, *Response, error) {
	return nil, nil, errUnimplemented
}

// Upsert creates or updates the person matching in.Email.
func (s *PeopleService) Upsert(ctx context.Context, in *PersonInput) (*Person, *Response, error) {
	return nil, nil, errUnimplemented
}

// Update changes the given fields of a person.
func (s *PeopleService) Update(ctx context.Context, id string, in *PersonInput) (*Person, *Response, error) {
	return nil, nil, errUnimplemented
}

// Delete removes a person.
func (s *PeopleService) Delete(ctx context.Context, id string) (*DeleteResult, *Response, error) {
	return nil, nil, errUnimplemented
}

// Get returns one company.
func (s *CompaniesService) Get(ctx context.Context, id string) (*Company, *Response, error) {
	return nil, nil, errUnimplemented
}

// Create creates a company.
func (s *CompaniesService) Create(ctx context.Context, in *CompanyInput) (*Company, *Response, error) {
	return nil, nil, errUnimplemented
}

// Update changes the given fields of a company.
func (s *CompaniesService) Update(ctx context.Context, id string, in *CompanyInput) (*Company, *Response, error) {
	return nil, nil, errUnimplemented
}

// Delete removes a company.
func (s *CompaniesService) Delete(ctx context.Context, id string) (*DeleteResult, *Response, error) {
	return nil, nil, errUnimplemented
}

// Get returns one interaction.
func (s *InteractionsService) Get(ctx context.Context, id string) (*Interaction, *Response, error) {
	return nil, nil, errUnimplemented
}

// Query returns one page of interactions.
func (s *InteractionsService) Query(ctx context.Context, q *InteractionsQuery) (*Page[*Interaction], *Response, error) {
	return nil, nil, errUnimplemented
}

// All iterates over every interaction matching q, following cursors.
func (s *InteractionsService) All(ctx context.Context, q InteractionsQuery) iter.Seq2[*Interaction, error] {
	return func(yield func(*Interaction, error) bool) { yield(nil, errUnimplemented) }
}

// Create logs an interaction. With a PrimaryID a retry is safe (the API
// de-duplicates), so the client may re-send it.
func (s *InteractionsService) Create(ctx context.Context, in *InteractionInput) (*InteractionCreated, *Response, error) {
	return nil, nil, errUnimplemented
}

// APIError is an error answer from the API. It never contains the key.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	Details    any
	RequestID  string
	// RetryAfter is set on 429 answers.
	RetryAfter time.Duration
	// Op is the operation id (e.g. "getPerson").
	Op string
}

func (e *APIError) Error() string { return "klipy: " + e.Message }

// ScopeError is returned, before any request is sent, for an operation the
// key's known scopes do not allow. errors.Is(err, ErrMissingScope) is true.
type ScopeError struct {
	Op    string
	Scope Scope
}

func (e *ScopeError) Error() string { return "klipy: " + e.Op + " needs scope " + string(e.Scope) }
