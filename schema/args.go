package schema

// GetWorkspaceArgs is the (empty) input of get_workspace.
type GetWorkspaceArgs struct{}

// SearchPeopleArgs is the input of search_people.
type SearchPeopleArgs struct {
	// Words of a name, email, email domain or title, in any order.
	Query string `json:"query,omitempty" `
	// Exact email.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	// Company id.
	CompanyID string `json:"company_id,omitempty"`
	// Page size.
	Limit int `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=20"`
	// next_cursor of the previous page.
	Cursor string `json:"cursor,omitempty"`
}

// GetPersonArgs is the input of get_person.
type GetPersonArgs struct {
	// Person id.
	PersonID string `json:"person_id" jsonschema:"required"`
	// Add recent interactions.
	IncludeInteractions bool `json:"include_interactions,omitempty"`
	// Interactions to add.
	InteractionsLimit int `json:"interactions_limit,omitempty" jsonschema:"minimum=1,maximum=50,default=10"`
}

// PersonFields are the writable person fields shared by create, upsert and
// update.
type PersonFields struct {
	// First name.
	FirstName string `json:"first_name,omitempty"`
	// Last name.
	LastName string `json:"last_name,omitempty" `
	// Job title.
	Title string `json:"title,omitempty" `
	// Phone.
	Phone string `json:"phone,omitempty" `
	// LinkedIn URL.
	LinkedInURL string `json:"linkedin_url,omitempty"`
	// Company id.
	CompanyID string `json:"company_id,omitempty"`
	// Notes.
	Notes string `json:"notes,omitempty" jsonschema:"maxLength=10000"`
}

// CreatePersonArgs is the input of create_person and upsert_person.
type CreatePersonArgs struct {
	// Email.
	Email string `json:"email" jsonschema:"required,format=email"`
	PersonFields
}

// UpdatePersonArgs is the input of update_person.
type UpdatePersonArgs struct {
	// Person id.
	PersonID string `json:"person_id" jsonschema:"required"`
	// Email.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	PersonFields
}

// PersonIDArgs is the input of delete_person.
type PersonIDArgs struct {
	// Person id.
	PersonID string `json:"person_id" jsonschema:"required"`
}

// CompanyIDArgs is the input of get_company and delete_company.
type CompanyIDArgs struct {
	// Company id.
	CompanyID string `json:"company_id" jsonschema:"required"`
}

// CompanyFields are the writable company fields shared by create and update.
type CompanyFields struct {
	// Domain, e.g. acme.com.
	Domain string `json:"domain,omitempty" `
	// Industry.
	Industry string `json:"industry,omitempty" `
	// Website.
	Website string `json:"website,omitempty"`
	// LinkedIn URL.
	LinkedInURL string `json:"linkedin_url,omitempty"`
	// City.
	City string `json:"city,omitempty" `
	// State.
	State string `json:"state,omitempty" `
	// Country.
	Country string `json:"country,omitempty" `
	// Employees.
	EmployeeCount *int `json:"employee_count,omitempty" jsonschema:"minimum=0"`
}

// CreateCompanyArgs is the input of create_company.
type CreateCompanyArgs struct {
	// Name.
	Name string `json:"name" jsonschema:"required"`
	CompanyFields
}

// UpdateCompanyArgs is the input of update_company.
type UpdateCompanyArgs struct {
	// Company id.
	CompanyID string `json:"company_id" jsonschema:"required"`
	// Name.
	Name string `json:"name,omitempty" `
	CompanyFields
}

// SearchInteractionsArgs is the input of search_interactions.
type SearchInteractionsArgs struct {
	// Person id.
	PersonID string `json:"person_id,omitempty"`
	// Company id.
	CompanyID string `json:"company_id,omitempty"`
	// Type, e.g. MEETING or EMAIL.
	Type string `json:"type,omitempty"`
	// From (inclusive).
	Since string `json:"since,omitempty" jsonschema:"format=date-time"`
	// Before.
	Until string `json:"until,omitempty" jsonschema:"format=date-time"`
	// Page size.
	Limit int `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50,default=20"`
	// next_cursor of the previous page.
	Cursor string `json:"cursor,omitempty"`
}

// InteractionIDArgs is the input of get_interaction.
type InteractionIDArgs struct {
	// Interaction id.
	InteractionID string `json:"interaction_id" jsonschema:"required"`
}

// LogInteractionArgs is the input of log_interaction.
type LogInteractionArgs struct {
	// Type.
	Type string `json:"type" jsonschema:"required,enum=DIRECT_MESSAGE,enum=EMAIL,enum=MEETING,enum=MEMO,enum=BOOKING_CREATED,enum=BOOKING_CANCELLED,enum=MANUAL,enum=API_EVENT,enum=VOICE_NOTE"`
	// Who initiated it.
	Direction string `json:"direction" jsonschema:"required,enum=INBOUND,enum=OUTBOUND,enum=HYBRID,enum=INTERNAL,enum=EVENT"`
	// Subject.
	Title string `json:"title" jsonschema:"required,maxLength=1000"`
	// Body.
	Summary string `json:"summary,omitempty" jsonschema:"maxLength=10000"`
	// Or person_email.
	PersonID string `json:"person_id,omitempty"`
	// Or person_id.
	PersonEmail string `json:"person_email,omitempty" jsonschema:"format=email"`
	// Default now.
	OccurredAt string `json:"occurred_at,omitempty" jsonschema:"format=date-time"`
	// Makes retries safe.
	ExternalID string `json:"external_id,omitempty"`
	// Your second key.
	SecondaryID string `json:"secondary_id,omitempty"`
}
