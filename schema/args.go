package schema

// GetWorkspaceArgs is the (empty) input of get_workspace.
type GetWorkspaceArgs struct{}

// SearchPeopleArgs is the input of search_people.
type SearchPeopleArgs struct {
	// Free text matched against name, email and title.
	Query string `json:"query,omitempty" jsonschema:"maxLength=200"`
	// Exact email.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	// Only people at this company.
	CompanyID string `json:"company_id,omitempty"`
	// Page size.
	Limit int `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=20"`
	// next_cursor from the previous page.
	Cursor string `json:"cursor,omitempty"`
}

// GetPersonArgs is the input of get_person.
type GetPersonArgs struct {
	// Person id.
	PersonID string `json:"person_id" jsonschema:"required,minLength=1"`
	// Also return recent interactions.
	IncludeInteractions bool `json:"include_interactions,omitempty" jsonschema:"default=false"`
	// How many interactions.
	InteractionsLimit int `json:"interactions_limit,omitempty" jsonschema:"minimum=1,maximum=50,default=10"`
}

// PersonFields are the writable person fields shared by create, upsert and
// update.
type PersonFields struct {
	// First name.
	FirstName string `json:"first_name,omitempty" jsonschema:"maxLength=200"`
	// Last name.
	LastName string `json:"last_name,omitempty" jsonschema:"maxLength=200"`
	// Job title.
	Title string `json:"title,omitempty" jsonschema:"maxLength=500"`
	// Phone number.
	Phone string `json:"phone,omitempty" jsonschema:"maxLength=50"`
	// LinkedIn profile URL.
	LinkedInURL string `json:"linkedin_url,omitempty" jsonschema:"format=uri"`
	// Company id to link.
	CompanyID string `json:"company_id,omitempty"`
	// Free-text notes.
	Notes string `json:"notes,omitempty" jsonschema:"maxLength=10000"`
}

// CreatePersonArgs is the input of create_person and upsert_person.
type CreatePersonArgs struct {
	// Email; the match key for upsert.
	Email string `json:"email" jsonschema:"required,format=email"`
	PersonFields
}

// UpdatePersonArgs is the input of update_person.
type UpdatePersonArgs struct {
	// Person id.
	PersonID string `json:"person_id" jsonschema:"required,minLength=1"`
	// New email.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	PersonFields
}

// PersonIDArgs is the input of delete_person.
type PersonIDArgs struct {
	// Person id.
	PersonID string `json:"person_id" jsonschema:"required,minLength=1"`
}

// CompanyIDArgs is the input of get_company and delete_company.
type CompanyIDArgs struct {
	// Company id.
	CompanyID string `json:"company_id" jsonschema:"required,minLength=1"`
}

// CompanyFields are the writable company fields shared by create and update.
type CompanyFields struct {
	// Web domain, e.g. acme.com.
	Domain string `json:"domain,omitempty" jsonschema:"maxLength=253"`
	// Industry.
	Industry string `json:"industry,omitempty" jsonschema:"maxLength=200"`
	// Website URL.
	Website string `json:"website,omitempty" jsonschema:"format=uri"`
	// LinkedIn page URL.
	LinkedInURL string `json:"linkedin_url,omitempty" jsonschema:"format=uri"`
	// City.
	City string `json:"city,omitempty" jsonschema:"maxLength=200"`
	// State or region.
	State string `json:"state,omitempty" jsonschema:"maxLength=200"`
	// Country.
	Country string `json:"country,omitempty" jsonschema:"maxLength=200"`
	// Number of employees.
	EmployeeCount *int `json:"employee_count,omitempty" jsonschema:"minimum=0"`
}

// CreateCompanyArgs is the input of create_company.
type CreateCompanyArgs struct {
	// Company name.
	Name string `json:"name" jsonschema:"required,minLength=1,maxLength=500"`
	CompanyFields
}

// UpdateCompanyArgs is the input of update_company.
type UpdateCompanyArgs struct {
	// Company id.
	CompanyID string `json:"company_id" jsonschema:"required,minLength=1"`
	// Company name.
	Name string `json:"name,omitempty" jsonschema:"maxLength=500"`
	CompanyFields
}

// SearchInteractionsArgs is the input of search_interactions.
type SearchInteractionsArgs struct {
	// Only this person's interactions.
	PersonID string `json:"person_id,omitempty"`
	// Only this company's interactions.
	CompanyID string `json:"company_id,omitempty"`
	// Keep only this type (filters the returned page).
	Type string `json:"type,omitempty" jsonschema:"enum=DIRECT_MESSAGE,enum=EMAIL,enum=MEETING,enum=MEMO,enum=BOOKING_CREATED,enum=BOOKING_CANCELLED,enum=MANUAL,enum=API_EVENT,enum=VOICE_NOTE"`
	// Keep only those at or after this time (filters the returned page).
	Since string `json:"since,omitempty" jsonschema:"format=date-time"`
	// Keep only those before this time (filters the returned page).
	Until string `json:"until,omitempty" jsonschema:"format=date-time"`
	// Page size.
	Limit int `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50,default=20"`
	// next_cursor from the previous page.
	Cursor string `json:"cursor,omitempty"`
}

// InteractionIDArgs is the input of get_interaction.
type InteractionIDArgs struct {
	// Interaction id.
	InteractionID string `json:"interaction_id" jsonschema:"required,minLength=1"`
}

// LogInteractionArgs is the input of log_interaction.
type LogInteractionArgs struct {
	// Kind of interaction.
	Type string `json:"type" jsonschema:"required,enum=DIRECT_MESSAGE,enum=EMAIL,enum=MEETING,enum=MEMO,enum=BOOKING_CREATED,enum=BOOKING_CANCELLED,enum=MANUAL,enum=API_EVENT,enum=VOICE_NOTE"`
	// Who initiated it.
	Direction string `json:"direction" jsonschema:"required,enum=INBOUND,enum=OUTBOUND,enum=HYBRID,enum=INTERNAL,enum=EVENT"`
	// Subject.
	Title string `json:"title" jsonschema:"required,minLength=1,maxLength=1000"`
	// Body or notes.
	Summary string `json:"summary,omitempty" jsonschema:"maxLength=10000"`
	// Person id; give this or person_email.
	PersonID string `json:"person_id,omitempty"`
	// Person email; give this or person_id.
	PersonEmail string `json:"person_email,omitempty" jsonschema:"format=email"`
	// When it happened; default now.
	OccurredAt string `json:"occurred_at,omitempty" jsonschema:"format=date-time"`
	// Your unique id; retries with it do not duplicate.
	ExternalID string `json:"external_id,omitempty" jsonschema:"maxLength=200"`
}
