// Package jwtflow performs Salesforce's OAuth 2.0 JWT bearer login: it cleans
// and checks the inputs (consumer key, username, login URL, audience), builds
// and signs the assertion, posts it to the token endpoint, retries what is
// worth retrying, and turns every refusal into an error that names the cause
// and the Setup setting that fixes it.
//
// The facts behind the rules here (hosts, claims, error strings, the retry on
// another login URL and audience pairing) are in the project's reference
// notes on Salesforce, section 1 (the token request), section 3 (the errors)
// and section 6.1 (how the Salesforce CLI does the same login).
//
// Secrets: the private key, the assertion and the access token never appear
// in an error message, a [Attempt] or a [RequestTrace]. The access token is
// only in [Result.AccessToken]; [MaskToken] gives the form that may be shown.
package jwtflow
