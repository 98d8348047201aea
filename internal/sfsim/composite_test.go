package sfsim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// verifyComposite is the composite request kollenoctl verify sends: every
// permission check in one round trip.
func verifyComposite(userID string) map[string]any {
	q := func(soql string) string { return "/services/data/v67.0/query?q=" + url.QueryEscape(soql) }
	return map[string]any{"allOrNone": false, "compositeRequest": []map[string]string{
		{"method": "GET", "referenceId": "perms",
			"url": q("SELECT PermissionsApiEnabled FROM UserPermissionAccess")},
		{"method": "GET", "referenceId": "entity",
			"url": q("SELECT IsReadable FROM UserEntityAccess WHERE UserId = '" + userID + "' AND EntityDefinition.QualifiedApiName = 'Account'")},
		{"method": "GET", "referenceId": "describe", "url": "/services/data/v67.0/sobjects/Account/describe"},
		{"method": "GET", "referenceId": "account", "url": q("SELECT Id FROM Account LIMIT 1")},
		{"method": "GET", "referenceId": "user",
			"url": q("SELECT Id, Username, Profile.Name, IsActive FROM User WHERE Id = '" + userID + "'")},
	}}
}

// compositeAnswer is the decoded answer of POST composite.
type compositeAnswer struct {
	CompositeResponse []struct {
		Body        json.RawMessage   `json:"body"`
		HTTPHeaders map[string]string `json:"httpHeaders"`
		Status      int               `json:"httpStatusCode"`
		ReferenceID string            `json:"referenceId"`
	} `json:"compositeResponse"`
}

// postComposite logs in and posts body to composite (or composite/batch).
func postComposite(t *testing.T, cfg Config, resource string, body any) answer {
	t.Helper()
	_, ts := startSim(t, cfg)
	token := login(t, ts.URL)
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, "POST", ts.URL+"/services/data/v67.0/"+resource, "application/json", string(b),
		"Authorization", "Bearer "+token)
}

// statuses summarises a composite answer as referenceId=status pairs.
func statuses(t *testing.T, a answer) (string, compositeAnswer) {
	t.Helper()
	var ca compositeAnswer
	a.jsonOf(t, &ca)
	var parts []string
	for _, r := range ca.CompositeResponse {
		parts = append(parts, fmt.Sprintf("%s=%d", r.ReferenceID, r.Status))
	}
	return strings.Join(parts, " "), ca
}

func TestCompositeVerifyRequest(t *testing.T) {
	a := postComposite(t, testConfig(t), "composite", verifyComposite(userID))

	got, ca := statuses(t, a)

	if a.status != 200 || got != "perms=200 entity=200 describe=200 account=200 user=200" {
		t.Fatalf("%d %s\n%s", a.status, got, a.body)
	}
	wants := []string{`"PermissionsApiEnabled":true`, `"IsReadable":true`, `"queryable":true`,
		`"totalSize":1`, `"Name":"Kolleno Integration"`}
	for i, want := range wants {
		if !strings.Contains(string(ca.CompositeResponse[i].Body), want) {
			t.Errorf("%s: %s lacks %s", ca.CompositeResponse[i].ReferenceID, ca.CompositeResponse[i].Body, want)
		}
	}
}

func TestCompositeEmbedsErrors(t *testing.T) {
	cfg := testConfig(t)
	cfg.Users[0].AccountRead = false

	a := postComposite(t, cfg, "composite", verifyComposite(userID))

	got, ca := statuses(t, a)
	if a.status != 200 || got != "perms=200 entity=200 describe=404 account=400 user=200" {
		t.Fatalf("%d %s\n%s", a.status, got, a.body)
	}
	checkEmbedded(t, ca.CompositeResponse[2].Body, "NOT_FOUND")
	checkEmbedded(t, ca.CompositeResponse[3].Body, "INVALID_TYPE")
}

// checkEmbedded checks a subrequest body is an error array with code.
func checkEmbedded(t *testing.T, body json.RawMessage, code string) {
	t.Helper()
	var errs []restError
	err := json.Unmarshal(body, &errs)
	if err != nil || len(errs) != 1 || errs[0].ErrorCode != code {
		t.Errorf("body %s, want one %s error", body, code)
	}
}

func TestCompositeAllOrNone(t *testing.T) {
	cfg := testConfig(t)
	cfg.Users[0].AccountRead = false
	body := verifyComposite(userID)
	body["allOrNone"] = true

	a := postComposite(t, cfg, "composite", body)

	got, ca := statuses(t, a)
	if got != "perms=400 entity=400 describe=404 account=400 user=400" {
		t.Fatalf("%s\n%s", got, a.body)
	}
	checkEmbedded(t, ca.CompositeResponse[0].Body, "PROCESSING_HALTED")
	checkEmbedded(t, ca.CompositeResponse[3].Body, "INVALID_TYPE")
}

func TestCompositeReferences(t *testing.T) {
	body := map[string]any{"compositeRequest": []map[string]string{
		{"method": "GET", "referenceId": "me", "url": "/services/data/v67.0/query?q=" +
			url.QueryEscape("SELECT Id FROM User WHERE Username = '"+testUser+"'")},
		{"method": "GET", "referenceId": "profile", "url": "/services/data/v67.0/query?q=" +
			url.QueryEscape("SELECT Profile.Name FROM User WHERE Id = '") + "@{me.records[0].Id}" + url.QueryEscape("'")},
		{"method": "GET", "referenceId": "missing", "url": "/services/data/v67.0/query?q=@{me.records[5].Id}"},
	}}

	a := postComposite(t, testConfig(t), "composite", body)

	got, ca := statuses(t, a)
	if got != "me=200 profile=200 missing=400" {
		t.Fatalf("%s\n%s", got, a.body)
	}
	if !strings.Contains(string(ca.CompositeResponse[1].Body), `"Name":"Kolleno Integration"`) {
		t.Errorf("reference not resolved: %s", ca.CompositeResponse[1].Body)
	}
	checkEmbedded(t, ca.CompositeResponse[2].Body, "PROCESSING_HALTED")
}

// subrequests makes n describe subrequests and q query subrequests.
func subrequests(n, q int) map[string]any {
	var list []map[string]string
	for i := range n {
		list = append(list, map[string]string{"method": "GET", "referenceId": fmt.Sprintf("d%d", i),
			"url": "/services/data/v67.0/sobjects/Account/describe"})
	}
	for i := range q {
		list = append(list, map[string]string{"method": "GET", "referenceId": fmt.Sprintf("q%d", i),
			"url": "/services/data/v67.0/query?q=SELECT+Id+FROM+Account+LIMIT+1"})
	}
	return map[string]any{"compositeRequest": list}
}

func TestCompositeRefusals(t *testing.T) {
	cases := []struct {
		name     string
		body     any
		raw      string
		wantCode string
	}{
		{"25 subrequests, 5 queries", subrequests(20, 5), "", ""},
		{"26 subrequests", subrequests(26, 0), "", "LIMIT_EXCEEDED"},
		{"6 queries", subrequests(0, 6), "", "LIMIT_EXCEEDED"},
		{"empty", subrequests(0, 0), "", "INVALID_INPUT"},
		{"duplicate referenceId", map[string]any{"compositeRequest": []map[string]string{
			{"method": "GET", "referenceId": "a", "url": "/services/data/v67.0/"},
			{"method": "GET", "referenceId": "a", "url": "/services/data/v67.0/"}}}, "", "INVALID_INPUT"},
		{"bad referenceId", map[string]any{"compositeRequest": []map[string]string{
			{"method": "GET", "referenceId": "a-b", "url": "/services/data/v67.0/"}}}, "", "INVALID_INPUT"},
		{"not JSON", nil, "compositeRequest=1", "JSON_PARSER_ERROR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var a answer
			if tc.raw != "" {
				_, ts := startSim(t, testConfig(t))
				a = do(t, "POST", ts.URL+"/services/data/v67.0/composite", "application/json", tc.raw,
					"Authorization", "Bearer "+login(t, ts.URL))
			} else {
				a = postComposite(t, testConfig(t), "composite", tc.body)
			}
			if tc.wantCode == "" {
				if a.status != 200 {
					t.Fatalf("%d %s", a.status, a.body)
				}
				return
			}
			want := queryCase{wantStatus: 400, wantCode: tc.wantCode, want: errMessage(t, a)}
			checkQueryAnswer(t, a, want)
		})
	}
}

// errMessage returns the message of an error answer (the code is what the
// refusal cases check).
func errMessage(t *testing.T, a answer) string {
	var errs []restError
	_ = json.Unmarshal(a.body, &errs)
	if len(errs) != 1 {
		t.Fatalf("not one error: %s", a.body)
	}
	return errs[0].Message
}

func TestCompositeSubrequestRules(t *testing.T) {
	body := map[string]any{"compositeRequest": []map[string]any{
		{"method": "GET", "referenceId": "auth", "url": "/services/data/v67.0/",
			"httpHeaders": map[string]string{"Authorization": "Bearer x"}},
		{"method": "GET", "referenceId": "userinfo", "url": "/services/oauth2/userinfo"},
		{"method": "DELETE", "referenceId": "del", "url": "/services/data/v67.0/sobjects/Account/describe"},
		{"method": "GET", "referenceId": "nested", "url": "/services/data/v67.0/composite"},
	}}

	a := postComposite(t, testConfig(t), "composite", body)

	got, _ := statuses(t, a)
	if got != "auth=400 userinfo=404 del=405 nested=404" {
		t.Fatalf("%s\n%s", got, a.body)
	}
}

func TestCompositeNeedsSession(t *testing.T) {
	cfg := testConfig(t)
	cfg.Users[0].APIEnabled = false
	a := postComposite(t, cfg, "composite", verifyComposite(userID))
	checkQueryAnswer(t, a, queryCase{wantStatus: 403, wantCode: "API_DISABLED_FOR_ORG",
		want: "The REST API is not enabled for this Organization."})
}

func TestBatch(t *testing.T) {
	body := map[string]any{"haltOnError": true, "batchRequests": []map[string]string{
		{"method": "GET", "url": "v67.0/sobjects/Account/describe"},
		{"method": "GET", "url": "v67.0/query?q=SELECT+Id+FROM+Nope"},
		{"method": "GET", "url": "v67.0/sobjects/Account/describe"},
	}}

	a := postComposite(t, testConfig(t), "composite/batch", body)

	var res struct {
		HasErrors bool `json:"hasErrors"`
		Results   []struct {
			StatusCode int             `json:"statusCode"`
			Result     json.RawMessage `json:"result"`
		} `json:"results"`
	}
	a.jsonOf(t, &res)
	if !res.HasErrors || len(res.Results) != 3 || res.Results[0].StatusCode != 200 ||
		res.Results[1].StatusCode != 400 || res.Results[2].StatusCode != 412 {
		t.Fatalf("%s", a.body)
	}
	checkEmbedded(t, res.Results[1].Result, "INVALID_TYPE")
	checkEmbedded(t, res.Results[2].Result, "BATCH_PROCESSING_HALTED")
}
