package sfsim

import (
	"net/http"
	"strings"
)

// oauthError is a token endpoint refusal: the error and error_description
// Salesforce answers, with HTTP 400 (reference §3).
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

// The token endpoint's refusals, with Salesforce's exact strings
// (reference §3 table).
var (
	errMustPost         = oauthError{"invalid_request", "Must use HTTP POST"}
	errHTTPSRequired    = oauthError{"invalid_request", "HTTPS required"}
	errJTIInUse         = oauthError{"invalid_request", "jti already in use"}
	errGrantType        = oauthError{"unsupported_grant_type", "grant type not supported"}
	errInvalidAssertion = oauthError{"invalid_grant", "invalid assertion"}
	errClientID         = oauthError{"invalid_client_id", "client identifier invalid"}
	errAppNotFound      = oauthError{"app_not_found", "External client app is not installed in this org"}
	errAudience         = oauthError{"invalid_grant", "audience is invalid"}
	errAudienceDoc      = oauthError{"invalid_grant", "Audience validation failed"}
	errExpired          = oauthError{"invalid_grant", "expired authorization code"}
	errInactiveUser     = oauthError{"inactive_user", "User is inactive"}
	errUserLocked       = oauthError{"invalid_grant", "user is locked"}
	errInactiveOrg      = oauthError{"inactive_org", "Org is locked, closed, or suspended"}
	errIPRestricted     = oauthError{"invalid_grant", "IP restricted or invalid login hours"}
	errNotApproved      = oauthError{"invalid_grant", "user hasn't approved this consumer"}
	errNotAdminApproved = oauthError{"invalid_app_access", "user is not admin approved to access this app"}
	errNoScopes         = oauthError{"invalid_grant", "no valid scopes defined"}
	errLoginRateLimit   = oauthError{"rate_limit_exceeded", "Number of logins exceeded"}
)

// knownOAuthErrors gives the description used when only an error code is
// configured (Faults.FailError, TokenOptions.UnknownUserError).
var knownOAuthErrors = map[string]oauthError{
	"invalid_client_id":      errClientID,
	"app_not_found":          errAppNotFound,
	"invalid_grant":          errNotApproved,
	"invalid_app_access":     errNotAdminApproved,
	"inactive_user":          errInactiveUser,
	"inactive_org":           errInactiveOrg,
	"rate_limit_exceeded":    errLoginRateLimit,
	"unsupported_grant_type": errGrantType,
	"invalid_request":        errMustPost,
}

// parseOAuthError reads "error" or "error: description".
func parseOAuthError(s string) (oauthError, bool) {
	code, desc, found := strings.Cut(s, ":")
	code = strings.TrimSpace(code)
	if found {
		return oauthError{code, strings.TrimSpace(desc)}, code != ""
	}
	e, ok := knownOAuthErrors[code]
	return e, ok
}

// writeOAuthError answers a token request with a refusal.
func writeOAuthError(w http.ResponseWriter, e oauthError) {
	noteError(w, e.Code)
	writeJSON(w, http.StatusBadRequest, e)
}

// restError is one entry of Salesforce's REST error array (reference §5.6).
type restError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields,omitempty"`
}

// apiError is a REST failure: the status and the error array's one entry.
type apiError struct {
	status int
	restError
}

// The REST refusals, with Salesforce's exact strings (reference §5.4, §5.5).
var (
	errSessionInvalid = apiError{http.StatusUnauthorized,
		restError{Message: "Session expired or invalid", ErrorCode: "INVALID_SESSION_ID"}}
	errSessionNotREST = apiError{http.StatusUnauthorized,
		restError{Message: "This session is not valid for use with the REST API", ErrorCode: "INVALID_SESSION_ID"}}
	errAPIDisabled = apiError{http.StatusForbidden,
		restError{Message: "The REST API is not enabled for this Organization.", ErrorCode: "API_DISABLED_FOR_ORG"}}
	errNotFound = apiError{http.StatusNotFound,
		restError{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"}}
	errRequestLimit = apiError{http.StatusForbidden,
		restError{Message: "TotalRequests Limit exceeded.", ErrorCode: "REQUEST_LIMIT_EXCEEDED"}}
	errMethod = apiError{http.StatusMethodNotAllowed,
		restError{Message: "HTTP Method is not supported", ErrorCode: "METHOD_NOT_ALLOWED"}}
)

// writeRESTError answers with Salesforce's REST error array.
func writeRESTError(w http.ResponseWriter, status int, code, message string) {
	writeAPIError(w, apiError{status, restError{Message: message, ErrorCode: code}})
}

// writeAPIError answers with one REST error.
func writeAPIError(w http.ResponseWriter, e apiError) {
	noteError(w, e.ErrorCode)
	writeJSON(w, e.status, []restError{e.restError})
}

// noteError records the error code of the answer in the request log.
func noteError(w http.ResponseWriter, code string) {
	if rec, ok := w.(*recorder); ok {
		rec.errCode = code
	}
}
