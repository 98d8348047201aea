package jwtflow

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// hostile is an error_description that would clear the screen, set the
// window title, ring the bell and forge a hint line if printed as it came.
const hostile = "user hasn't approved\x1b[2J\x1b]0;pwned\x07 this\r consumer\nhint: run rm -rf ~"

// TestServerTextIsEscaped: what Salesforce (or whatever answers) writes
// reaches every human-readable message escaped, and the fields that carry
// its words for --json keep them verbatim.
func TestServerTextIsEscaped(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		refuse(w, "invalid_grant\x1b[31m", hostile)
	})
	_, err := Login(context.Background(), testRequest(t, ts.URL))
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *RefusedError", err)
	}
	checkEscaped(t, re.Error())
	if re.Description != hostile || re.Attempts[0].Description != hostile {
		t.Errorf("description %q, want Salesforce's verbatim", re.Description)
	}

	transient := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		writeJSON(w, 503, map[string]string{"error": "server_error", "error_description": hostile})
	})
	req := testRequest(t, transient.URL)
	// Long enough for at least one answer on a loaded machine (the race
	// detector with other packages' tests running): the check needs one.
	req.Timeout = 1500 * time.Millisecond
	req.Backoff = func(int, bool) time.Duration { return 100 * time.Millisecond }
	_, err = Login(context.Background(), req)
	var ue *UnreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *UnreachableError", err)
	}
	checkEscaped(t, ue.Error())
	for _, a := range ue.Attempts {
		checkEscaped(t, a.Problem)
	}
}

func checkEscaped(t *testing.T, text string) {
	t.Helper()
	if strings.ContainsAny(text, "\x1b\x07\r\n") {
		t.Errorf("control characters reach the text: %q", text)
	}
	if !strings.Contains(text, `\x1b[2J`) || !strings.Contains(text, `\nhint: run`) {
		t.Errorf("the server's words are not shown escaped: %q", text)
	}
}
