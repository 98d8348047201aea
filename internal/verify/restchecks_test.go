package verify

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func sub(ref string, status int, body any) subresponse {
	data, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return subresponse{Body: data, HTTPStatusCode: status, ReferenceID: ref}
}

func rows(records ...map[string]any) map[string]any {
	list := make([]any, len(records))
	for i, r := range records {
		list[i] = r
	}
	return map[string]any{"totalSize": len(records), "done": true, "records": list}
}

func describe(queryable, retrieveable bool) map[string]any {
	return map[string]any{"name": "Account", "queryable": queryable, "retrieveable": retrieveable}
}

func apiEnabled(on bool) map[string]any {
	return rows(map[string]any{"PermissionsApiEnabled": on})
}

func sfError(code, message string) []restError {
	return []restError{{Message: message, ErrorCode: code}}
}

// happySubs are the answers of an org where everything is in order.
func happySubs() []subresponse {
	return []subresponse{
		sub(refPermissions, 200, apiEnabled(true)),
		sub(refUser, 200, rows(map[string]any{
			"Id": testUserID, "Profile": map[string]any{"Name": "Kolleno Integration"},
		})),
		sub(refAccess, 200, rows(map[string]any{"IsReadable": true})),
		sub(refRecords, 200, rows(map[string]any{"Id": "001000000000001AAA"})),
		sub(refDescribe, 200, describe(true, true)),
	}
}

// with returns happySubs with the subresponse for one reference replaced.
func with(replace ...subresponse) map[string]subresponse {
	m := bySubReference(happySubs())
	for _, r := range replace {
		m[r.ReferenceID] = r
	}
	return m
}

func restReport(subs map[string]subresponse, err error) *Report {
	r := &Report{}
	if err != nil {
		r.addREST(nil, err)
		return r
	}
	r.addREST(&compositeAnswer{version: "62.0", subs: subs}, nil)
	return r
}

func TestRESTChecks(t *testing.T) {
	invalidType := sfError("INVALID_TYPE", "sObject type 'Account' is not supported.")
	tests := []struct {
		name    string
		subs    map[string]subresponse
		err     error
		want    map[ID]Status
		exit    int
		hints   map[ID][]string
		details map[ID]string
	}{
		{
			name: "all pass",
			subs: with(),
			want: map[ID]Status{RESTAPI: Pass, APIEnabled: Pass, AccountRead: Pass,
				AccountRecords: Pass},
		},
		{
			name:  "no Account record visible is a warning",
			subs:  with(sub(refRecords, 200, rows())),
			want:  map[ID]Status{APIEnabled: Pass, AccountRead: Pass, AccountRecords: Warn},
			hints: map[ID][]string{AccountRecords: {"Sharing Settings", "View All"}},
		},
		{
			name: "no Read on Account",
			subs: with(
				sub(refDescribe, 404, sfError("NOT_FOUND", "The requested resource does not exist")),
				sub(refAccess, 200, rows(map[string]any{"IsReadable": false})),
				sub(refRecords, 400, invalidType),
			),
			want: map[ID]Status{APIEnabled: Pass, AccountRead: Fail, AccountRecords: Skipped},
			exit: ExitPermission,
			hints: map[ID][]string{
				AccountRead: {`"Kolleno Integration"`, "Accounts > Read", "permission set"},
			},
			details: map[ID]string{AccountRead: "NOT_FOUND"},
		},
		{
			name:    "describe says not queryable",
			subs:    with(sub(refDescribe, 200, describe(false, true))),
			want:    map[ID]Status{AccountRead: Fail, AccountRecords: Skipped},
			exit:    ExitPermission,
			details: map[ID]string{AccountRead: "not queryable"},
		},
		{
			name: "UserEntityAccess has no row",
			subs: with(sub(refAccess, 200, rows())),
			want: map[ID]Status{AccountRead: Fail},
			exit: ExitPermission,
		},
		{
			name: "PermissionsApiEnabled false",
			subs: with(sub(refPermissions, 200, apiEnabled(false))),
			want: map[ID]Status{APIEnabled: Fail, AccountRead: Pass},
			exit: ExitPermission,
			hints: map[ID][]string{
				APIEnabled: {`"Kolleno Integration"`, "System Permissions > API Enabled"},
			},
		},
		{
			name: "UserPermissionAccess unreadable still passes",
			subs: with(sub(refPermissions, 400, sfError("INVALID_FIELD", "No such column"))),
			want: map[ID]Status{APIEnabled: Pass},
		},
		{
			name: "API disabled: profile or edition",
			err: &apiError{Status: 403, Code: "API_DISABLED_FOR_ORG",
				Message: "The REST API is not enabled for this Organization."},
			want: map[ID]Status{RESTAPI: Pass, APIEnabled: Fail, AccountRead: Skipped,
				AccountRecords: Skipped},
			exit:  ExitPermission,
			hints: map[ID][]string{APIEnabled: {"API Enabled", "edition has no API access"}},
		},
		{
			name: "API disabled for the user",
			err:  &apiError{Code: "API_DISABLED_FOR_ORG", Message: "API is disabled for this User"},
			want: map[ID]Status{RESTAPI: Pass, APIEnabled: Fail},
			exit: ExitPermission,
		},
		{
			name: "no api scope",
			err: &apiError{Status: 401, Code: "INVALID_SESSION_ID",
				Message: "This session is not valid for use with the REST API"},
			want: map[ID]Status{RESTAPI: Fail, APIEnabled: Skipped, AccountRead: Skipped},
			exit: ExitPermission,
			hints: map[ID][]string{RESTAPI: {"Manage user data via APIs (api)",
				"External Client App Manager > your app > Edit Settings > OAuth Settings > " +
					"Selected OAuth Scopes"}},
			details: map[ID]string{RESTAPI: "lacks the api OAuth scope"},
		},
		{
			name: "session refused",
			err: &apiError{Status: 401, Code: "INVALID_SESSION_ID",
				Message: "Session expired or invalid"},
			want:  map[ID]Status{RESTAPI: Fail, APIEnabled: Skipped},
			exit:  ExitPermission,
			hints: map[ID][]string{RESTAPI: {"Session Settings"}},
		},
		{
			name: "daily API limit used up",
			err: &apiError{Status: 403, Code: "REQUEST_LIMIT_EXCEEDED",
				Message: "TotalRequests Limit exceeded."},
			want: map[ID]Status{RESTAPI: Fail, APIEnabled: Skipped, AccountRead: Skipped},
			exit: ExitUnreachable,
			hints: map[ID][]string{RESTAPI: {"nothing in the connection needs fixing",
				"API Requests, Last 24 Hours"}},
			details: map[ID]string{RESTAPI: "daily API request limit"},
		},
		{
			name: "unreachable",
			err: &apiError{Unreachable: true,
				Message: "http://127.0.0.1:1/services/data/v62.0/composite answered HTTP 503"},
			want:    map[ID]Status{RESTAPI: Fail, APIEnabled: Skipped, AccountRead: Skipped},
			exit:    ExitUnreachable,
			hints:   map[ID][]string{RESTAPI: {"--timeout"}},
			details: map[ID]string{RESTAPI: "could not be reached: http://127.0.0.1:1/"},
		},
		{
			name: "another error",
			err:  errors.New("surprise"),
			want: map[ID]Status{RESTAPI: Fail, APIEnabled: Skipped},
			exit: ExitPermission,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := restReport(tt.subs, tt.err)
			for id, want := range tt.want {
				if c := r.Check(id); c == nil || c.Status != want {
					t.Errorf("%s: %+v, want %s", id, c, want)
				}
			}
			if got := r.ExitCode(); got != tt.exit {
				t.Errorf("exit code %d, want %d", got, tt.exit)
			}
			for id, parts := range tt.hints {
				for _, part := range parts {
					if !strings.Contains(r.Check(id).Hint, part) {
						t.Errorf("%s hint %q lacks %q", id, r.Check(id).Hint, part)
					}
				}
			}
			for id, part := range tt.details {
				if !strings.Contains(r.Check(id).Detail, part) {
					t.Errorf("%s detail %q lacks %q", id, r.Check(id).Detail, part)
				}
			}
		})
	}
}

func TestAPIDisabledHintForTheUserLeavesOutTheEdition(t *testing.T) {
	refused := &apiError{Code: "API_DISABLED_FOR_ORG", Message: "API is disabled for this User"}
	r := restReport(nil, refused)
	if h := r.Check(APIEnabled).Hint; strings.Contains(h, "edition") {
		t.Errorf("hint %q names the edition though the answer names the user", h)
	}
}

func TestRESTFactsComeFromTheAnswer(t *testing.T) {
	r := restReport(with(), nil)
	if r.Facts.Profile != "Kolleno Integration" || r.Facts.APIVersion != "v62.0" {
		t.Errorf("facts %+v", r.Facts)
	}
}
