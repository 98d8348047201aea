package sfsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkTokenRequest measures one token request over loopback HTTP:
// parsing, RS256 verification against a 2048-bit certificate, every check,
// and the answer.
func BenchmarkTokenRequest(b *testing.B) {
	_, ts := startSim(b, testConfig(b))
	good, _ := creds(b)
	form := tokenForm(signRS256(b, good, claimsFor(ts.URL)))
	client := ts.Client()

	for b.Loop() {
		resp, err := client.Post(ts.URL+"/services/oauth2/token",
			"application/x-www-form-urlencoded", strings.NewReader(form))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkVerifyComposite measures the composite call carrying verify's
// five checks.
func BenchmarkVerifyComposite(b *testing.B) {
	_, ts := startSim(b, testConfig(b))
	token := login(b, ts.URL)
	body, _ := json.Marshal(verifyComposite(userID))
	client := ts.Client()

	for b.Loop() {
		req, _ := http.NewRequest("POST", ts.URL+"/services/data/v67.0/composite", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkParseSOQL measures the SOQL matcher on verify's longest query.
func BenchmarkParseSOQL(b *testing.B) {
	q, _ := url.QueryUnescape("SELECT+AssigneeId,+PermissionSetId,+PermissionSet.Name+FROM+PermissionSetAssignment+WHERE+AssigneeId+=+'005'+AND+PermissionSetId+IN+(SELECT+ParentId+FROM+ObjectPermissions+WHERE+SobjectType+=+'Account'+AND+PermissionsRead+=+true)")
	for b.Loop() {
		if _, err := parseSOQL(q); err != nil {
			b.Fatal(err.text)
		}
	}
}
