package sfsim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// restCase is one REST call and the answer Salesforce gives.
type restCase struct {
	name   string
	config func(*Config)
	method string
	path   string
	// token replaces the access token ("-" sends none).
	token      string
	wantStatus int
	// wantCode is the errorCode of the error array; empty for success.
	wantCode    string
	wantMessage string
	// wantBody is a substring of a successful body.
	wantBody string
}

func TestREST(t *testing.T) {
	for _, tc := range restCases() {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			if tc.config != nil {
				tc.config(&cfg)
			}
			_, ts := startSim(t, cfg)

			a := restCall(t, ts.URL, tc)

			checkRESTAnswer(t, a, tc)
		})
	}
}

// restCall logs in and makes the case's call.
func restCall(t *testing.T, base string, tc restCase) answer {
	token := tc.token
	if token == "" {
		token = login(t, base)
	}
	method := tc.method
	if method == "" {
		method = http.MethodGet
	}
	if token == "-" {
		return do(t, method, base+tc.path, "", "")
	}
	return do(t, method, base+tc.path, "", "", "Authorization", "Bearer "+token)
}

// checkRESTAnswer compares an answer with the case.
func checkRESTAnswer(t *testing.T, a answer, tc restCase) {
	t.Helper()
	if a.status != tc.wantStatus {
		t.Fatalf("status %d, want %d; body %s", a.status, tc.wantStatus, a.body)
	}
	if tc.wantCode == "" {
		if !strings.Contains(string(a.body), tc.wantBody) {
			t.Errorf("body %s lacks %q", a.body, tc.wantBody)
		}
		return
	}
	var errs []restError
	a.jsonOf(t, &errs)
	if len(errs) != 1 || errs[0].ErrorCode != tc.wantCode ||
		!strings.Contains(errs[0].Message, tc.wantMessage) {
		t.Errorf("errors %+v, want %s %q", errs, tc.wantCode, tc.wantMessage)
	}
}

func restCases() []restCase {
	const v = "/services/data/v67.0"
	return []restCase{
		{name: "versions without token", path: "/services/data/", token: "-", wantStatus: 200,
			wantBody: `{"label":"Summer '26","url":"/services/data/v67.0","version":"67.0"}`},
		{name: "versions start at 31", path: "/services/data/", token: "-", wantStatus: 200,
			wantBody: `[{"label":"Summer '14","url":"/services/data/v31.0","version":"31.0"}`},
		{name: "describe", path: v + "/sobjects/Account/describe", wantStatus: 200,
			wantBody: `"queryable":true`},
		{name: "describe without Account read", path: v + "/sobjects/Account/describe",
			config: func(c *Config) { c.Users[0].AccountRead = false }, wantStatus: 404,
			wantCode: "NOT_FOUND", wantMessage: "The requested resource does not exist"},
		{name: "no token", path: v + "/sobjects/Account/describe", token: "-", wantStatus: 401,
			wantCode: "INVALID_SESSION_ID", wantMessage: "Session expired or invalid"},
		{name: "unknown token", path: v + "/sobjects/Account/describe", token: DefaultOrgID[:15] + "!x",
			wantStatus: 401, wantCode: "INVALID_SESSION_ID", wantMessage: "Session expired or invalid"},
		{name: "app without api scope", path: v + "/sobjects/Account/describe",
			config: func(c *Config) { c.App.Scopes = []string{"web", "refresh_token"} }, wantStatus: 401,
			wantCode: "INVALID_SESSION_ID", wantMessage: "This session is not valid for use with the REST API"},
		{name: "user without API Enabled", path: v + "/sobjects/Account/describe",
			config: func(c *Config) { c.Users[0].APIEnabled = false }, wantStatus: 403,
			wantCode: "API_DISABLED_FOR_ORG", wantMessage: "The REST API is not enabled for this Organization."},
		{name: "edition without API", path: v + "/sobjects/Account/describe",
			config: func(c *Config) { c.Org.APIEnabled = false }, wantStatus: 403,
			wantCode: "API_DISABLED_FOR_ORG", wantMessage: "The REST API is not enabled for this Organization."},
		{name: "version not served", path: "/services/data/v68.0/sobjects/Account/describe",
			wantStatus: 404, wantCode: "NOT_FOUND", wantMessage: "The requested resource does not exist"},
		{name: "tooling query of an object the simulator lacks", path: v + "/tooling/query?q=SELECT+Id+FROM+SandboxProcess",
			wantStatus: 400, wantCode: "INVALID_TYPE", wantMessage: "sObject type 'SandboxProcess' is not supported."},
		{name: "resources", path: v + "/", wantStatus: 200, wantBody: `"query":"/services/data/v67.0/query"`},
		{name: "POST describe", method: "POST", path: v + "/sobjects/Account/describe", wantStatus: 405,
			wantCode: "METHOD_NOT_ALLOWED", wantMessage: "HTTP Method 'POST' not allowed. Allowed are GET,HEAD"},
		{name: "userinfo", path: "/services/oauth2/userinfo", wantStatus: 200,
			wantBody: `"preferred_username":"` + testUser + `"`},
		{name: "userinfo works without API Enabled", path: "/services/oauth2/userinfo",
			config: func(c *Config) { c.Users[0].APIEnabled = false }, wantStatus: 200,
			wantBody: `"organization_id":"` + DefaultOrgID + `"`},
		{name: "userinfo bad token", path: "/services/oauth2/userinfo", token: "nope", wantStatus: 403,
			wantBody: "Bad_OAuth_Token"},
		{name: "identity", path: "/id/" + DefaultOrgID + "/" + sfID("005", testUser), wantStatus: 200,
			wantBody: `"username":"` + testUser + `"`},
		{name: "identity bad token", path: "/id/" + DefaultOrgID + "/" + sfID("005", testUser),
			token: "-", wantStatus: 403, wantBody: "Bad_OAuth_Token"},
		{name: "identity of another user", path: "/id/" + DefaultOrgID + "/005000000000000AAA",
			wantStatus: 403, wantBody: "Bad_Id"},
		{name: "unknown path", path: "/services/apexrest/x", token: "-", wantStatus: 404,
			wantCode: "NOT_FOUND", wantMessage: "The requested resource does not exist"},
	}
}

func TestRevokedToken(t *testing.T) {
	srv, ts := startSim(t, testConfig(t))
	token := login(t, ts.URL)
	srv.RevokeTokens()

	a := do(t, "GET", ts.URL+"/services/data/v67.0/sobjects/Account/describe", "", "",
		"Authorization", "Bearer "+token)

	checkRESTAnswer(t, a, restCase{wantStatus: 401, wantCode: "INVALID_SESSION_ID",
		wantMessage: "Session expired or invalid"})
}

func TestExpiredToken(t *testing.T) {
	cfg := testConfig(t)
	clock := testNow
	cfg.Now = func() time.Time { return clock }
	_, ts := startSim(t, cfg)
	token := login(t, ts.URL)
	clock = clock.Add(3 * time.Hour)

	a := do(t, "GET", ts.URL+"/services/data/v67.0/", "", "", "Authorization", "Bearer "+token)

	checkRESTAnswer(t, a, restCase{wantStatus: 401, wantCode: "INVALID_SESSION_ID",
		wantMessage: "Session expired or invalid"})
}

func TestReleaseName(t *testing.T) {
	for v, want := range map[int]string{62: "Winter '25", 63: "Spring '25", 64: "Summer '25",
		66: "Spring '26", 67: "Summer '26", 68: "Winter '27", 61: "Summer '24", 31: "Summer '14", 32: "Winter '15"} {
		if got := releaseName(v); got != want {
			t.Errorf("releaseName(%d) = %q, want %q", v, got, want)
		}
	}
}
