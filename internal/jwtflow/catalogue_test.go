package jwtflow

import (
	"strings"
	"testing"
)

// section3 is every error of the token endpoint in section 3 of the
// reference notes, as Salesforce sends it.
var section3 = [][2]string{
	{"invalid_grant", "user hasn't approved this consumer"},
	{"invalid_app_access", "user is not admin approved to access this app"},
	{"invalid_grant", "invalid assertion"},
	{"invalid_grant", "audience is invalid"},
	{"invalid_grant", "Audience validation failed"},
	{"invalid_grant", "expired authorization code"},
	{"invalid_client_id", "client identifier invalid"},
	{"app_not_found", "External client app is not installed in this org"},
	{"unsupported_grant_type", "grant type not supported"},
	{"invalid_request", "HTTPS required"},
	{"invalid_request", "Must use HTTP POST"},
	{"invalid_request", "jti already in use"},
	{"invalid_grant", "IP restricted or invalid login hours"},
	{"invalid_grant", "ip restricted or invalid login hours"},
	{"invalid_grant", "ip restricted"},
	{"inactive_user", "User is inactive"},
	{"invalid_grant", "inactive user"},
	{"inactive_org", "Org is locked, closed, or suspended"},
	{"rate_limit_exceeded", "Number of logins exceeded"},
	{"invalid_grant", "authentication failure"},
	{"invalid_grant", "user is locked"},
	{"invalid_grant", "no valid scopes defined"},
	{"invalid_scope", "Requested scope is invalid, unknown, or malformed"},
	{"invalid_client", "app must be installed into org"},
}

func TestCatalogueCoversSection3(t *testing.T) {
	for _, e := range section3 {
		got := Lookup(e[0], e[1])
		if len(got.Descriptions) == 0 || got.Error != e[0] {
			t.Errorf("%s / %s: explained only by the catch-all %q", e[0], e[1], got.ID)
		}
	}
}

func TestCatalogueEntries(t *testing.T) {
	ids := map[string]bool{}
	for _, e := range Catalogue {
		if e.ID == "" || ids[e.ID] {
			t.Errorf("entry %q: empty or duplicate ID", e.ID)
		}
		ids[e.ID] = true
		if e.Title == "" || e.Cause == "" || len(e.Fix) == 0 || e.Status != 400 {
			t.Errorf("entry %q lacks a title, cause, fix or status", e.ID)
		}
		for _, f := range e.Fix {
			if strings.TrimSpace(f) == "" {
				t.Errorf("entry %q has an empty fix", e.ID)
			}
		}
	}
}

// TestCatalogueFixesNameTheSetting checks the fixes the issue spells out.
func TestCatalogueFixesNameTheSetting(t *testing.T) {
	for id, wants := range map[string][]string{
		"user-not-approved": {"Permitted Users", "Admin approved users are pre-authorized",
			"profile or a permission set", "https://login.salesforce.com",
			"https://test.salesforce.com", "minutes", "--retry-for"},
		"invalid-assertion":  {"public-key SHA-256", "kollenoctl inspect", "Upload Files"},
		"client-id-invalid":  {"Consumer Key and Secret", "Manage Consumer Details"},
		"app-not-found":      {"My Domain", "External Client App Manager"},
		"not-admin-approved": {"App Policies", "Salesforce API Integration"},
		"ip-restricted":      {"Login IP Ranges", "Relax IP restrictions"},
		"expired":            {"clock"},
	} {
		e := entryByID(id)
		if e == nil {
			t.Errorf("no entry %q", id)
			continue
		}
		text := strings.Join(e.Fix, "\n")
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s: fix does not mention %q:\n%s", id, w, text)
			}
		}
	}
}

func entryByID(id string) *CatalogueEntry {
	for i := range Catalogue {
		if Catalogue[i].ID == id {
			return &Catalogue[i]
		}
	}
	return nil
}

func TestLookup(t *testing.T) {
	for _, tt := range []struct{ code, desc, id string }{
		{"invalid_grant", "  User hasn't approved this consumer ", "user-not-approved"},
		{"invalid_grant", "something new", "invalid-grant-other"},
		{"brand_new_error", "whatever", "unknown"},
		{"", "", "unknown"},
		{"invalid_client_id", "something else", "unknown"},
	} {
		if got := Lookup(tt.code, tt.desc); got == nil || got.ID != tt.id {
			t.Errorf("Lookup(%q, %q) = %v, want %s", tt.code, tt.desc, got, tt.id)
		}
	}
}

func TestPropagationAnswers(t *testing.T) {
	// The answers --retry-for retries, as the issue lists them.
	want := map[string]bool{"client-id-invalid": true, "user-not-approved": true,
		"not-admin-approved": true, "app-not-found": true, "invalid-assertion": true}
	for _, e := range Catalogue {
		if e.Propagation != want[e.ID] {
			t.Errorf("%s: Propagation = %v", e.ID, e.Propagation)
		}
		other := e.ID == "audience-invalid" || e.ID == "app-not-found"
		if e.OtherPairing != other {
			t.Errorf("%s: OtherPairing = %v", e.ID, e.OtherPairing)
		}
	}
}

// TestRetryAdvice: every entry --retry-for retries advises it, and only in
// the lines RefusedError.Hint drops once --retry-for was given.
func TestRetryAdvice(t *testing.T) {
	for _, e := range Catalogue {
		advised := false
		for _, fix := range e.Fix {
			if isRetryAdvice(fix) {
				advised = true
			} else if strings.Contains(fix, "--retry-for") {
				t.Errorf("%s: %q mentions --retry-for outside the retry advice", e.ID, fix)
			}
		}
		if advised != e.Propagation {
			t.Errorf("%s: retry advice %v, Propagation %v", e.ID, advised, e.Propagation)
		}
	}
}
