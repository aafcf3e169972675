package oauth

import (
	"encoding/json"
	"net/http"
)

// ASMetadata is the authorization-server metadata document (RFC 8414).
type ASMetadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	RevocationAuthMethodsSupported    []string `json:"revocation_endpoint_auth_methods_supported"`
	ClientIDMetadataDocumentSupported bool     `json:"client_id_metadata_document_supported"`
	AuthorizationResponseISSSupported bool     `json:"authorization_response_iss_parameter_supported"`
}

// ResourceMetadata is the protected-resource metadata document (RFC 9728).
type ResourceMetadata struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	ResourceName           string   `json:"resource_name"`
	ResourceDocumentation  string   `json:"resource_documentation,omitempty"`
}

// ASMetadata returns this server's RFC 8414 document.
func (s *Server) ASMetadata() ASMetadata {
	return ASMetadata{
		Issuer:                            s.issuer,
		AuthorizationEndpoint:             s.issuer + PathAuthorize,
		TokenEndpoint:                     s.issuer + PathToken,
		RegistrationEndpoint:              s.issuer + PathRegister,
		RevocationEndpoint:                s.issuer + PathRevoke,
		ResponseTypesSupported:            []string{"code"},
		ResponseModesSupported:            []string{"query"},
		GrantTypesSupported:               []string{"authorization_code", "refresh_token"},
		CodeChallengeMethodsSupported:     []string{"S256"},
		TokenEndpointAuthMethodsSupported: []string{"none"},
		RevocationAuthMethodsSupported:    []string{"none"},
		ClientIDMetadataDocumentSupported: true,
		AuthorizationResponseISSSupported: true,
	}
}

// ResourceMetadata returns this server's RFC 9728 document.
func (s *Server) ResourceMetadata() ResourceMetadata {
	return ResourceMetadata{
		Resource:               s.resource,
		AuthorizationServers:   []string{s.issuer},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "Klipy CRM (klipy-mcp)",
	}
}

func (s *Server) serveASMetadata(w http.ResponseWriter, r *http.Request) {
	serveJSONDoc(w, r, s.ASMetadata())
}

func (s *Server) serveResourceMetadata(w http.ResponseWriter, r *http.Request) {
	serveJSONDoc(w, r, s.ResourceMetadata())
}

func serveJSONDoc(w http.ResponseWriter, r *http.Request, doc any) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, doc)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oauthError is the error body of the token, registration and revocation
// endpoints (RFC 6749 §5.2, RFC 7591 §3.2.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}
