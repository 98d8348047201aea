package verify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testUserID = "005000000000001AAA"

func TestCompositeBodyStaysWithinLimits(t *testing.T) {
	body := compositeBody("62.0", testUserID)

	queries := 0
	refs := map[string]bool{}
	for _, sub := range body.CompositeRequest {
		if sub.Method != "GET" {
			t.Errorf("%s: method %s, want GET", sub.ReferenceID, sub.Method)
		}
		if !strings.HasPrefix(sub.URL, "/services/data/v62.0/") {
			t.Errorf("%s: URL %s is not at the pinned version", sub.ReferenceID, sub.URL)
		}
		if strings.Contains(sub.URL, "/query?") {
			queries++
		}
		refs[sub.ReferenceID] = true
	}
	if queries > 5 {
		t.Errorf("%d queries in one composite request; Salesforce allows 5", queries)
	}
	for _, ref := range []string{refPermissions, refUser, refAccess, refRecords, refDescribe} {
		if !refs[ref] {
			t.Errorf("no subrequest %s", ref)
		}
	}
	if body.AllOrNone {
		t.Error("allOrNone is true; one refused subrequest would hide the others")
	}
}

func TestCompositeBodyQueriesNameTheUser(t *testing.T) {
	body := compositeBody("62.0", testUserID)
	for _, sub := range body.CompositeRequest {
		if sub.ReferenceID != refUser && sub.ReferenceID != refAccess {
			continue
		}
		u, err := url.Parse(sub.URL)
		if err != nil {
			t.Fatal(err)
		}
		if q := u.Query().Get("q"); !strings.Contains(q, "'"+testUserID+"'") {
			t.Errorf("%s: query %q does not filter on the user", sub.ReferenceID, q)
		}
	}
}

// fakeInstance is a REST API that serves some versions and answers the
// composite request with canned subresponses.
type fakeInstance struct {
	versions []string
	subs     []subresponse
	status   int    // for the composite: 0 means 200
	errBody  string // body when status is not 200
	ctype    string

	mu       sync.Mutex
	requests []string
}

func (f *fakeInstance) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	f.mu.Unlock()

	if r.URL.Path == "/services/data/" {
		var list []map[string]string
		for _, v := range f.versions {
			list = append(list, map[string]string{"version": v, "url": "/services/data/v" + v})
		}
		writeJSON(w, 200, list)
		return
	}
	served := false
	for _, v := range f.versions {
		served = served || r.URL.Path == "/services/data/v"+v+"/composite"
	}
	if !served {
		writeJSON(w, 404, []restError{{"The requested resource does not exist", "NOT_FOUND"}})
		return
	}
	if r.Header.Get("Authorization") != "Bearer tok" {
		writeJSON(w, 401, []restError{{"Session expired or invalid", "INVALID_SESSION_ID"}})
		return
	}
	if f.status != 0 {
		w.Header().Set("Content-Type", f.ctype)
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.errBody)
		return
	}
	writeJSON(w, 200, map[string]any{"compositeResponse": f.subs})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func sessionFor(t *testing.T, f *fakeInstance) *restSession {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &restSession{
		client: srv.Client(), instanceURL: srv.URL, token: "tok", userID: testUserID,
	}
}

func TestRunCompositeOneRequestAtThePinnedVersion(t *testing.T) {
	f := &fakeInstance{versions: []string{"61.0", "62.0", "67.0"}, subs: happySubs()}
	answer, err := sessionFor(t, f).runComposite(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if answer.version != PinnedAPIVersion {
		t.Errorf("version %s, want %s", answer.version, PinnedAPIVersion)
	}
	if len(f.requests) != 1 {
		t.Errorf("requests %v, want exactly one", f.requests)
	}
}

func TestRunCompositeNegotiatesAnUnservedVersion(t *testing.T) {
	f := &fakeInstance{versions: []string{"66.0", "68.0", "67.0"}, subs: happySubs()}
	answer, err := sessionFor(t, f).runComposite(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if answer.version != "68.0" {
		t.Errorf("version %s, want the highest served, 68.0", answer.version)
	}
	want := []string{
		"POST /services/data/v62.0/composite",
		"GET /services/data/",
		"POST /services/data/v68.0/composite",
	}
	if strings.Join(f.requests, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%v\nwant\n%v", f.requests, want)
	}
}

func TestRunCompositeErrors(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		ctype, body string
		unreachable bool
		code        string
	}{
		{"api disabled", 403, "application/json",
			`[{"message":"The REST API is not enabled for this Organization.",` +
				`"errorCode":"API_DISABLED_FOR_ORG"}]`,
			false, "API_DISABLED_FOR_ORG"},
		{"html 503", 503, "text/html", "<html><body>Maintenance</body></html>", true, ""},
		{"json 500", 500, "application/json",
			`[{"message":"x","errorCode":"UNKNOWN_EXCEPTION"}]`, true, ""},
		{"html 200", 200, "text/html", "<html>login page</html>", true, ""},
		{"400 without json", 400, "text/plain", "bad", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeInstance{versions: []string{"62.0"},
				status: tt.status, ctype: tt.ctype, errBody: tt.body}
			_, err := sessionFor(t, f).runComposite(context.Background())
			e, ok := err.(*apiError)
			if !ok {
				t.Fatalf("error %v (%T), want *apiError", err, err)
			}
			if e.Unreachable != tt.unreachable || e.Code != tt.code {
				t.Errorf("got unreachable=%v code=%q, want %v %q (%v)",
					e.Unreachable, e.Code, tt.unreachable, tt.code, e)
			}
		})
	}
}

func TestRunCompositeTimesOut(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-block
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(block) })

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	s := &restSession{client: srv.Client(), instanceURL: srv.URL, token: "tok", userID: testUserID}
	_, err := s.runComposite(ctx)
	e, ok := err.(*apiError)
	if !ok || !e.Unreachable {
		t.Fatalf("error %v, want an unreachable *apiError", err)
	}
}

func TestRunCompositeRefusesAStrangeUserID(t *testing.T) {
	f := &fakeInstance{versions: []string{"62.0"}, subs: happySubs()}
	s := sessionFor(t, f)
	s.userID = "005' OR Id != '"
	if _, err := s.runComposite(context.Background()); err == nil {
		t.Fatal("a user ID with a quote went into SOQL")
	}
	if len(f.requests) != 0 {
		t.Errorf("requests %v, want none", f.requests)
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"005000000000001":    true,
		"005000000000001AAA": true,
		"005":                false,
		"005000000000001AA":  false,
		"00500000000000'AAA": false,
		"":                   false,
	} {
		if got := validID(id); got != want {
			t.Errorf("validID(%q) = %v, want %v", id, got, want)
		}
	}
}
