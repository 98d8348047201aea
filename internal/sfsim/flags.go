package sfsim

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"
)

// modelSwitch is a boolean flag playing one failure (or option) of a real
// org by changing the model.
type modelSwitch struct {
	name, usage string
	apply       func(*Config)
}

// ipOutsideLoopback is a login IP range that excludes every loopback
// address: TEST-NET-3, reserved for documentation.
const ipOutsideLoopback = "203.0.113.0/24"

// modelSwitches are sfsim's failure switches, one per thing a real org gets
// wrong.
var modelSwitches = []modelSwitch{
	{"sandbox", "the org is a sandbox: the documented audience is https://test.salesforce.com",
		func(c *Config) { c.Org.Sandbox = true }},
	{"edition-without-api", "the org's edition has no API access (REST answers 403 API_DISABLED_FOR_ORG)",
		func(c *Config) { c.Org.APIEnabled = false }},
	{"inactive-org", "the org is locked, closed or suspended",
		func(c *Config) { c.Org.Active = false }},
	{"connected-app", "the app is a Connected App, not an External Client App",
		func(c *Config) { c.App.Type = ConnectedApp }},
	{"app-not-installed", "the app is not installed in the org",
		func(c *Config) { c.App.Installed = false }},
	{"jwt-disabled", "the app's JWT bearer flow (digital signatures) is not enabled",
		func(c *Config) { c.App.JWTEnabled = false }},
	{"self-authorize", "Permitted Users is \"All users may self-authorize\" and the user never approved the app",
		func(c *Config) { c.App.PermittedUsers = SelfAuthorizingUsers }},
	{"user-not-assigned", "the user's profile and permission sets are not assigned to the app",
		func(c *Config) { c.App.Profiles, c.App.PermissionSets = nil, nil }},
	{"no-api-scope", "the app lacks the api scope (REST answers 401 INVALID_SESSION_ID)",
		func(c *Config) { c.App.Scopes = []string{"web", "refresh_token", "offline_access"} }},
	{"no-scopes", "the app has no OAuth scopes at all",
		func(c *Config) { c.App.Scopes = nil }},
	{"legacy-hosts-blocked", "Spring '26 External Client App: login/test audiences answer app_not_found",
		func(c *Config) { c.App.LegacyHostsBlocked = true }},
	{"relax-ip", "the app relaxes IP restrictions",
		func(c *Config) { c.App.RelaxIP = true }},
	{"no-api-enabled", "the user lacks the API Enabled permission (REST answers 403)",
		forUsers(func(u *User) { u.APIEnabled = false })},
	{"no-account-read", "the user lacks Read on Account",
		forUsers(func(u *User) { u.AccountRead = false })},
	{"no-account-records", "the user can read Account but sees no records",
		forUsers(func(u *User) { u.AccountRecords = 0 })},
	{"inactive-user", "the user is inactive",
		forUsers(func(u *User) { u.Active = false })},
	{"locked-user", "the user is locked out",
		forUsers(func(u *User) { u.Locked = true })},
	{"ip-restricted", "the user's login IP ranges exclude loopback (" + ipOutsideLoopback + ")",
		forUsers(func(u *User) { u.LoginIPRanges = []string{ipOutsideLoopback} })},
	{"integration-user", "the user has the Salesforce Integration user license",
		forUsers(func(u *User) { u.IntegrationUser = true })},
	{"require-https", "refuse plain-HTTP token requests with \"HTTPS required\"",
		func(c *Config) { c.Token.RequireHTTPS = true }},
	{"no-jti-tracking", "accept a jti more than once",
		func(c *Config) { c.Token.TrackJTI = false }},
	{"reject-query-params", "refuse token parameters sent in the URL query",
		func(c *Config) { c.Token.RejectQueryParams = true }},
	{"audience-doc-string", "answer a bad aud with the documentation's \"Audience validation failed\"",
		func(c *Config) { c.Token.AudienceDocString = true }},
	{"issued-at", "add issued_at and signature to the token response",
		func(c *Config) { c.Token.IssuedAt = true }},
	{"maintenance", "answer 503 with an HTML maintenance page",
		func(c *Config) { c.Faults.Maintenance = true }},
	{"reset", "drop every connection without an answer",
		func(c *Config) { c.Faults.Reset = true }},
	{"hang", "never answer (until the client gives up)",
		func(c *Config) { c.Faults.Hang = true }},
	{"rate-limit", "answer as when limits are used up: token 400 rate_limit_exceeded, REST 403 REQUEST_LIMIT_EXCEEDED",
		func(c *Config) { c.Faults.RateLimit = true }},
	{"too-many-requests", "answer HTTP 429 with Retry-After, as a proxy may",
		func(c *Config) { c.Faults.TooManyRequests = true }},
}

// forUsers applies a change to every user of the model.
func forUsers(f func(*User)) func(*Config) {
	return func(c *Config) {
		for i := range c.Users {
			f(&c.Users[i])
		}
	}
}

// defineSwitches declares the boolean model switches.
func defineSwitches(fs *flag.FlagSet) map[string]*bool {
	set := map[string]*bool{}
	for _, sw := range modelSwitches {
		set[sw.name] = fs.Bool(sw.name, false, sw.usage)
	}
	return set
}

// modelValues are the model flags that take a value.
type modelValues struct {
	orgID, myDomain, loginIPs, unknownUser, failError, faultScope string
	audiences                                                     listFlag
	clockOffset, leeway, sessionLife, latency, hangFor            time.Duration
	accountRecords, failFirst, faultTimes, newestAPI              int
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// defineModelFlags declares the model flags that take a value.
func defineModelFlags(fs *flag.FlagSet) *modelValues {
	v := &modelValues{}
	fs.StringVar(&v.orgID, "org-id", DefaultOrgID, "the org `ID` (00D...)")
	fs.StringVar(&v.myDomain, "my-domain", "", "the org's My Domain `URL`, accepted as an audience")
	fs.IntVar(&v.newestAPI, "newest-api-version", 67, "the newest REST API `version` served")
	fs.Var(&v.audiences, "audience", "an accepted aud `URL` (repeatable; replaces the defaults)")
	fs.DurationVar(&v.leeway, "leeway", 5*time.Second, "how far past exp an assertion is still accepted")
	fs.DurationVar(&v.clockOffset, "clock-offset", 0, "move the simulator's clock (Date header, exp checks), e.g. 10m or -10m")
	fs.DurationVar(&v.sessionLife, "session-lifetime", 2*time.Hour, "how long an access token stays valid")
	fs.StringVar(&v.unknownUser, "unknown-user-error", "", "the refusal of an unknown username, as \"error: description\"")
	fs.IntVar(&v.accountRecords, "account-records", 3, "how many Account records the user sees")
	fs.StringVar(&v.loginIPs, "login-ip-ranges", "", "the user's login IP ranges, comma-separated CIDRs")
	fs.StringVar(&v.faultScope, "fault-scope", ScopeAll, "where faults apply: all, token or rest")
	fs.IntVar(&v.faultTimes, "fault-times", 0, "fail only the first `N` requests in scope (0: all)")
	fs.DurationVar(&v.latency, "latency", 0, "added delay before each answer")
	fs.DurationVar(&v.hangFor, "hang-for", 0, "with --hang, drop the connection after this long (default 10m)")
	fs.IntVar(&v.failFirst, "fail-first", 0, "refuse the first `N` token requests, then accept them")
	fs.StringVar(&v.failError, "fail-error", "", "the refusal for --fail-first, as \"error\" or \"error: description\" (default invalid_client_id)")
	return v
}

// applyFlags applies the flags the command line set, value flags first,
// then the switches. The model is checked after each value flag, so a value
// the simulator cannot play is reported against the flag that set it.
func applyFlags(fs *flag.FlagSet, cfg *Config, v *modelValues, switches map[string]*bool) error {
	setters := valueSetters(cfg, v)
	var err error
	fs.Visit(func(f *flag.Flag) {
		if set, ok := setters[f.Name]; ok && err == nil {
			set()
			err = flagError(f.Name, cfg.validate())
		}
	})
	if err != nil {
		return err
	}
	for _, sw := range modelSwitches {
		if *switches[sw.name] {
			sw.apply(cfg)
		}
	}
	return nil
}

// valueSetters are the functions applying each value flag to the model.
func valueSetters(cfg *Config, v *modelValues) map[string]func() {
	return map[string]func(){
		"org-id":             func() { cfg.Org.ID = v.orgID },
		"my-domain":          func() { cfg.Org.MyDomain = v.myDomain },
		"newest-api-version": func() { cfg.Org.NewestAPIVersion = v.newestAPI },
		"audience":           func() { cfg.Token.Audiences = v.audiences },
		"leeway":             func() { cfg.Token.Leeway = Duration(v.leeway) },
		"clock-offset":       func() { cfg.ClockOffset = Duration(v.clockOffset) },
		"session-lifetime":   func() { cfg.Token.SessionLifetime = Duration(v.sessionLife) },
		"unknown-user-error": func() { cfg.Token.UnknownUserError = v.unknownUser },
		"account-records": func() {
			forUsers(func(u *User) { u.AccountRecords = v.accountRecords })(cfg)
		},
		"login-ip-ranges": func() {
			forUsers(func(u *User) { u.LoginIPRanges = splitList(v.loginIPs) })(cfg)
		},
		"fault-times": func() { cfg.Faults.Times = v.faultTimes },
		"latency":     func() { cfg.Faults.Latency = Duration(v.latency) },
		"hang-for":    func() { cfg.Faults.HangFor = Duration(v.hangFor) },
		"fail-first":  func() { cfg.Faults.FailFirst = v.failFirst },
		"fail-error":  func() { cfg.Faults.FailError = v.failError },
		"fault-scope": func() { cfg.Faults.Scope = v.faultScope },
	}
}

// flagError reports a model error caused by the value flag name, naming
// the flag rather than the model's field.
func flagError(name string, err error) error {
	var me *modelError
	if errors.As(err, &me) {
		return usageErrorf("--%s: %s", name, me.problem)
	}
	if err != nil {
		return usageErrorf("--%s: %w", name, err)
	}
	return nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// jsonIndent renders a value as indented JSON.
func jsonIndent(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("writing the model: %w", err)
	}
	return b, nil
}
