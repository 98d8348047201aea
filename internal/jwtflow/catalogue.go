package jwtflow

import "strings"

// CatalogueEntry explains one answer of Salesforce's token endpoint: what
// causes it and what to change, naming the Setup screen and the setting. The
// troubleshooting docs are generated from the catalogue, so every field is
// plain text written for an admin.
type CatalogueEntry struct {
	// ID is stable and unique: it names the entry in the docs and in --json.
	ID string
	// Error is Salesforce's error code, exactly as sent ("invalid_grant").
	Error string
	// Descriptions are the error_description texts this entry explains, as
	// Salesforce sends them; they are compared without regard to case. An
	// entry without descriptions explains any other description of Error.
	Descriptions []string
	// Status is the HTTP status Salesforce answers with.
	Status int
	// Title says what happened in a few words.
	Title string
	// Cause says why Salesforce answers this, most likely reason first.
	Cause string
	// Fix lists what to change, each naming the Setup screen and setting.
	Fix []string
	// Propagation marks the answers an app changed in the last minutes gives
	// until the change reaches every login server; --retry-for retries them.
	Propagation bool
	// OtherPairing marks the answers after which the login is tried once more
	// with the other pairing of login URL and audience (AlternateAudience).
	OtherPairing bool
	// Source says where the error and its causes are documented or observed,
	// in the terms of the project's reference notes on Salesforce (§3).
	Source string
}

// Setup paths named by more than one entry.
const (
	ecaPolicies = "External Client App: Setup > External Client App Manager > your app > " +
		"Edit Policies > OAuth Policies > Permitted Users: \"Admin approved users are " +
		"pre-authorized\"; then, under App Policies, select the integration user's profile " +
		"or a permission set assigned to the user, and save."
	connectedAppPolicies = "Connected App: Setup > App Manager > your app > Manage > Edit " +
		"Policies > Permitted Users: \"Admin approved users are pre-authorized\"; save, then " +
		"Manage Profiles or Manage Permission Sets and add the integration user's."
	waitForPropagation = "A change to the app takes 2 to 10 minutes to reach every login " +
		"server: wait, or rerun with --retry-for 10m to keep trying until it works."
	waitForNewApp = "A new app takes up to 10 minutes to reach every login server: rerun with " +
		"--retry-for 10m to keep trying until it works."
	prodOrSandbox = "Use the login URL of the org the user is in: https://login.salesforce.com " +
		"or the My Domain for production, https://test.salesforce.com (--sandbox) or the " +
		"sandbox's My Domain for a sandbox, where the username ends in .sandboxname."
	loginHistory = "See why in Setup > Users > the integration user > Login History: the " +
		"Status column names the reason."
	uploadCertificate = "Upload the certificate that belongs to this private key: External " +
		"Client App Manager > your app > Edit Settings > OAuth Settings > Flow Enablement > " +
		"Enable JWT Bearer Flow > Upload Files (Connected App: App Manager > your app > " +
		"Edit > Use digital signatures > Choose File)."
)

// Catalogue is every answer of the token endpoint that kollenoctl explains,
// from section 3 of the reference notes, with two catch-all entries last.
var Catalogue = []CatalogueEntry{
	{
		ID: "user-not-approved", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"user hasn't approved this consumer"},
		Title:        "the integration user is not pre-authorized for the app",
		Cause: "Salesforce knows the app and accepted the signature, but this user may not " +
			"use the app: the app's Permitted Users is not \"Admin approved users are " +
			"pre-authorized\", or the user's profile or permission set is not added to the app. " +
			"A production login URL used for a sandbox user (or the reverse), or an app changed " +
			"in the last few minutes, give the same answer. Login History shows \"Failed: Not " +
			"approved for access\".",
		Fix: []string{ecaPolicies, connectedAppPolicies, prodOrSandbox, waitForPropagation,
			"The app's OAuth scopes should include \"Manage user data via APIs (api)\" and " +
				"\"Perform requests at any time (refresh_token, offline_access)\"."},
		Propagation: true,
		Source:      "reference §3 (forrest#278, restforce#674, SFSE q/207685, KB 000212208)",
	},
	{
		ID: "not-admin-approved", Error: "invalid_app_access", Status: 400,
		Descriptions: []string{"user is not admin approved to access this app"},
		Title:        "the integration user is not assigned to the External Client App",
		Cause: "The app's Permitted Users is \"Admin approved users are pre-authorized\", but " +
			"neither the user's profile nor any of the user's permission sets is selected in " +
			"the app's policies, or the change has not reached every login server yet.",
		Fix: []string{ecaPolicies,
			"A permission set with the Salesforce API Integration license cannot carry app " +
				"access: select the user's profile, or a second permission set without that license.",
			waitForPropagation},
		Propagation: true,
		Source:      "reference §3 and §4 (jetstreamapp#656, simstudioai/sim#6526)",
	},
	{
		ID: "invalid-assertion", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"invalid assertion"},
		Title:        "the private key does not match the certificate uploaded to the app",
		Cause: "The assertion's signature does not verify with the certificate uploaded to the " +
			"app: the private key does not belong to that certificate, no certificate is " +
			"uploaded, or the JWT bearer flow (Connected App: digital signatures) is not enabled. " +
			"A certificate uploaded in the last minutes may not have reached every login server.",
		Fix: []string{"Compare the private key's public-key SHA-256 shown above with " +
			"'kollenoctl inspect' of the certificate file you uploaded: they must be equal.",
			uploadCertificate, waitForPropagation},
		Propagation: true,
		Source:      "reference §3 (salesforce-laravel-oauth2-rest#68, SFSE q/49578)",
	},
	{
		ID: "audience-invalid", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"audience is invalid", "Audience validation failed"},
		Title:        "the audience does not match the login URL",
		Cause: "The assertion's aud claim is not one this login server accepts: production and " +
			"sandbox mixed (an aud of login.salesforce.com sent to test.salesforce.com), or an " +
			"org that accepts its My Domain, or only login/test, as audience.",
		Fix: []string{"Use the org's My Domain URL (Setup > My Domain) as --login-url; " +
			"kollenoctl sets the audience to the same URL and, if that is refused, tries " +
			"login/test once.",
			"Government Cloud orgs: the My Domain as --login-url with --audience " +
				"https://login.salesforce.com (https://test.salesforce.com for a sandbox).",
			prodOrSandbox},
		OtherPairing: true,
		Source:       "reference §1.6 and §3 (forcedotcom/cli#3325, #3482; DC-JDBC f6d3757)",
	},
	{
		ID: "expired", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"expired authorization code"},
		Title:        "Salesforce considers the assertion expired",
		Cause: "The assertion's exp (180 seconds after now, by this computer's clock) is " +
			"already past by Salesforce's clock. kollenoctl makes a new assertion for every " +
			"attempt, so the likely cause is a computer clock that is wrong.",
		Fix: []string{"Set this computer's clock right and keep it synchronised: " +
			"'timedatectl set-ntp true' on Linux, Date & Time settings on macOS and Windows; " +
			"in a container, the host's clock counts."},
		Source: "reference §1.5 and §3 (SFSE q/282513)",
	},
	{
		ID: "client-id-invalid", Error: "invalid_client_id", Status: 400,
		Descriptions: []string{"client identifier invalid"},
		Title:        "the org behind this login URL has no app with this consumer key",
		Cause: "The consumer key is mistyped or cut short, belongs to an app in another org " +
			"(a production app's key sent to a sandbox), or the app was created less than " +
			"about 10 minutes ago.",
		Fix: []string{consumerKeyWhere + ".",
			"Use the login URL of the org that holds the app (--sandbox or the sandbox's My " +
				"Domain for a sandbox): an app is known only in its own org.",
			waitForNewApp},
		Propagation: true,
		Source:      "reference §3 (forrest#184, #290; salesforce-jwt-bearer-token-flow#4)",
	},
	{
		ID: "app-not-found", Error: "app_not_found", Status: 400,
		Descriptions: []string{"External client app is not installed in this org"},
		Title:        "the External Client App is not installed in the org behind this login URL",
		Cause: "Since Spring '26, External Client Apps answer this when the login goes through " +
			"login.salesforce.com or test.salesforce.com instead of the org's My Domain. It also " +
			"comes when the consumer key belongs to another org, or after a sandbox refresh.",
		Fix: []string{"Use the org's My Domain URL as --login-url (Setup > My Domain): " +
			"https://NAME.my.salesforce.com, or https://NAME--SANDBOX.sandbox.my.salesforce.com " +
			"for a sandbox.",
			"Check that the app is in this org: Setup > External Client App Manager; after a " +
				"sandbox refresh, create or deploy it again.",
			waitForPropagation},
		Propagation: true, OtherPairing: true,
		Source: "reference §1.6 and §3 (n8n#28990, forcedotcom/cli#3482, #3638)",
	},
	{
		ID: "unsupported-grant-type", Error: "unsupported_grant_type", Status: 400,
		Descriptions: []string{"grant type not supported"},
		Title:        "the token request did not arrive as kollenoctl sent it",
		Cause: "Salesforce did not find the JWT bearer grant type in a form-encoded body. " +
			"kollenoctl always sends one, so something on the way (a proxy) changed the " +
			"request, or the login URL leads to a server that is not a Salesforce login server.",
		Fix: []string{"Check --login-url, and that the proxy named in HTTPS_PROXY passes the " +
			"request body unchanged (or add the host to NO_PROXY)."},
		Source: "reference §1.2 and §3 (sf-jwt-token#1, StackOverflow q/10890467)",
	},
	{
		ID: "https-required", Error: "invalid_request", Status: 400,
		Descriptions: []string{"HTTPS required"},
		Title:        "the token request reached Salesforce without TLS",
		Cause: "Every OAuth endpoint requires HTTPS; a proxy or load balancer forwarded the " +
			"request as plain HTTP.",
		Fix:    []string{"Use an https:// login URL, and a proxy that keeps HTTPS end to end."},
		Source: "reference §1.2 and §3 (OAuth endpoints and errors help pages)",
	},
	{
		ID: "post-required", Error: "invalid_request", Status: 400,
		Descriptions: []string{"Must use HTTP POST"},
		Title:        "the token request reached Salesforce as something other than a POST",
		Cause:        "kollenoctl sends a POST; a proxy or a redirect on the way changed it.",
		Fix:          []string{"Use the login URL the redirect points to, or bypass the proxy with NO_PROXY."},
		Source:       "reference §3 (OAuth errors help page)",
	},
	{
		ID: "jti-reused", Error: "invalid_request", Status: 400,
		Descriptions: []string{"jti already in use"},
		Title:        "Salesforce saw this assertion's jti before",
		Cause: "An assertion with a jti claim can be used once. kollenoctl sends no jti, so " +
			"something replayed an earlier request.",
		Fix:    []string{"Run the login again; if it repeats, check the proxy between this computer and Salesforce."},
		Source: "reference §1.4 and §3 (Glen Mazza's blog)",
	},
	{
		ID: "ip-restricted", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"IP restricted or invalid login hours", "ip restricted"},
		Title:        "the login came from an address or at an hour the user's profile does not allow",
		Cause: "The integration user's profile has Login IP Ranges or Login Hours that exclude " +
			"this computer's address (a CI runner's address changes) or the current time, " +
			"and the app does not relax IP restrictions.",
		Fix: []string{"Setup > Profiles > the integration user's profile > Login IP Ranges: " +
			"add this computer's public address (and the CI runners'); or Login Hours.",
			"Or relax it for the app: External Client App Manager > your app > Edit Policies > " +
				"OAuth Policies > IP Relaxation: \"Relax IP restrictions\" (Connected App: Manage > " +
				"Edit Policies > IP Relaxation)."},
		Source: "reference §3 (OAuth errors help page; forceworkbench#772)",
	},
	{
		ID: "inactive-user", Error: "inactive_user", Status: 400,
		Descriptions: []string{"User is inactive"},
		Title:        "the integration user is inactive or frozen",
		Cause:        "The user named by the username is deactivated or frozen.",
		Fix:          []string{"Setup > Users > the integration user > Edit: tick Active; if the user is frozen, click Unfreeze."},
		Source:       "reference §3 (OAuth errors help page)",
	},
	{
		ID: "inactive-user-grant", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"inactive user"},
		Title:        "the integration user is inactive or frozen",
		Cause:        "The user named by the username is deactivated or frozen.",
		Fix:          []string{"Setup > Users > the integration user > Edit: tick Active; if the user is frozen, click Unfreeze."},
		Source:       "reference §3 (a community list of the same error)",
	},
	{
		ID: "inactive-org", Error: "inactive_org", Status: 400,
		Descriptions: []string{"Org is locked, closed, or suspended"},
		Title:        "the org is locked, closed or suspended",
		Cause:        "The org itself cannot be used: it is locked, closed or suspended.",
		Fix: []string{"Check the login URL names the org you mean; otherwise the org's " +
			"administrator has to contact Salesforce."},
		Source: "reference §3 (OAuth errors help page)",
	},
	{
		ID: "rate-limited", Error: "rate_limit_exceeded", Status: 400,
		Descriptions: []string{"Number of logins exceeded"},
		Title:        "too many logins in a short time",
		Cause:        "Salesforce limits how many logins one user makes per hour.",
		Fix: []string{"Wait before the next login, and reuse an access token until it expires " +
			"instead of logging in for every call."},
		Source: "reference §3 (OAuth errors help page)",
	},
	{
		ID: "authentication-failure", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"authentication failure"},
		Title:        "Salesforce refused the login without saying why",
		Cause:        "A generic refusal, seen mostly with other OAuth flows.",
		Fix:          []string{loginHistory, "Check the app's policies and the user: " + ecaPolicies},
		Source:       "reference §3 (sfdx troubleshooting doc; forrest#364)",
	},
	{
		ID: "user-locked", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"user is locked"},
		Title:        "the integration user is locked out",
		Cause:        "Too many failed logins locked the user.",
		Fix:          []string{"Setup > Users > the integration user > Unlock."},
		Source:       "reference §3",
	},
	{
		ID: "no-valid-scopes", Error: "invalid_grant", Status: 400,
		Descriptions: []string{"no valid scopes defined"},
		Title:        "the app has no OAuth scope the login can use",
		Cause:        "The app's selected OAuth scopes are empty or hold none that applies.",
		Fix: []string{"External Client App Manager > your app > Edit Settings > OAuth Settings " +
			"> Selected OAuth Scopes (Connected App: App Manager > your app > Edit > Selected " +
			"OAuth Scopes): add \"Manage user data via APIs (api)\" and \"Perform requests at " +
			"any time (refresh_token, offline_access)\".",
			"A change to the app takes 2 to 10 minutes to reach every login server: wait " +
				"before trying again."},
		Source: "reference §3",
	},
	{
		ID: "invalid-scope", Error: "invalid_scope", Status: 400,
		Descriptions: []string{"Requested scope is invalid, unknown, or malformed"},
		Title:        "the requested scope is invalid",
		Cause: "kollenoctl requests no scope, so the app's scope settings are what Salesforce " +
			"rejects.",
		Fix: []string{"Check the app's Selected OAuth Scopes: External Client App Manager > " +
			"your app > Edit Settings > OAuth Settings (Connected App: App Manager > your app > Edit)."},
		Source: "reference §3 (OAuth errors help page)",
	},
	{
		ID: "app-not-installed", Error: "invalid_client", Status: 400,
		Descriptions: []string{"app must be installed into org"},
		Title:        "the Connected App is not installed in the org",
		Cause: "Since September 2025, uninstalled Connected Apps are blocked for users " +
			"without the Approve Uninstalled Connected Apps permission.",
		Fix: []string{"Setup > Connected Apps OAuth Usage > your app > Install; or give the " +
			"integration user the Approve Uninstalled Connected Apps permission."},
		Source: "reference §3 (KB 005132365)",
	},
	{
		ID: "invalid-grant-other", Error: "invalid_grant", Status: 400,
		Title: "Salesforce refused the assertion for a reason kollenoctl does not know",
		Cause: "Salesforce refused the login with a description that is not in kollenoctl's " +
			"catalogue; its error_description, shown verbatim, is the best guide.",
		Fix: []string{loginHistory},
	},
	{
		ID: "unknown", Status: 400,
		Title: "Salesforce refused the login with an answer kollenoctl does not know",
		Cause: "The error code is not in kollenoctl's catalogue; Salesforce's error_description, " +
			"shown verbatim, is the best guide.",
		Fix: []string{loginHistory},
	},
}

// isRetryAdvice reports whether a fix is the advice to rerun with --retry-for.
func isRetryAdvice(fix string) bool { return fix == waitForPropagation || fix == waitForNewApp }

// Lookup returns the catalogue entry that explains an answer: the entry for
// the exact error and description, else the catch-all for the error, else
// the entry for unknown answers. It never returns nil.
func Lookup(errorCode, description string) *CatalogueEntry {
	var fallback *CatalogueEntry
	for i := range Catalogue {
		e := &Catalogue[i]
		if e.Error != errorCode && e.Error != "" {
			continue
		}
		if e.matches(description) {
			return e
		}
		if len(e.Descriptions) == 0 && fallback == nil {
			fallback = e
		}
	}
	return fallback
}

func (e *CatalogueEntry) matches(description string) bool {
	d := strings.TrimSpace(description)
	for _, known := range e.Descriptions {
		if strings.EqualFold(d, known) {
			return true
		}
	}
	return false
}
