package sfsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Config is the whole model the simulator plays: one org, one app, its users,
// the token endpoint's options and the faults to inject. It loads from JSON
// (see LoadConfig); start from DefaultConfig when building one in Go, since
// the zero value describes an org where nothing is allowed.
type Config struct {
	Org    Org          `json:"org"`
	App    App          `json:"app"`
	Users  []User       `json:"users"`
	Token  TokenOptions `json:"token"`
	Faults Faults       `json:"faults"`

	// ClockOffset moves the simulator's clock: it shifts the Date header,
	// the exp and nbf checks and token expiry, playing a server whose clock
	// differs from the client's.
	ClockOffset Duration `json:"clock_offset"`

	// Now, when set, replaces the wall clock (before ClockOffset). For tests.
	Now func() time.Time `json:"-"`
}

// Org is the Salesforce org behind the simulator.
type Org struct {
	// ID is the org ID, 15 or 18 characters starting with 00D.
	ID string `json:"id"`
	// Name is the org's name, as the Organization object reports it.
	Name string `json:"name"`
	// MyDomain is the org's My Domain URL (https://NAME.my.salesforce.com).
	// When set it is an accepted audience; instance_url stays the
	// simulator's own origin so that clients call back into the simulator.
	MyDomain string `json:"my_domain"`
	// Sandbox makes the org a sandbox: the documented audience becomes
	// https://test.salesforce.com instead of https://login.salesforce.com.
	Sandbox bool `json:"sandbox"`
	// APIEnabled says whether the edition has API access (Enterprise,
	// Unlimited, Developer: yes; Professional without the add-on: no).
	APIEnabled bool `json:"api_enabled"`
	// Active is false for an org that is locked, closed or suspended.
	Active bool `json:"active"`
	// OldestAPIVersion and NewestAPIVersion bound the REST API versions
	// served, as whole numbers (67 is v67.0, Summer '26).
	OldestAPIVersion int `json:"oldest_api_version"`
	NewestAPIVersion int `json:"newest_api_version"`
}

// App types: a Connected App or an External Client App.
const (
	ConnectedApp         = "connected_app"
	ExternalClientApp    = "external_client_app"
	AdminApprovedUsers   = "admin_approved"
	SelfAuthorizingUsers = "self_authorize"
)

// App is the Connected App or External Client App holding the certificate.
type App struct {
	// Type is ExternalClientApp (the default) or ConnectedApp. It decides
	// which error an unassigned user or a missing app gets (reference §4).
	Type string `json:"type"`
	// ConsumerKey is the app's OAuth client ID: the assertion's iss.
	ConsumerKey string `json:"consumer_key"`
	// CertificatePEM is the X.509 certificate uploaded in Setup.
	CertificatePEM string `json:"certificate_pem"`
	// JWTEnabled is "Enable JWT Bearer Flow" (ECA) or "Use digital
	// signatures" (Connected App). Without it no assertion verifies.
	JWTEnabled bool `json:"jwt_enabled"`
	// Installed is false when the app is not installed in this org.
	Installed bool `json:"installed"`
	// PermittedUsers is AdminApprovedUsers or SelfAuthorizingUsers.
	PermittedUsers string `json:"permitted_users"`
	// Profiles and PermissionSets are assigned to the app; with admin
	// approval a user must hold one of them.
	Profiles       []string `json:"profiles"`
	PermissionSets []string `json:"permission_sets"`
	// Scopes are the OAuth scopes granted, e.g. "api", "web",
	// "refresh_token". REST needs "api" (or "full").
	Scopes []string `json:"scopes"`
	// RelaxIP is the app's "Relax IP restrictions" policy: the users'
	// login IP ranges are not enforced.
	RelaxIP bool `json:"relax_ip"`
	// LegacyHostsBlocked plays the Spring '26 behaviour reported for
	// External Client Apps: an aud of login.salesforce.com or
	// test.salesforce.com is answered app_not_found (reference §1.6).
	LegacyHostsBlocked bool `json:"legacy_hosts_blocked"`
}

// User is one Salesforce user of the org.
type User struct {
	Username string `json:"username"`
	// ID is the user ID, starting with 005; derived from the username
	// when empty.
	ID     string `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Active bool   `json:"active"`
	Locked bool   `json:"locked"`
	// Profile is the profile's name; PermissionSets the names of the
	// permission sets assigned to the user.
	Profile        string   `json:"profile"`
	PermissionSets []string `json:"permission_sets"`
	// APIEnabled is the "API Enabled" user permission.
	APIEnabled bool `json:"api_enabled"`
	// AccountRead is Read on Account; AccountReadFrom names the profile or
	// permission set granting it (the profile when empty).
	AccountRead     bool   `json:"account_read"`
	AccountReadFrom string `json:"account_read_from"`
	// AccountRecords is how many Account records the user can see.
	AccountRecords int `json:"account_records"`
	// LoginIPRanges are the profile's login IP ranges in CIDR form; empty
	// means any address may log in.
	LoginIPRanges []string `json:"login_ip_ranges"`
	// Approved says the user approved the app once in an interactive
	// flow, which self-authorizing apps require.
	Approved bool `json:"approved"`
	// UserType and IntegrationUser are what userinfo reports.
	UserType        string `json:"user_type"`
	IntegrationUser bool   `json:"integration_user"`
}

// TokenOptions tune the token endpoint where Salesforce's behaviour is
// unknown or where tests need a variation.
type TokenOptions struct {
	// Audiences, when not empty, replaces the accepted aud values. By
	// default the simulator accepts its own origin, the org's My Domain
	// and the documented login or test audience of the org's environment.
	Audiences []string `json:"audiences"`
	// Leeway is how far in the past exp (and how far in the future nbf)
	// may be.
	Leeway Duration `json:"leeway"`
	// TrackJTI refuses a jti seen before with invalid_request /
	// "jti already in use".
	TrackJTI bool `json:"track_jti"`
	// RequireHTTPS refuses plain-HTTP token requests with
	// invalid_request / "HTTPS required", as Salesforce does.
	RequireHTTPS bool `json:"require_https"`
	// RejectQueryParams refuses grant_type and assertion sent in the URL
	// query; Salesforce has been seen to accept them (reference §1.2).
	RejectQueryParams bool `json:"reject_query_params"`
	// AudienceDocString answers a bad aud with the documentation's
	// "Audience validation failed" instead of the observed
	// "audience is invalid".
	AudienceDocString bool `json:"audience_doc_string"`
	// IssuedAt adds issued_at and signature to the token response.
	IssuedAt bool `json:"issued_at"`
	// UnknownUserError is the error for a sub that names no user, as
	// "error: description"; no response is documented (reference §3).
	UnknownUserError string `json:"unknown_user_error"`
	// SessionLifetime is how long an access token stays valid.
	SessionLifetime Duration `json:"session_lifetime"`
}

// Fault scopes: which endpoints a fault applies to.
const (
	ScopeAll   = "all"
	ScopeToken = "token"
	ScopeREST  = "rest"
)

// Faults are failures injected on demand. Each applies to the requests in
// Scope; with Times > 0 only the first Times of them fail, later ones are
// served normally (a transient outage).
type Faults struct {
	Scope string `json:"scope"`
	Times int    `json:"times"`
	// Latency is added before every answer in scope.
	Latency Duration `json:"latency"`
	// Maintenance answers 503 with an HTML maintenance page.
	Maintenance bool `json:"maintenance"`
	// Reset closes the connection without an answer (TCP reset).
	Reset bool `json:"reset"`
	// Hang never answers, until the client gives up, the server closes or
	// HangFor passes (10 minutes when zero).
	Hang    bool     `json:"hang"`
	HangFor Duration `json:"hang_for"`
	// RateLimit answers as Salesforce does when limits are used up: the
	// token endpoint 400 rate_limit_exceeded, REST 403
	// REQUEST_LIMIT_EXCEEDED.
	RateLimit bool `json:"rate_limit"`
	// TooManyRequests answers a plain HTTP 429 with Retry-After, as a
	// proxy in front of the org may.
	TooManyRequests bool `json:"too_many_requests"`
	// FailFirst refuses the first FailFirst token requests with
	// FailError ("error" or "error: description"), then accepts them: an
	// app change still propagating.
	FailFirst int    `json:"fail_first"`
	FailError string `json:"fail_error"`
}

// Duration is a time.Duration that reads and writes JSON as "10m", "1.5s".
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// String writes the duration as Go does, e.g. "1m30s".
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalJSON reads a Go duration string, or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var secs float64
	if err := json.Unmarshal(b, &secs); err == nil {
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"10m\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Default names used by DefaultConfig.
const (
	DefaultOrgID   = "00D5g000004SIMAEA4"
	DefaultProfile = "Kolleno Integration"
)

// DefaultConfig is the common case, where a login works and every check
// passes: one production org with API access, an External Client App with
// the JWT bearer flow enabled and certPEM uploaded, admin-approved users
// with the integration profile assigned, scopes "api refresh_token", and one
// active user with API Enabled and Read on Account who sees three Account
// records.
func DefaultConfig(certPEM []byte, consumerKey, username string) Config {
	return Config{
		Org: Org{
			ID: DefaultOrgID, Name: "Kolleno Simulated Org", APIEnabled: true, Active: true,
			OldestAPIVersion: 31, NewestAPIVersion: 67,
		},
		App: App{
			Type: ExternalClientApp, ConsumerKey: consumerKey,
			CertificatePEM: string(certPEM), JWTEnabled: true, Installed: true,
			PermittedUsers: AdminApprovedUsers, Profiles: []string{DefaultProfile},
			Scopes: []string{"api", "refresh_token", "offline_access"},
		},
		Users: []User{defaultUser(username)},
		Token: TokenOptions{
			Leeway: Duration(5 * time.Second), TrackJTI: true,
			UnknownUserError: "invalid_grant: user hasn't approved this consumer",
			SessionLifetime:  Duration(2 * time.Hour),
		},
		Faults: Faults{Scope: ScopeAll},
	}
}

// defaultUser is the user DefaultConfig and JSON users start from.
func defaultUser(username string) User {
	return User{
		Username: username, Name: "Kolleno Integration", Email: "integration@example.com",
		Active: true, Profile: DefaultProfile, APIEnabled: true, AccountRead: true,
		AccountRecords: 3, UserType: "STANDARD",
	}
}

// UnmarshalJSON reads a user, starting from an active user with API
// Enabled and Read on Account, so a JSON model states only what differs.
// Like LoadConfig it refuses a field it does not know.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	p := plain(defaultUser(""))
	if err := decodeStrict(b, &p); err != nil {
		return err
	}
	*u = User(p)
	return nil
}

// LoadConfig reads a JSON model on top of base: fields the JSON leaves out
// keep base's values (users listed in the JSON replace base's users). It
// refuses unknown fields, so a misspelt setting is not silently ignored,
// and checks the resulting model as New does.
func LoadConfig(data []byte, base Config) (Config, error) {
	cfg := base
	cfg.Users = nil
	if err := decodeStrict(data, &cfg); err != nil {
		return Config{}, fmt.Errorf("%w (sfsim --print-config shows every field)", err)
	}
	if cfg.Users == nil {
		cfg.Users = base.Users
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// decodeStrict reads one JSON value into v, refusing unknown fields and
// anything after the value.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.Decode(&json.RawMessage{}) != io.EOF {
		return errors.New("json: more than one value")
	}
	return nil
}
