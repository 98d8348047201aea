package verify

import (
	"fmt"
	"strings"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
)

// The hints name the exact setting that fixes each problem. Setup paths are
// those of Lightning Experience; sources are in ../../shared/reference and
// cited per hint.

// profileRef names the integration user's profile when it is known.
func profileRef(profile string) string {
	if profile == "" {
		return "the integration user's profile"
	}
	return fmt.Sprintf("the profile %q", profile)
}

// profilePath is the Setup path to the profile.
func profilePath(profile string) string {
	if profile == "" {
		profile = "the user's profile"
	}
	return "Setup > Profiles > " + profile
}

// hintAPIEnabledProfile is for a user known to lack API Enabled.
func hintAPIEnabledProfile(profile string) string {
	return fmt.Sprintf("give %s API Enabled (%s > System Permissions > API Enabled), "+
		"or assign the integration user a permission set that has it", profileRef(profile),
		profilePath(profile))
}

// hintNoAPIEdition is for an org whose edition has no API access. The REST
// answer API_DISABLED_FOR_ORG is the same for a user without API Enabled and
// for an edition without API (salesforce.md §5.4), so this is offered
// alongside the profile hint unless the message names the user.
const hintNoAPIEdition = "Salesforce gives the same answer when the org's edition has no API access " +
	"(Essentials, Group, or Professional without the API add-on): if the user already has API Enabled, " +
	"the org needs an edition or add-on with API access"

// apiDisabledHint tells the two causes of API_DISABLED_FOR_ORG apart as far
// as the message allows: some answers say "for this User"; the usual one,
// "not enabled for this Organization", fits both.
func apiDisabledHint(message, profile string) string {
	if strings.Contains(strings.ToLower(message), "for this user") {
		return hintAPIEnabledProfile(profile)
	}
	return hintAPIEnabledProfile(profile) + "\n" + hintNoAPIEdition
}

// hintAccountRead is for a user without Read on Account (salesforce.md §7
// step 5).
func hintAccountRead(profile string) string {
	return fmt.Sprintf("give %s Read on Account (%s > Object Settings > Accounts > Read), "+
		"or assign the integration user a permission set with Read on Account",
		profileRef(profile), profilePath(profile))
}

const hintNoAccountRecords = "Kolleno sees only the records sharing lets the integration user see: " +
	"check Setup > Sharing Settings > Account (Default Internal Access), or give the user View All on Account " +
	"through a permission set; an org with no accounts yet can ignore this"

const hintRESTUnreachable = "check that this machine can reach the instance URL, and try again " +
	"(a slow network may need a longer --timeout); Salesforce's maintenance windows are on status.salesforce.com"

// hintNoAPIScope: INVALID_SESSION_ID "This session is not valid for use with
// the REST API" means the app lacks the api scope (salesforce.md §5.4).
const hintNoAPIScope = "add the OAuth scope \"Manage user data via APIs (api)\": External Client App Manager " +
	"> your app > Edit Settings > OAuth Settings > Selected OAuth Scopes (Connected App: App Manager > your app " +
	"> Edit > Selected OAuth Scopes); save, and run verify again in a few minutes"

const hintSessionRefused = "the instance refused the token it had just issued: check Setup > Session Settings " +
	"(\"Lock sessions to the IP address from which they originated\") and that --login-url is this org's"

// hintRequestLimit: REQUEST_LIMIT_EXCEEDED is the org's daily API limit
// (salesforce.md §5.4); no setting of the connection is wrong.
const hintRequestLimit = "nothing in the connection needs fixing: the org has used its API requests for " +
	"the last 24 hours (Setup > Company Information > API Requests, Last 24 Hours); run verify again later, " +
	"and if it recurs, find the integration that uses them up or ask Salesforce for a higher limit"

// hintInvalidAssertionCertMatches is for "invalid assertion" when the
// certificate-match check passed: the private key and the certificate given
// belong together, so Salesforce holds another certificate for this consumer
// key, or none, or does not take JWT logins for the app (salesforce.md §3,
// §7: the causes of "invalid assertion").
const hintInvalidAssertionCertMatches = "the certificate checked above belongs to this private key, " +
	"so Salesforce checked the assertion against another certificate, or none:\n" +
	"upload that certificate to the app and turn on its JWT bearer flow: External Client App Manager > " +
	"your app > Edit Settings > OAuth Settings > Flow Enablement > Enable JWT Bearer Flow > Upload Files " +
	"(Connected App: App Manager > your app > Edit > Use digital signatures > Choose File)\n" +
	"check that --consumer-key is this app's (its Settings > OAuth Settings > Consumer Key and Secret): " +
	"another app's consumer key gets the same answer\n" +
	"a change to the app takes 2 to 10 minutes to reach every login server: wait, or run again with " +
	"--retry-for 10m"

const hintRESTOther = "run again with --verbose to see each request and its answer"

const hintCertExpiry = "make a new key and certificate with 'kollenoctl keygen', upload the certificate " +
	"to the External Client App, and give Kolleno the new private key; Salesforce keeps accepting an expired " +
	"certificate, so nothing breaks on the date, but renew it before it is forgotten"

// The clock hints, one for each direction: only a clock behind Salesforce's
// makes it refuse the assertion, once its exp (now + 3 minutes by this clock)
// has passed by Salesforce's (salesforce.md §1.5). login words its warning
// the same way: the text is jwtflow's.
const (
	hintClockBehind = jwtflow.ClockBehindHint
	hintClockAhead  = jwtflow.ClockAheadHint
)

const hintNotYetValid = "the certificate is valid only from a later date than this computer's clock " +
	"shows: check this clock, and that of the machine that made the certificate " +
	"('kollenoctl inspect' shows the certificate's dates)"
