package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/kolleno/kollenoctl/internal/keystore"
)

// The values the admin types into Setup. The callback URL is required by the
// form but never used by the JWT bearer flow; http://localhost is the value
// Salesforce's own CLI documentation uses for the same purpose.
const (
	setupAppName     = "Kolleno"
	setupCallbackURL = "http://localhost"
)

// setupScopes are the OAuth scopes the app needs: api for the REST checks
// and Kolleno's reads, refresh_token and offline_access because JWT bearer
// logins are reported to need them (reference/salesforce.md §7).
var setupScopes = []string{
	"Manage user data via APIs (api)",
	"Perform requests at any time (refresh_token, offline_access)",
}

// writeSetupSteps writes steps 2 and 3 of the guide, what to click in Setup,
// with the values to type and the certificate to upload.
func writeSetupSteps(w io.Writer, m *material) {
	var b strings.Builder
	step := 0
	next := func(format string, args ...any) {
		step++
		fmt.Fprintf(&b, "%2d. %s\n", step, fmt.Sprintf(format, args...))
	}
	more := func(format string, args ...any) {
		fmt.Fprintf(&b, "    %s\n", fmt.Sprintf(format, args...))
	}

	b.WriteString("\nNow in Salesforce Setup (steps 2 and 3 of the guide):\n\n")
	next("Open External Client App Manager and click New External Client App.")
	next("External Client App Name: %s", setupAppName)
	more("Contact Email: your email address")
	more("Distribution State: Local")
	next("Under API (Enable OAuth Settings), tick Enable OAuth.")
	more("Callback URL: %s", setupCallbackURL)
	more("OAuth Scopes: %s", strings.Join(setupScopes, ", and "))
	next("Under Flow Enablement, tick Enable JWT Bearer Flow and upload the certificate:")
	more("File:    %s", m.CertPath)
	more("SHA-256: %s", keystore.CertSHA256(m.Cert))
	next("Save. Then open the app's Policies and click Edit:")
	more("Permitted Users: Admin approved users are pre-authorized")
	more("Select Profiles: add the integration user's profile, and save.")
	next("On that profile (Setup > Profiles), tick API Enabled and give Read on Account.")
	next("Copy the Consumer Key: the app's Settings > OAuth Settings > Consumer Key and Secret.")
	b.WriteString("\nChanges to the app can take a few minutes to reach Salesforce's login servers.\n\n")
	fmt.Fprint(w, b.String())
}
