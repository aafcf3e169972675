package klipy

import (
	"encoding/json"
	"time"
)

// Scope is a permission a Klipy API key carries.
type Scope string

// The scopes a Klipy key can carry. ScopeAll grants every other scope.
const (
	ScopeAll               Scope = "ALL"
	ScopePeopleRead        Scope = "people:read"
	ScopePeopleWrite       Scope = "people:write"
	ScopeCompaniesRead     Scope = "companies:read"
	ScopeCompaniesWrite    Scope = "companies:write"
	ScopeCompaniesRemove   Scope = "companies:remove"
	ScopeInteractionsRead  Scope = "interactions:read"
	ScopeInteractionsWrite Scope = "interactions:write"
)

// Time is a timestamp the API may send as an RFC 3339 string or as epoch
// milliseconds. It marshals as RFC 3339 (UTC) and as null when zero.
type Time struct{ time.Time }

// Workspace is what /authenticate says about a key.
type Workspace struct {
	// Name is the organization (workspace) name, read from team_name,
	// organization_name, name or team.name.
	Name string
	// OrganizationID identifies the organization when the API reports it.
	OrganizationID string
	// Scopes lists the key's scopes when the API reports them; ScopesKnown
	// says whether it did.
	Scopes      []Scope
	ScopesKnown bool
	// Extra keeps every field of the payload the client does not model.
	Extra map[string]json.RawMessage
}

// Person is a Klipy person (contact). Fields the client does not model are
// kept in Extra and written back out by MarshalJSON, so nothing is lost.
type Person struct {
	ID        string
	Email     string
	FirstName string
	LastName  string
	Title     string
	Phone     string
	LinkedIn  string
	CompanyID string
	Remarks   string
	CreatedAt Time
	UpdatedAt Time
	Extra     map[string]json.RawMessage
}

// PersonInput is the body of a person create, upsert or update. Empty fields
// are not sent.
type PersonInput struct {
	Email     string `json:"email,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Title     string `json:"title,omitempty"`
	Phone     string `json:"phone,omitempty"`
	LinkedIn  string `json:"linkedin,omitempty"`
	CompanyID string `json:"companyId,omitempty"`
	Remarks   string `json:"remarks,omitempty"`
}

// PeopleFilter restricts a people query.
type PeopleFilter struct {
	Email     string `json:"email,omitempty"`
	CompanyID string `json:"companyId,omitempty"`
}

// PeopleQuery is the body of POST /people/query.
type PeopleQuery struct {
	Cursor string        `json:"cursor,omitempty"`
	Limit  int           `json:"limit,omitempty"`
	Filter *PeopleFilter `json:"filter,omitempty"`
}

// Company is a Klipy company. Unknown fields are kept in Extra.
type Company struct {
	ID               string
	Name             string
	Domain           string
	Industry         string
	EmployeeCount    *int
	EstimatedRevenue *float64
	City             string
	State            string
	Country          string
	LinkedIn         string
	Website          string
	CreatedAt        Time
	UpdatedAt        Time
	Extra            map[string]json.RawMessage
}

// CompanyInput is the body of a company create or update. Empty fields are
// not sent.
type CompanyInput struct {
	Name             string   `json:"name,omitempty"`
	Domain           string   `json:"domain,omitempty"`
	Industry         string   `json:"industry,omitempty"`
	EmployeeCount    *int     `json:"employeeCount,omitempty"`
	EstimatedRevenue *float64 `json:"estimatedRevenue,omitempty"`
	City             string   `json:"city,omitempty"`
	State            string   `json:"state,omitempty"`
	Country          string   `json:"country,omitempty"`
	LinkedIn         string   `json:"linkedin,omitempty"`
	Website          string   `json:"website,omitempty"`
}

// Interaction types accepted on create.
const (
	TypeDirectMessage    = "DIRECT_MESSAGE"
	TypeEmail            = "EMAIL"
	TypeMeeting          = "MEETING"
	TypeMemo             = "MEMO"
	TypeBookingCreated   = "BOOKING_CREATED"
	TypeBookingCancelled = "BOOKING_CANCELLED"
	TypeManual           = "MANUAL"
	TypeAPIEvent         = "API_EVENT"
	TypeVoiceNote        = "VOICE_NOTE"
)

// Interaction directions.
const (
	DirectionInbound  = "INBOUND"
	DirectionOutbound = "OUTBOUND"
	DirectionHybrid   = "HYBRID"
	DirectionInternal = "INTERNAL"
	DirectionEvent    = "EVENT"
)

// InteractionTypes returns every interaction type, in the contract's order.
// Each call builds the list afresh, so a caller may change what it gets.
func InteractionTypes() []string {
	return []string{TypeDirectMessage, TypeEmail, TypeMeeting, TypeMemo,
		TypeBookingCreated, TypeBookingCancelled, TypeManual, TypeAPIEvent, TypeVoiceNote}
}

// Interaction is an entry on a person's timeline. Unknown fields are kept in
// Extra.
type Interaction struct {
	ID              string
	Type            string
	Direction       string
	Title           string
	Summary         string
	Source          string
	Sentiment       string
	CreatedBy       string
	Companies       []string
	Contacts        []string
	CreationTime    Time
	InteractionDate Time
	Extra           map[string]json.RawMessage
}

// InteractionInput is the body of POST /interactions. Exactly one of
// MainContact and MainContactEmail must be set.
type InteractionInput struct {
	Type             string `json:"type"`
	Direction        string `json:"direction"`
	Title            string `json:"title"`
	Summary          string `json:"summary,omitempty"`
	MainContact      string `json:"mainContact,omitempty"`
	MainContactEmail string `json:"mainContactEmail,omitempty"`
	PrimaryID        string `json:"primaryId,omitempty"`
	SecondaryID      string `json:"secondaryId,omitempty"`
	// InteractionDate is epoch milliseconds; zero lets the API use now.
	InteractionDate int64 `json:"interactionDate,omitempty"`
}

// InteractionCreated is the answer to a create: the interaction's id and
// whether it matched an existing one (same primaryId), in which case ID is
// the original's.
type InteractionCreated struct {
	ID          string `json:"id"`
	IsDuplicate bool   `json:"isDuplicate"`
}

// InteractionFilter restricts an interactions query.
type InteractionFilter struct {
	CompanyID string `json:"companyId,omitempty"`
	ContactID string `json:"contactId,omitempty"`
}

// InteractionsQuery is the body of POST /interactions/query.
type InteractionsQuery struct {
	Cursor string             `json:"cursor,omitempty"`
	Limit  int                `json:"limit,omitempty"`
	Filter *InteractionFilter `json:"filter,omitempty"`
}

// DeleteResult is the answer to a delete.
type DeleteResult struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// Page is one page of a cursor-paginated list. NextCursor is empty on the
// last page, and also when more pages exist but cannot be followed, which
// Incomplete then says.
type Page[T any] struct {
	Items      []T
	NextCursor string
	HasMore    bool
	// FilteredOut counts the records the API returned for a filtered query
	// that did not match the filter; they are not in Items. More than zero
	// means the API ignored (part of) the filter.
	FilteredOut int `json:",omitempty"`
	// Incomplete, when not empty, says why the listing cannot go on although
	// the API said more pages exist (IncompleteNoCursor,
	// IncompleteRepeatedCursor). Such a listing must never be reported as
	// complete.
	Incomplete string `json:",omitempty"`
	// CursorField is where the next cursor was read, e.g.
	// "page_info.end_cursor"; empty when there was none.
	CursorField string `json:",omitempty"`
}
