package sfsim

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
)

// modelError is a value the simulator cannot play: the field, named as in
// the JSON model (e.g. app.permitted_users), and what is wrong with it. The
// sfsim command names the flag instead when a flag set the value.
type modelError struct {
	field   string
	problem string
}

func (e *modelError) Error() string { return e.field + ": " + e.problem }

// rule is one check of the model: when broken is true, field is refused
// with problem.
type rule struct {
	broken  bool
	field   string
	problem string
}

// firstBroken returns the first broken rule as a *modelError.
func firstBroken(rules ...rule) error {
	for _, r := range rules {
		if r.broken {
			return &modelError{r.field, r.problem}
		}
	}
	return nil
}

// validate checks the model for values the simulator cannot play. It
// changes nothing: New derives the users' IDs after it.
func (c *Config) validate() error {
	checks := []func() error{c.Org.validate, c.App.validate, c.Token.validate, c.Faults.validate}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	for i := range c.Users {
		if err := c.Users[i].validate(fmt.Sprintf("users[%d].", i)); err != nil {
			return err
		}
	}
	return nil
}

// validate checks the org's ID, API versions and My Domain URL.
func (o Org) validate() error {
	return firstBroken(
		rule{!validOrgID(o.ID), "org.id",
			fmt.Sprintf("must be 15 or 18 characters starting with 00D, not %q", o.ID)},
		rule{o.OldestAPIVersion < 1, "org.oldest_api_version",
			fmt.Sprintf("must be 1 or more, not %d", o.OldestAPIVersion)},
		rule{o.NewestAPIVersion < o.OldestAPIVersion, "org.newest_api_version",
			fmt.Sprintf("must be %d or more (the oldest version served), not %d",
				o.OldestAPIVersion, o.NewestAPIVersion)},
		rule{o.MyDomain != "" && !isHTTPSOrigin(o.MyDomain), "org.my_domain",
			fmt.Sprintf("must be an https URL such as https://NAME.my.salesforce.com, not %q", o.MyDomain)},
	)
}

// validOrgID reports an org ID's shape: 15 or 18 characters from 00D.
func validOrgID(id string) bool {
	return strings.HasPrefix(id, "00D") && (len(id) == 15 || len(id) == 18)
}

// isHTTPSOrigin reports an https URL with a host and nothing after it.
func isHTTPSOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil &&
		strings.Trim(u.Path, "/") == "" && u.RawQuery == "" && u.Fragment == ""
}

// validate checks the app's type and Permitted Users policy.
func (a App) validate() error {
	return firstBroken(
		rule{a.Type != ExternalClientApp && a.Type != ConnectedApp, "app.type",
			fmt.Sprintf("must be %s or %s, not %q", ExternalClientApp, ConnectedApp, a.Type)},
		rule{a.PermittedUsers != AdminApprovedUsers && a.PermittedUsers != SelfAuthorizingUsers,
			"app.permitted_users", fmt.Sprintf("must be %s or %s, not %q",
				AdminApprovedUsers, SelfAuthorizingUsers, a.PermittedUsers)},
	)
}

// validate checks the token endpoint's durations and configured refusal.
func (t TokenOptions) validate() error {
	return firstBroken(
		rule{t.Leeway < 0, "token.leeway", notNegative(t.Leeway)},
		rule{t.SessionLifetime < 0, "token.session_lifetime", notNegative(t.SessionLifetime)},
		rule{!validOAuthError(t.UnknownUserError), "token.unknown_user_error",
			badOAuthError(t.UnknownUserError)},
	)
}

// validate checks the fault settings.
func (f Faults) validate() error {
	scopes := []string{"", ScopeAll, ScopeToken, ScopeREST}
	return firstBroken(
		rule{!slices.Contains(scopes, f.Scope), "faults.scope",
			fmt.Sprintf("must be %s, %s or %s, not %q", ScopeAll, ScopeToken, ScopeREST, f.Scope)},
		rule{f.Times < 0, "faults.times", notNegative(f.Times)},
		rule{f.Latency < 0, "faults.latency", notNegative(f.Latency)},
		rule{f.HangFor < 0, "faults.hang_for", notNegative(f.HangFor)},
		rule{f.FailFirst < 0, "faults.fail_first", notNegative(f.FailFirst)},
		rule{!validOAuthError(f.FailError), "faults.fail_error", badOAuthError(f.FailError)},
	)
}

// validate checks one user; prefix names it (users[N].).
func (u User) validate(prefix string) error {
	from := u.AccountReadFrom
	return firstBroken(
		rule{u.Username == "", prefix + "username", "must not be empty"},
		rule{u.ID != "" && !strings.HasPrefix(u.ID, "005"), prefix + "id",
			fmt.Sprintf("must start with 005, not %q", u.ID)},
		rule{u.AccountRecords < 0, prefix + "account_records", notNegative(u.AccountRecords)},
		rule{badCIDR(u.LoginIPRanges) != "", prefix + "login_ip_ranges", fmt.Sprintf(
			"must be CIDR ranges such as %s, not %q", ipOutsideLoopback, badCIDR(u.LoginIPRanges))},
		rule{from != "" && from != u.Profile && !slices.Contains(u.PermissionSets, from),
			prefix + "account_read_from", fmt.Sprintf(
				"must be the user's profile or one of its permission sets, not %q", from)},
	)
}

// badCIDR returns the first range that is not in CIDR form, or "". Such a
// range would match no address and so refuse every login.
func badCIDR(ranges []string) string {
	for _, r := range ranges {
		if _, err := netip.ParsePrefix(r); err != nil {
			return r
		}
	}
	return ""
}

// notNegative is the problem of a count or duration below zero.
func notNegative(v any) string {
	return fmt.Sprintf("must be 0 or more, not %v", v)
}

// validOAuthError reports an empty refusal setting or one parseOAuthError
// reads.
func validOAuthError(s string) bool {
	_, ok := parseOAuthError(s)
	return s == "" || ok
}

// badOAuthError is the problem of a refusal setting parseOAuthError cannot
// read.
func badOAuthError(s string) string {
	return fmt.Sprintf("must be a known error code or \"error: description\", not %q", s)
}

// fill derives each user's ID from the username when none is given.
func (c *Config) fill() {
	for i := range c.Users {
		if c.Users[i].ID == "" {
			c.Users[i].ID = sfID("005", c.Users[i].Username)
		}
	}
}
