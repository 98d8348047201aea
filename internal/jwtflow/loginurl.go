package jwtflow

import (
	"net"
	"net/url"
	"strings"
)

// The two login URLs every org can use (reference §1.1): production and
// Developer Edition orgs log in through the first, sandboxes and scratch orgs
// through the second.
const (
	ProductionLoginURL = "https://login.salesforce.com"
	SandboxLoginURL    = "https://test.salesforce.com"
)

// tokenPath is appended to the login URL for the token request.
const tokenPath = "/services/oauth2/token"

// HostKind says what kind of host a login URL names; the audience rules and
// the production/sandbox check depend on it.
type HostKind int

// The kinds of login host.
const (
	HostCustom          HostKind = iota // a custom domain, or a host kollenoctl does not know
	HostProduction                      // login.salesforce.com
	HostSandbox                         // test.salesforce.com
	HostMyDomain                        // NAME.my.salesforce.com (and .develop., .trailblaze.)
	HostSandboxMyDomain                 // NAME--SANDBOX.sandbox.my.salesforce.com, .scratch.
	HostSite                            // an Experience Cloud site: NAME.my.site.com, *.force.com
	HostLoopback                        // 127.0.0.1, ::1, localhost: the simulator
)

var hostKindNames = [...]string{"custom domain", "production login host", "sandbox login host",
	"My Domain", "sandbox My Domain", "Experience Cloud site", "loopback address"}

func (k HostKind) String() string { return hostKindNames[k] }

// IsSandbox reports whether the host serves only sandboxes and scratch orgs.
func (k HostKind) IsSandbox() bool { return k == HostSandbox || k == HostSandboxMyDomain }

// IsProduction reports whether the host serves only production orgs.
func (k HostKind) IsProduction() bool { return k == HostProduction || k == HostMyDomain }

// LoginURL is a login URL that passed [ParseLoginURL]'s checks.
type LoginURL struct {
	URL     string   // cleaned: scheme and host lowercase, no trailing slash
	Origin  string   // scheme://host[:port]
	Host    string   // host without port or trailing dot, lowercase
	Kind    HostKind // what the host is
	Sandbox bool     // the org is a sandbox: --sandbox given, or a sandbox host
}

// TokenURL is where the token request goes.
func (u LoginURL) TokenURL() string { return u.URL + tokenPath }

// DefaultLoginURL is the login URL used when none is given.
func DefaultLoginURL(sandbox bool) string {
	if sandbox {
		return SandboxLoginURL
	}
	return ProductionLoginURL
}

// ParseLoginURL cleans a login URL (surrounding whitespace, trailing slashes,
// a trailing dot on the host, the default port) and refuses one that cannot work, with the URL to use instead: control
// characters, a missing scheme, plain http:// except on loopback addresses, a
// Lightning or Setup host, a query, credentials, a path on a Salesforce login
// host, and a production host together with sandbox. An empty raw means
// [DefaultLoginURL].
func ParseLoginURL(raw string, sandbox bool) (LoginURL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		s = DefaultLoginURL(sandbox)
	}
	u, err := parseURL(s, "login URL")
	if err != nil {
		return LoginURL{}, err
	}
	l := LoginURL{
		Origin:  u.Scheme + "://" + u.Host,
		Host:    u.Hostname(),
		Kind:    classifyHost(u.Hostname()),
		Sandbox: sandbox,
	}
	if err := checkHost(u, l.Kind); err != nil {
		return LoginURL{}, err
	}
	path, err := cleanPath(u, l)
	if err != nil {
		return LoginURL{}, err
	}
	l.URL = l.Origin + path
	l.Sandbox = sandbox || l.Kind.IsSandbox()
	return l, checkSandbox(l, sandbox)
}

// parseURL parses s, the value of what ("login URL", "audience"), and refuses
// what neither has. Messages do not repeat the URL when it may hold a password.
func parseURL(s, what string) (*url.URL, error) {
	if r, ok := controlChar(s); ok {
		return nil, inputErrorf("type the "+what+" again; an invisible character came with it",
			"the %s contains the control character %U", what, r)
	}
	if !strings.Contains(s, "://") {
		return nil, inputErrorf("did you mean https://"+strings.TrimLeft(s, "/")+"?",
			"the %s %q has no scheme", what, s)
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, inputErrorf("give a URL such as https://NAME.my.salesforce.com",
			"the %s %q is not a valid URL", what, s)
	}
	if u.User != nil {
		return nil, inputErrorf("give only the scheme and host: "+u.Scheme+"://"+u.Host,
			"the %s carries a user name or password", what)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, inputErrorf("give the "+what+" without ?… or #…",
			"the %s %q has a query or fragment", what, s)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u, normalizeHost(u, what)
}

// defaultPorts are the ports a scheme implies; the audience must not name
// them, or it no longer equals the origin Salesforce compares it with.
var defaultPorts = map[string]string{"https": "443", "http": "80"}

// normalizeHost drops what does not change where a URL leads: a single
// trailing dot on the host (the DNS root: login.salesforce.com. is
// login.salesforce.com) and the scheme's default port. The host rules then
// see the host as Salesforce names it. A host with an empty label left
// (acme..com, .acme.com, acme.com..) is refused.
func normalizeHost(u *url.URL, what string) error {
	host, port := u.Hostname(), u.Port()
	trimmed := strings.TrimSuffix(host, ".")
	if !strings.Contains(trimmed, ":") && (trimmed == "" || strings.HasPrefix(trimmed, ".") ||
		strings.HasSuffix(trimmed, ".") || strings.Contains(trimmed, "..")) {
		return inputErrorf("give a URL such as https://NAME.my.salesforce.com",
			"the %s's host %q has an empty part between dots", what, host)
	}
	if trimmed == host && (port == "" || port != defaultPorts[u.Scheme]) {
		return nil
	}
	if port == defaultPorts[u.Scheme] {
		port = ""
	}
	u.Host = trimmed
	if port != "" {
		u.Host = net.JoinHostPort(trimmed, port)
	} else if strings.Contains(trimmed, ":") {
		u.Host = "[" + trimmed + "]"
	}
	return nil
}

// checkHost refuses a scheme other than https (http only on loopback) and the
// Lightning and Setup hosts, which serve pages but not the token endpoint.
func checkHost(u *url.URL, kind HostKind) error {
	switch {
	case u.Scheme == "http" && kind != HostLoopback:
		return inputErrorf("use https://"+u.Host+"; Salesforce answers plain http with "+
			"'HTTPS required'", "the login URL uses http://; only https:// is allowed")
	case u.Scheme != "https" && u.Scheme != "http":
		return inputErrorf("use https://"+u.Host,
			"the login URL's scheme %q is not https", u.Scheme)
	}
	if myDomain, ok := myDomainFor(u.Hostname()); ok {
		return inputErrorf("use the My Domain URL instead: --login-url https://"+myDomain,
			"%s is a Lightning Experience or Setup address, not a login URL", u.Hostname())
	}
	return nil
}

// myDomainFor maps a Lightning or Setup host to the org's My Domain host, the
// way Salesforce names them: NAME.lightning.force.com serves NAME.my.salesforce.com
// (the Salesforce CLI refuses Lightning hosts the same way, reference §6.1).
func myDomainFor(host string) (string, bool) {
	for _, suffix := range []string{".lightning.force.com", ".my.salesforce-setup.com"} {
		if name, ok := strings.CutSuffix(host, suffix); ok && name != "" {
			return name + ".my.salesforce.com", true
		}
	}
	return "", false
}

// cleanPath drops trailing slashes and refuses a path where there can be none.
// Experience Cloud sites (and custom domains and the simulator) may have a
// path prefix; Salesforce's own login hosts have none.
func cleanPath(u *url.URL, l LoginURL) (string, error) {
	path := strings.TrimRight(u.EscapedPath(), "/")
	if base, ok := strings.CutSuffix(path, tokenPath); ok {
		return "", inputErrorf("give the login URL without the token path: "+l.Origin+base,
			"the login URL ends in %s, which kollenoctl adds itself", tokenPath)
	}
	if path != "" && l.Kind != HostSite && l.Kind != HostCustom && l.Kind != HostLoopback {
		return "", inputErrorf("give the login URL without a path: "+l.Origin,
			"the login URL of a %s has no path, got %q", l.Kind, path)
	}
	return path, nil
}

// checkSandbox refuses --sandbox with a host that serves only production orgs.
func checkSandbox(l LoginURL, sandbox bool) error {
	if !sandbox || !l.Kind.IsProduction() {
		return nil
	}
	return inputErrorf("for a sandbox use "+SandboxLoginURL+" or the sandbox's My Domain "+
		"(https://NAME--SANDBOX.sandbox.my.salesforce.com); for production drop --sandbox",
		"--sandbox was given with the production login URL %s", l.URL)
}

// classifyHost names the kind of host. The patterns are Salesforce's
// documented host names (reference §1.1).
func classifyHost(host string) HostKind {
	switch {
	case host == "login.salesforce.com":
		return HostProduction
	case host == "test.salesforce.com":
		return HostSandbox
	case isLoopback(host):
		return HostLoopback
	case strings.HasSuffix(host, ".sandbox.my.salesforce.com"),
		strings.HasSuffix(host, ".scratch.my.salesforce.com"):
		return HostSandboxMyDomain
	case strings.HasSuffix(host, ".my.salesforce.com"):
		return HostMyDomain
	case strings.HasSuffix(host, ".my.site.com"), strings.HasSuffix(host, ".force.com"),
		strings.HasSuffix(host, ".my.salesforce-sites.com"):
		return HostSite
	}
	return HostCustom
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
