package jwtflow

import "strings"

// DefaultAudience is the aud claim for a login URL when none is given: the
// origin of the login URL, which is what Salesforce's own Data Cloud driver
// sends and what the Salesforce CLI tries first (reference §1.6). For an
// Experience Cloud site it is the site URL with its path prefix, as the
// JWT bearer flow's help page documents for site users.
func DefaultAudience(l LoginURL) string {
	if l.Kind == HostSite {
		return l.URL
	}
	return l.Origin
}

// CleanAudience checks an audience given with --audience: it must be a
// single https URL (http only on loopback) without a trailing slash, since
// Salesforce answers "audience is invalid" to a bare host (reference §1.6).
// An empty raw means the login URL's [DefaultAudience].
func CleanAudience(raw string, l LoginURL) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return DefaultAudience(l), nil
	}
	u, err := parseURL(s, "audience")
	if err != nil {
		return "", err
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return "", inputErrorf("use https://"+u.Host,
			"the audience %q is not an https URL", s)
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// AlternateAudience returns the other documented pairing of login URL and
// audience, tried once when Salesforce answers "audience is invalid" or
// "app_not_found" (reference §1.6 and §6.1):
//
//   - a My Domain host with its own origin as audience pairs with the
//     login.salesforce.com audience (test.salesforce.com for a sandbox), the
//     pairing Government Cloud orgs need;
//   - the reverse: a My Domain host with the login or test audience pairs
//     with its own origin, which External Client Apps need since Spring '26.
//
// Custom domains and the simulator on a loopback address are treated as a My
// Domain. login.salesforce.com, test.salesforce.com and Experience Cloud sites
// have no other pairing: ok is false.
func AlternateAudience(l LoginURL, aud string) (alt string, ok bool) {
	switch l.Kind {
	case HostMyDomain, HostSandboxMyDomain, HostCustom, HostLoopback:
	default:
		return "", false
	}
	if aud != l.Origin {
		return l.Origin, true
	}
	return DefaultLoginURL(l.Sandbox), true
}
