// Package sfsim is a local stand-in for Salesforce's OAuth 2.0 JWT bearer
// login and the REST calls kollenoctl makes after it. No real org can be
// reached from tests, so sfsim plays one, strictly: a client mistake that
// Salesforce refuses is refused here with the same HTTP status and the same
// error strings. The behaviour follows the notes in
// shared/reference/salesforce.md (the section numbers in comments point
// there); where Salesforce's behaviour is unknown the choice is documented
// and configurable.
//
// # Use
//
// A Config models one org, one app (External Client App or Connected App)
// and its users. DefaultConfig is the common case where everything works;
// change its fields to play a failure. New returns a *Server, an
// http.Handler safe for concurrent use:
//
//	cfg := sfsim.DefaultConfig(certPEM, consumerKey, username)
//	cfg.Users[0].APIEnabled = false // login works, REST answers 403
//	srv, err := sfsim.New(cfg)
//	ts := httptest.NewServer(srv)
//	defer ts.Close()
//	defer srv.Close() // releases hanging requests first
//
// The simulator's base URL is whatever origin the client used: instance_url
// in the token response is that origin, and the origin is an accepted
// audience. Requests, CountRequests and WriteLogTo expose the request log
// (method, path, status, duration, error code; never a secret).
//
// # Endpoints
//
//   - POST /services/oauth2/token: the JWT bearer grant, checked in the
//     order of §3: method and HTTPS, form encoding and grant_type, the
//     assertion's shape, iss, the RS256 signature against the uploaded
//     certificate (every other alg refused), aud, exp and nbf, jti replay,
//     the user, the login IP, the app's Permitted Users policy and scopes.
//   - GET /services/oauth2/userinfo and GET /id/ORG/USER: identity, 403
//     Bad_OAuth_Token for a bad token.
//   - GET /services/data/: the API versions, no token needed.
//   - /services/data/vNN.0/: sobjects/Account/describe, query (the SOQL
//     shapes of §5.5), composite and composite/batch (§5.7).
//
// REST answers: 401 INVALID_SESSION_ID for an unknown, expired or revoked
// token ("This session is not valid for use with the REST API" when the
// app lacks the api scope), 403 API_DISABLED_FOR_ORG when the edition or the
// user lacks API access, 404 NOT_FOUND for the describe and 400 INVALID_TYPE
// for a query on Account without Read on Account. Queries the matcher cannot
// run get MALFORMED_QUERY, INVALID_TYPE or INVALID_FIELD with Salesforce's
// position excerpt. Composite allows 25 subrequests of which 5 queries and
// embeds each subrequest's error; allOrNone and @{ref.path} references work.
//
// # Faults
//
// Config.Faults adds latency (a request still delayed when the simulator
// closes is dropped, like a hanging one), a 503 HTML maintenance page, a reset
// connection, a hang (released by the client's timeout or Server.Close),
// Salesforce's rate-limit answers or a plain 429, and fail-first (the first
// N token requests refused with a chosen error). Scope limits a fault to the
// token endpoint or to REST; Times makes it transient.
//
// # The sfsim command
//
// Run is the sfsim binary (cmd/sfsim is a thin main over it): it serves the
// model on a loopback address only, writes the base URL atomically to
// --ready-file, then prints it, appends JSON lines to --log and stops on
// SIGINT or SIGTERM. --tls serves HTTPS with a fresh self-signed loopback
// certificate written to --tls-cert-out. Each failure switch (--no-api-enabled,
// --user-not-assigned, --maintenance, ...) changes the model as a real
// misconfigured org would; "sfsim -h" lists them and --print-config shows the
// resulting model as JSON, a starting point for --config. A field --config
// does not know, a value the simulator cannot play or a file flag naming a
// file it cannot use stops sfsim at start-up with exit code 2, naming the
// flag, and for --config the field (app.permitted_users).
//
// # Choices where Salesforce's behaviour is not known
//
//   - aud must be one JSON string equal (ignoring case) to an accepted
//     audience; a trailing slash is refused (no working client sends one).
//   - exp may be a number or a numeric string of seconds; a millisecond
//     value is accepted because it lies in the future, as Salesforce
//     accepts the Salesforce CLI's millisecond exp (§1.5). A missing or
//     unreadable exp is "expired authorization code". An nbf in the future
//     is "invalid assertion".
//   - An unknown sub is invalid_grant / "user hasn't approved this
//     consumer" (TokenOptions.UnknownUserError changes it).
//   - Base64url segments must be unpadded.
//   - Composite limit and referenceId refusals use errorCode LIMIT_EXCEEDED
//     and INVALID_INPUT; their wording is the simulator's own.
//   - The token endpoint's own faults: rate limits answer 400
//     rate_limit_exceeded / "Number of logins exceeded" (reference §3).
//
// TODO: a query returning more than 2,000 records should answer in batches
// with nextRecordsUrl (reference §5.6); the simulator answers every record at
// once, which is enough while no check reads more than one record.
package sfsim
