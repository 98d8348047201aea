package sfsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// jwtBearerGrant is the grant_type of the JWT bearer flow.
const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// Documented audiences (reference §1.1).
const (
	loginAudience = "https://login.salesforce.com"
	testAudience  = "https://test.salesforce.com"
)

// tokenResponse is the success body of the token endpoint (reference §2).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
	InstanceURL string `json:"instance_url"`
	ID          string `json:"id"`
	TokenType   string `json:"token_type"`
	IssuedAt    string `json:"issued_at,omitempty"`
	Signature   string `json:"signature,omitempty"`
}

// handleToken answers POST /services/oauth2/token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if e, refuse := s.failFirst(); refuse {
		writeOAuthError(w, e)
		return
	}

	user, e := s.checkTokenRequest(r)
	if e != nil {
		writeOAuthError(w, *e)
		return
	}

	writeJSON(w, http.StatusOK, s.issueToken(r, user))
}

// failFirst refuses the first Faults.FailFirst token requests with the
// chosen error: an app change still propagating.
func (s *Server) failFirst() (oauthError, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenHits++
	if s.tokenHits > s.cfg.Faults.FailFirst {
		return oauthError{}, false
	}
	e, ok := parseOAuthError(s.cfg.Faults.FailError)
	if !ok {
		e = errClientID
	}
	return e, true
}

// checkTokenRequest runs the checks in the order of reference §3
// ("Suggested simulator validation order") and returns the user to log in,
// or the first refusal.
func (s *Server) checkTokenRequest(r *http.Request) (*User, *oauthError) {
	if e := s.checkTransport(r); e != nil {
		return nil, e
	}

	a, e := s.readAssertion(r)
	if e != nil {
		return nil, e
	}

	checks := []func(*assertion, *http.Request) *oauthError{
		s.checkIssuer, s.checkSignature, s.checkAudience, s.checkExpiry, s.checkJTI,
	}
	for _, check := range checks {
		if e := check(a, r); e != nil {
			return nil, e
		}
	}
	return s.checkUser(a, r)
}

// checkTransport is step 1: POST, and HTTPS when required.
func (s *Server) checkTransport(r *http.Request) *oauthError {
	if r.Method != http.MethodPost {
		return &errMustPost
	}
	if s.cfg.Token.RequireHTTPS && r.TLS == nil {
		return &errHTTPSRequired
	}
	return nil
}

// readAssertion is steps 2 and 3: a form-encoded body with the JWT bearer
// grant_type, and an assertion shaped like a JWT.
func (s *Server) readAssertion(r *http.Request) (*assertion, *oauthError) {
	params := s.tokenParams(r)
	if params.Get("grant_type") != jwtBearerGrant {
		return nil, &errGrantType
	}

	a, ok := parseAssertion(params.Get("assertion"))
	if !ok {
		return nil, &errInvalidAssertion
	}
	return a, nil
}

// tokenParams reads the form body; only application/x-www-form-urlencoded
// counts (a JSON body is answered unsupported_grant_type). Parameters in the
// URL query fill in missing ones unless RejectQueryParams is set.
func (s *Server) tokenParams(r *http.Request) url.Values {
	params := url.Values{}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType == "application/x-www-form-urlencoded" {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		params, _ = url.ParseQuery(string(body))
	}
	if s.cfg.Token.RejectQueryParams {
		return params
	}
	for key, values := range r.URL.Query() {
		if !params.Has(key) {
			params[key] = values
		}
	}
	return params
}

// checkIssuer is step 4: iss is the app's consumer key and the app is
// installed (reference §4, "App not present in the target org").
func (s *Server) checkIssuer(a *assertion, _ *http.Request) *oauthError {
	iss, _ := a.stringClaim("iss")
	app := s.cfg.App
	if iss == "" || iss != app.ConsumerKey {
		return &errClientID
	}
	isECA := app.Type == ExternalClientApp
	if !app.Installed && isECA {
		return &errAppNotFound
	}
	if !app.Installed {
		return &errClientID
	}
	aud, _ := a.stringClaim("aud")
	if isECA && app.LegacyHostsBlocked && isLegacyAudience(aud) {
		return &errAppNotFound
	}
	return nil
}

// isLegacyAudience reports login.salesforce.com or test.salesforce.com.
func isLegacyAudience(aud string) bool {
	return strings.EqualFold(aud, loginAudience) || strings.EqualFold(aud, testAudience)
}

// checkSignature is step 5: RS256 over the certificate's key, with the
// app's JWT bearer flow enabled.
func (s *Server) checkSignature(a *assertion, _ *http.Request) *oauthError {
	if !s.cfg.App.JWTEnabled || !a.verify(s) {
		return &errInvalidAssertion
	}
	return nil
}

// checkAudience is step 6: aud is one JSON string naming an accepted
// audience exactly. An array, a bare host without scheme and a trailing
// slash are all refused: DC-JDBC's array of a bare host was refused
// (reference §1.6), and the simulator takes the strict reading of the
// unverified trailing slash.
func (s *Server) checkAudience(a *assertion, r *http.Request) *oauthError {
	aud, ok := a.stringClaim("aud")
	if ok && slices.ContainsFunc(s.audiences(r), func(acc string) bool {
		return strings.EqualFold(acc, aud)
	}) {
		return nil
	}
	if s.cfg.Token.AudienceDocString {
		return &errAudienceDoc
	}
	return &errAudience
}

// audiences lists the accepted aud values: the configured list, or the
// simulator's own origin, the org's My Domain and the documented audience
// of the org's environment.
func (s *Server) audiences(r *http.Request) []string {
	if len(s.cfg.Token.Audiences) > 0 {
		return s.cfg.Token.Audiences
	}
	list := []string{origin(r), loginAudience}
	if s.cfg.Org.Sandbox {
		list[1] = testAudience
	}
	if s.cfg.Org.MyDomain != "" {
		list = append(list, strings.TrimSuffix(s.cfg.Org.MyDomain, "/"))
	}
	return list
}

// origin is the simulator's own origin as the client addressed it.
func origin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// checkExpiry is step 7: exp present and not past (with the leeway); nbf,
// when present, not in the future.
func (s *Server) checkExpiry(a *assertion, _ *http.Request) *oauthError {
	now, leeway := s.now(), time.Duration(s.cfg.Token.Leeway)
	exp, ok := a.timeClaim("exp")
	if !ok || !exp.After(now.Add(-leeway)) {
		return &errExpired
	}
	_, hasNbf := a.claims["nbf"]
	nbf, ok := a.timeClaim("nbf")
	if hasNbf && (!ok || nbf.After(now.Add(leeway))) {
		return &errInvalidAssertion
	}
	return nil
}

// checkJTI is step 8: a jti may be used once while its assertion is valid.
func (s *Server) checkJTI(a *assertion, _ *http.Request) *oauthError {
	jti, ok := a.stringClaim("jti")
	if !ok || !s.cfg.Token.TrackJTI {
		return nil
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for seen, until := range s.jtis {
		if until.Before(now) {
			delete(s.jtis, seen)
		}
	}
	if _, seen := s.jtis[jti]; seen {
		return &errJTIInUse
	}
	exp, _ := a.timeClaim("exp")
	s.jtis[jti] = exp.Add(time.Duration(s.cfg.Token.Leeway))
	return nil
}

// checkUser is steps 9 and 10: the org and the user may log in, from this
// address, through this app.
func (s *Server) checkUser(a *assertion, r *http.Request) (*User, *oauthError) {
	if !s.cfg.Org.Active {
		return nil, &errInactiveOrg
	}
	user := s.userByName(a.subject())
	if user == nil {
		e, ok := parseOAuthError(s.cfg.Token.UnknownUserError)
		if !ok {
			e = errNotApproved
		}
		return nil, &e
	}
	for _, check := range []func(*User, *http.Request) *oauthError{
		s.checkUserState, s.checkLoginIP, s.checkAppAccess,
	} {
		if e := check(user, r); e != nil {
			return nil, e
		}
	}
	return user, nil
}

// userByName finds a user by username; Salesforce usernames ignore case.
func (s *Server) userByName(username string) *User {
	for i := range s.cfg.Users {
		if strings.EqualFold(s.cfg.Users[i].Username, username) {
			return &s.cfg.Users[i]
		}
	}
	return nil
}

// checkUserState refuses inactive and locked users.
func (s *Server) checkUserState(u *User, _ *http.Request) *oauthError {
	switch {
	case !u.Active:
		return &errInactiveUser
	case u.Locked:
		return &errUserLocked
	}
	return nil
}

// checkLoginIP enforces the profile's login IP ranges unless the app relaxes
// IP restrictions.
func (s *Server) checkLoginIP(u *User, r *http.Request) *oauthError {
	if len(u.LoginIPRanges) == 0 || s.cfg.App.RelaxIP {
		return nil
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	addr, err := netip.ParseAddr(host)
	for _, cidr := range u.LoginIPRanges {
		prefix, _ := netip.ParsePrefix(cidr) // checked by New
		if err == nil && prefix.Contains(addr.Unmap()) {
			return nil
		}
	}
	return &errIPRestricted
}

// checkAppAccess applies the app's Permitted Users policy and its scopes
// (reference §3 step 10, §4).
func (s *Server) checkAppAccess(u *User, _ *http.Request) *oauthError {
	app := s.cfg.App
	if app.PermittedUsers == SelfAuthorizingUsers && !u.Approved {
		return &errNotApproved
	}
	if app.PermittedUsers != SelfAuthorizingUsers && !s.assigned(u) {
		if app.Type == ExternalClientApp {
			return &errNotAdminApproved
		}
		return &errNotApproved
	}
	if len(app.Scopes) == 0 {
		return &errNoScopes
	}
	return nil
}

// assigned reports whether the user's profile or one of its permission sets
// is assigned to the app.
func (s *Server) assigned(u *User) bool {
	app := s.cfg.App
	if slices.Contains(app.Profiles, u.Profile) {
		return true
	}
	return slices.ContainsFunc(u.PermissionSets, func(ps string) bool {
		return slices.Contains(app.PermissionSets, ps)
	})
}

// pruneSessions forgets expired sessions, every 1024 logins, so a
// long-running simulator does not grow without bound. Call with s.mu held.
func (s *Server) pruneSessions(now time.Time) {
	if len(s.sessions)%1024 != 1023 {
		return
	}
	for token, ss := range s.sessions {
		if !now.Before(ss.expires) {
			delete(s.sessions, token)
		}
	}
}

// issueToken opens a session for the user and builds the success body.
func (s *Server) issueToken(r *http.Request, u *User) tokenResponse {
	token := s.cfg.Org.ID[:15] + "!" + randomString(96)
	now := s.now()
	s.mu.Lock()
	s.pruneSessions(now)
	s.sessions[token] = &session{
		user: u, scopes: s.cfg.App.Scopes,
		expires: now.Add(time.Duration(s.cfg.Token.SessionLifetime)),
	}
	s.mu.Unlock()

	base := origin(r)
	resp := tokenResponse{
		AccessToken: token, Scope: strings.Join(s.cfg.App.Scopes, " "),
		InstanceURL: base, ID: base + "/id/" + s.cfg.Org.ID + "/" + u.ID, TokenType: "Bearer",
	}
	if s.cfg.Token.IssuedAt {
		resp.IssuedAt = strconv.FormatInt(now.UnixMilli(), 10)
		mac := hmac.New(sha256.New, []byte(s.cfg.Org.ID))
		mac.Write([]byte(resp.ID + resp.IssuedAt))
		resp.Signature = base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	return resp
}
