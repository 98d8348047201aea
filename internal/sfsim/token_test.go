package sfsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenCase is one crafted token request and the answer Salesforce gives.
type tokenCase struct {
	name string
	// config changes the default model.
	config func(*Config)
	// claims changes the good claims before signing with the app's key.
	claims func(jwt.MapClaims)
	// assertion replaces the signed assertion.
	assertion func(t testing.TB, claims jwt.MapClaims) string
	// send replaces the whole request.
	send func(t testing.TB, base, assertion string) answer
	// want is the refusal; a zero value means a token is issued.
	want oauthError
}

func TestTokenChecks(t *testing.T) {
	good, other := creds(t)
	for _, tc := range tokenCases(good, other) {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			if tc.config != nil {
				tc.config(&cfg)
			}
			_, ts := startSim(t, cfg)

			a := runTokenCase(t, tc, ts.URL)

			checkTokenAnswer(t, a, tc.want)
		})
	}
}

// runTokenCase builds the case's assertion and sends it.
func runTokenCase(t *testing.T, tc tokenCase, base string) answer {
	good, _ := creds(t)
	claims := claimsFor(base)
	if tc.claims != nil {
		tc.claims(claims)
	}
	assertion := ""
	if tc.assertion != nil {
		assertion = tc.assertion(t, claims)
	} else {
		assertion = signRS256(t, good, claims)
	}
	if tc.send != nil {
		return tc.send(t, base, assertion)
	}
	return postToken(t, base, assertion)
}

// checkTokenAnswer compares an answer with the expected refusal or success.
func checkTokenAnswer(t *testing.T, a answer, want oauthError) {
	t.Helper()
	if want.Code == "" {
		if a.status != http.StatusOK {
			t.Fatalf("got %d %s, want a token", a.status, a.body)
		}
		return
	}
	var got oauthError
	a.jsonOf(t, &got)
	if a.status != http.StatusBadRequest || got != want {
		t.Errorf("got %d %+v, want 400 %+v", a.status, got, want)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// sendWith posts a body with the given content type.
func sendWith(contentType, body string) func(testing.TB, string, string) answer {
	return func(t testing.TB, base, _ string) answer {
		return do(t, http.MethodPost, base+"/services/oauth2/token", contentType, body)
	}
}

func tokenCases(good, other *Credentials) []tokenCase {
	var cases []tokenCase
	cases = append(cases, transportCases()...)
	cases = append(cases, shapeCases()...)
	cases = append(cases, issuerCases()...)
	cases = append(cases, signatureCases(good, other)...)
	cases = append(cases, audienceCases()...)
	cases = append(cases, expiryCases()...)
	cases = append(cases, userCases()...)
	return cases
}

func transportCases() []tokenCase {
	return []tokenCase{
		{name: "good", want: oauthError{}},
		{name: "GET", want: errMustPost,
			send: func(t testing.TB, base, a string) answer {
				return do(t, http.MethodGet, base+"/services/oauth2/token?"+tokenForm(a), "", "")
			}},
		{name: "plain HTTP when HTTPS is required", want: errHTTPSRequired,
			config: func(c *Config) { c.Token.RequireHTTPS = true }},
		{name: "JSON body", want: errGrantType,
			send: func(t testing.TB, base, a string) answer {
				body := `{"grant_type":"` + jwtBearerGrant + `","assertion":"` + a + `"}`
				return do(t, http.MethodPost, base+"/services/oauth2/token", "application/json", body)
			}},
		{name: "form body without Content-Type", want: errGrantType,
			send: func(t testing.TB, base, a string) answer {
				return do(t, http.MethodPost, base+"/services/oauth2/token", "", tokenForm(a))
			}},
		{name: "form with charset", want: oauthError{},
			send: func(t testing.TB, base, a string) answer {
				return do(t, http.MethodPost, base+"/services/oauth2/token",
					"application/x-www-form-urlencoded; charset=UTF-8", tokenForm(a))
			}},
		{name: "parameters in the query", want: oauthError{},
			send: func(t testing.TB, base, a string) answer {
				return do(t, http.MethodPost, base+"/services/oauth2/token?"+tokenForm(a), "", "")
			}},
		{name: "parameters in the query refused", want: errGrantType,
			config: func(c *Config) { c.Token.RejectQueryParams = true },
			send: func(t testing.TB, base, a string) answer {
				return do(t, http.MethodPost, base+"/services/oauth2/token?"+tokenForm(a), "", "")
			}},
		{name: "misspelled grant_type", want: errGrantType,
			send: sendWith("application/x-www-form-urlencoded",
				"grant_type=urn:ietf:params:oauth:grant-type:jwt_bearer&assertion=x.y.z")},
		{name: "no grant_type", want: errGrantType,
			send: sendWith("application/x-www-form-urlencoded", "assertion=x.y.z")},
	}
}

func shapeCases() []tokenCase {
	literal := func(s string) func(testing.TB, jwt.MapClaims) string {
		return func(testing.TB, jwt.MapClaims) string { return s }
	}
	return []tokenCase{
		{name: "no assertion", want: errInvalidAssertion, assertion: literal("")},
		{name: "two segments", want: errInvalidAssertion, assertion: literal("eyJhbGciOiJSUzI1NiJ9.e30")},
		{name: "private key as assertion", want: errInvalidAssertion,
			assertion: literal("-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----")},
		{name: "claims not JSON", want: errInvalidAssertion,
			assertion: literal("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln")},
		{name: "padded base64", want: errInvalidAssertion,
			assertion: func(t testing.TB, c jwt.MapClaims) string {
				good, _ := creds(t)
				parts := strings.Split(signRS256(t, good, c), ".")
				return parts[0] + "." + parts[1] + "==." + parts[2]
			}},
	}
}

func issuerCases() []tokenCase {
	return []tokenCase{
		{name: "unknown consumer key", want: errClientID,
			claims: func(c jwt.MapClaims) { c["iss"] = "3MVG9someOtherKey" }},
		{name: "no iss", want: errClientID,
			claims: func(c jwt.MapClaims) { delete(c, "iss") }},
		{name: "External Client App not installed", want: errAppNotFound,
			config: func(c *Config) { c.App.Installed = false }},
		{name: "Connected App not installed", want: errClientID,
			config: func(c *Config) { c.App.Installed = false; c.App.Type = ConnectedApp }},
		{name: "legacy audience blocked for ECA", want: errAppNotFound,
			config: func(c *Config) { c.App.LegacyHostsBlocked = true },
			claims: func(c jwt.MapClaims) { c["aud"] = loginAudience }},
		{name: "own origin allowed when legacy blocked", want: oauthError{},
			config: func(c *Config) { c.App.LegacyHostsBlocked = true }},
	}
}

func signatureCases(good, other *Credentials) []tokenCase {
	return []tokenCase{
		{name: "key not matching the certificate", want: errInvalidAssertion,
			assertion: func(t testing.TB, c jwt.MapClaims) string { return signRS256(t, other, c) }},
		{name: "alg none", want: errInvalidAssertion,
			assertion: func(t testing.TB, c jwt.MapClaims) string {
				return rawJWT(t, map[string]any{"alg": "none", "typ": "JWT"}, c, nil)
			}},
		{name: "HS256 with the certificate as secret", want: errInvalidAssertion,
			assertion: func(t testing.TB, c jwt.MapClaims) string {
				return signHS256WithCert(t, good.CertPEM, c)
			}},
		{name: "ES256", want: errInvalidAssertion,
			assertion: func(t testing.TB, c jwt.MapClaims) string { return signES256(t, c) }},
		{name: "RS512 with the right key", want: errInvalidAssertion,
			assertion: func(t testing.TB, c jwt.MapClaims) string {
				s, err := jwt.NewWithClaims(jwt.SigningMethodRS512, c).SignedString(good.Key)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}},
		{name: "PS256 with the right key", want: errInvalidAssertion,
			assertion: func(t testing.TB, c jwt.MapClaims) string {
				s, err := jwt.NewWithClaims(jwt.SigningMethodPS256, c).SignedString(good.Key)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}},
		{name: "claims changed after signing", want: errInvalidAssertion,
			assertion: func(t testing.TB, c jwt.MapClaims) string {
				parts := strings.Split(signRS256(t, good, c), ".")
				c["sub"] = "admin@kolleno.example"
				forged := strings.Split(rawJWT(t, map[string]any{"alg": "RS256"}, c, nil), ".")
				return parts[0] + "." + forged[1] + "." + parts[2]
			}},
		{name: "JWT bearer flow disabled", want: errInvalidAssertion,
			config: func(c *Config) { c.App.JWTEnabled = false }},
		{name: "header without typ", want: oauthError{},
			assertion: func(t testing.TB, c jwt.MapClaims) string {
				tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
				delete(tok.Header, "typ")
				s, err := tok.SignedString(good.Key)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}},
	}
}

func audienceCases() []tokenCase {
	aud := func(v any) func(jwt.MapClaims) {
		return func(c jwt.MapClaims) { c["aud"] = v }
	}
	return []tokenCase{
		{name: "login audience for production", want: oauthError{}, claims: aud(loginAudience)},
		{name: "test audience for production", want: errAudience, claims: aud(testAudience)},
		{name: "test audience for sandbox", want: oauthError{}, claims: aud(testAudience),
			config: func(c *Config) { c.Org.Sandbox = true }},
		{name: "login audience for sandbox", want: errAudience, claims: aud(loginAudience),
			config: func(c *Config) { c.Org.Sandbox = true }},
		{name: "My Domain audience", want: oauthError{}, claims: aud("https://kolleno.my.salesforce.com"),
			config: func(c *Config) { c.Org.MyDomain = "https://kolleno.my.salesforce.com" }},
		{name: "bare host in an array", want: errAudience, claims: aud([]string{"login.salesforce.com"})},
		{name: "origin in an array", want: errAudience, claims: aud([]string{loginAudience})},
		{name: "bare host", want: errAudience, claims: aud("login.salesforce.com")},
		{name: "trailing slash", want: errAudience, claims: aud(loginAudience + "/")},
		{name: "token URL as audience", want: errAudience, claims: aud(loginAudience + "/services/oauth2/token")},
		{name: "no aud", want: errAudience, claims: func(c jwt.MapClaims) { delete(c, "aud") }},
		{name: "documentation string", want: errAudienceDoc, claims: aud("https://example.com"),
			config: func(c *Config) { c.Token.AudienceDocString = true }},
		{name: "configured list replaces the defaults", want: errAudience,
			config: func(c *Config) { c.Token.Audiences = []string{"https://kolleno.my.salesforce.com"} }},
	}
}

func expiryCases() []tokenCase {
	exp := func(v any) func(jwt.MapClaims) {
		return func(c jwt.MapClaims) { c["exp"] = v }
	}
	return []tokenCase{
		{name: "no exp", want: errExpired, claims: func(c jwt.MapClaims) { delete(c, "exp") }},
		{name: "exp past", want: errExpired, claims: exp(testNow.Add(-time.Minute).Unix())},
		{name: "exp past as string", want: errExpired, claims: exp("1333685628")},
		{name: "exp as string", want: oauthError{}, claims: exp("1788264180")},
		{name: "exp not a number", want: errExpired, claims: exp("soon")},
		{name: "exp in milliseconds", want: oauthError{}, claims: exp(testNow.UnixMilli() + 300)},
		{name: "exp within leeway", want: oauthError{}, claims: exp(testNow.Add(-3 * time.Second).Unix())},
		{name: "exp past leeway", want: errExpired, claims: exp(testNow.Add(-6 * time.Second).Unix())},
		{name: "server clock ahead", want: errExpired,
			config: func(c *Config) { c.ClockOffset = Duration(10 * time.Minute) }},
		{name: "nbf future", want: errInvalidAssertion,
			claims: func(c jwt.MapClaims) { c["nbf"] = testNow.Add(time.Minute).Unix() }},
		{name: "nbf past", want: oauthError{},
			claims: func(c jwt.MapClaims) { c["nbf"] = testNow.Add(-time.Minute).Unix() }},
		{name: "jti replayed", want: errJTIInUse,
			claims: func(c jwt.MapClaims) { c["jti"] = "4f1c" },
			send: func(t testing.TB, base, a string) answer {
				if first := postToken(t, base, a); first.status != http.StatusOK {
					t.Fatalf("first use: %d %s", first.status, first.body)
				}
				return postToken(t, base, a)
			}},
		{name: "jti replay allowed when not tracked", want: oauthError{},
			config: func(c *Config) { c.Token.TrackJTI = false },
			claims: func(c jwt.MapClaims) { c["jti"] = "4f1c" },
			send: func(t testing.TB, base, a string) answer {
				postToken(t, base, a)
				return postToken(t, base, a)
			}},
	}
}

func userCases() []tokenCase {
	user := func(f func(*User)) func(*Config) {
		return func(c *Config) { f(&c.Users[0]) }
	}
	return []tokenCase{
		{name: "unknown user", want: errNotApproved,
			claims: func(c jwt.MapClaims) { c["sub"] = "nobody@kolleno.example" }},
		{name: "unknown user with configured error", want: oauthError{"invalid_grant", "authentication failure"},
			config: func(c *Config) { c.Token.UnknownUserError = "invalid_grant: authentication failure" },
			claims: func(c jwt.MapClaims) { c["sub"] = "nobody@kolleno.example" }},
		{name: "username in other case", want: oauthError{},
			claims: func(c jwt.MapClaims) { c["sub"] = strings.ToUpper(testUser) }},
		{name: "prn takes precedence over sub", want: oauthError{},
			claims: func(c jwt.MapClaims) { c["sub"] = "nobody@kolleno.example"; c["prn"] = testUser }},
		{name: "prn unknown, sub good", want: errNotApproved,
			claims: func(c jwt.MapClaims) { c["prn"] = "nobody@kolleno.example" }},
		{name: "org inactive", want: errInactiveOrg, config: func(c *Config) { c.Org.Active = false }},
		{name: "inactive user", want: errInactiveUser, config: user(func(u *User) { u.Active = false })},
		{name: "locked user", want: errUserLocked, config: user(func(u *User) { u.Locked = true })},
		{name: "IP restricted", want: errIPRestricted,
			config: user(func(u *User) { u.LoginIPRanges = []string{"203.0.113.0/24"} })},
		{name: "IP in range", want: oauthError{},
			config: user(func(u *User) { u.LoginIPRanges = []string{"127.0.0.0/8"} })},
		{name: "IP restrictions relaxed", want: oauthError{},
			config: func(c *Config) {
				c.Users[0].LoginIPRanges = []string{"203.0.113.0/24"}
				c.App.RelaxIP = true
			}},
		{name: "ECA, profile not assigned", want: errNotAdminApproved,
			config: func(c *Config) { c.App.Profiles = nil }},
		{name: "Connected App, profile not assigned", want: errNotApproved,
			config: func(c *Config) { c.App.Profiles = nil; c.App.Type = ConnectedApp }},
		{name: "assigned through a permission set", want: oauthError{},
			config: func(c *Config) {
				c.App.Profiles = nil
				c.App.PermissionSets = []string{"Kolleno API"}
				c.Users[0].PermissionSets = []string{"Kolleno API"}
			}},
		{name: "self-authorize, never approved", want: errNotApproved,
			config: func(c *Config) { c.App.PermittedUsers = SelfAuthorizingUsers }},
		{name: "self-authorize, approved", want: oauthError{},
			config: func(c *Config) {
				c.App.PermittedUsers = SelfAuthorizingUsers
				c.Users[0].Approved = true
			}},
		{name: "no scopes", want: errNoScopes, config: func(c *Config) { c.App.Scopes = nil }},
	}
}

func TestTokenSuccessShape(t *testing.T) {
	cfg := testConfig(t)
	cfg.ClockOffset = Duration(-90 * time.Second)
	_, ts := startSim(t, cfg)
	good, _ := creds(t)
	claims := claimsFor(ts.URL)
	claims["exp"] = testNow.Add(time.Minute).Unix()

	a := postToken(t, ts.URL, signRS256(t, good, claims))

	var tok map[string]string
	a.jsonOf(t, &tok)
	userID := sfID("005", testUser)
	want := map[string]string{
		"scope": "api refresh_token offline_access", "instance_url": ts.URL,
		"id": ts.URL + "/id/" + DefaultOrgID + "/" + userID, "token_type": "Bearer",
	}
	for k, v := range want {
		if tok[k] != v {
			t.Errorf("%s = %q, want %q", k, tok[k], v)
		}
	}
	if !strings.HasPrefix(tok["access_token"], DefaultOrgID[:15]+"!") || len(tok["access_token"]) < 60 {
		t.Errorf("access_token %q is not shaped <orgId>!<random>", tok["access_token"])
	}
	if _, ok := tok["issued_at"]; ok {
		t.Error("issued_at sent without the option")
	}
	checkCommonHeaders(t, a, testNow.Add(-90*time.Second))
}

// checkCommonHeaders checks the Date (from the server's clock) and
// no-cache headers every answer carries.
func checkCommonHeaders(t *testing.T, a answer, clock time.Time) {
	t.Helper()
	if got, want := a.header.Get("Date"), clock.UTC().Format(http.TimeFormat); got != want {
		t.Errorf("Date = %q, want %q", got, want)
	}
	want := "no-cache,must-revalidate,max-age=0,no-store,private"
	if got := a.header.Get("Cache-Control"); got != want {
		t.Errorf("Cache-Control = %q, want %q", got, want)
	}
}

func TestTokenIssuedAt(t *testing.T) {
	cfg := testConfig(t)
	cfg.Token.IssuedAt = true
	_, ts := startSim(t, cfg)
	good, _ := creds(t)

	a := postToken(t, ts.URL, signRS256(t, good, claimsFor(ts.URL)))

	var tok map[string]string
	a.jsonOf(t, &tok)
	if tok["issued_at"] != "1788264000000" || tok["signature"] == "" {
		t.Errorf("issued_at %q signature %q", tok["issued_at"], tok["signature"])
	}
}

func TestTokenRequestsAreLogged(t *testing.T) {
	srv, ts := startSim(t, testConfig(t))
	good, _ := creds(t)
	postToken(t, ts.URL, signRS256(t, good, claimsFor(ts.URL)))
	postToken(t, ts.URL, signRS256(t, good, claimsFor("https://example.com")))

	log := srv.Requests()

	if len(log) != 2 || srv.CountRequests("/services/oauth2/token") != 2 {
		t.Fatalf("log = %+v", log)
	}
	if log[0].Status != 200 || log[0].Error != "" || log[0].Method != "POST" {
		t.Errorf("first entry %+v", log[0])
	}
	if log[1].Status != 400 || log[1].Error != "invalid_grant" {
		t.Errorf("second entry %+v", log[1])
	}
}

// FuzzTokenEndpoint feeds arbitrary assertions to the token endpoint: the
// answer is a token or a 400 with an OAuth error, never a crash or a 500.
func FuzzTokenEndpoint(f *testing.F) {
	good, other := creds(f)
	base := "http://sfsim.test"
	f.Add(signRS256(f, good, claimsFor(base)))
	f.Add(signRS256(f, other, claimsFor(base)))
	f.Add(rawJWT(f, map[string]any{"alg": "none"}, claimsFor(base), nil))
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.")
	f.Add("...")
	srv, err := New(testConfig(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, assertion string) {
		body := strings.NewReader(tokenForm(assertion))
		req := httptest.NewRequest("POST", base+"/services/oauth2/token", body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()

		srv.ServeHTTP(rec, req)

		var e oauthError
		_ = json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != 200 && (rec.Code != 400 || e.Code == "" || e.Description == "") {
			t.Fatalf("%q: %d %s", assertion, rec.Code, rec.Body)
		}
	})
}
