package sfsim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testKey  = "3MVG9testConsumerKey"
	testUser = "integration@kolleno.example"
)

// testNow is the simulator's clock in tests, so that exp checks do not
// depend on the wall clock.
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

var (
	credsOnce          sync.Once
	goodCreds, badCred *Credentials
)

// creds returns the app's credentials and a second, unrelated pair.
func creds(t testing.TB) (good, other *Credentials) {
	t.Helper()
	credsOnce.Do(func() {
		var err error
		if goodCreds, err = NewCredentials(2048); err != nil {
			panic(err)
		}
		if badCred, err = NewCredentials(2048); err != nil {
			panic(err)
		}
	})
	return goodCreds, badCred
}

// testConfig is DefaultConfig with the test credentials and a fixed clock.
func testConfig(t testing.TB) Config {
	good, _ := creds(t)
	cfg := DefaultConfig(good.CertPEM, testKey, testUser)
	cfg.Now = func() time.Time { return testNow }
	return cfg
}

// startSim serves a simulator for cfg on 127.0.0.1, closed with the test.
func startSim(t testing.TB, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Close(); ts.Close() })
	return srv, ts
}

// claimsFor are the claims of a good assertion for the server at base.
func claimsFor(base string) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": testKey, "sub": testUser, "aud": base,
		"iat": testNow.Unix(), "exp": testNow.Add(3 * time.Minute).Unix(),
	}
}

// signRS256 signs claims with key, as a correct client does.
func signRS256(t testing.TB, c *Credentials, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rawJWT builds a token from a header and claims with the given signature
// bytes, for assertions no library would sign.
func rawJWT(t testing.TB, header map[string]any, claims jwt.MapClaims, sig []byte) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// signHS256WithCert signs with HS256 using the certificate PEM as the HMAC
// secret: the classic algorithm-confusion attack.
func signHS256WithCert(t testing.TB, certPEM []byte, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signES256 signs with a fresh EC key.
func signES256(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodES256, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tokenForm is the form body of a token request.
func tokenForm(assertion string) string {
	return url.Values{"grant_type": {jwtBearerGrant}, "assertion": {assertion}}.Encode()
}

// answer is a decoded HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request and reads the whole answer.
func do(t testing.TB, method, target, contentType, body string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

// postToken sends a form-encoded token request with the assertion.
func postToken(t testing.TB, base, assertion string) answer {
	t.Helper()
	return do(t, http.MethodPost, base+"/services/oauth2/token",
		"application/x-www-form-urlencoded", tokenForm(assertion))
}

// jsonOf decodes an answer's body into v.
func (a answer) jsonOf(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("body %q: %v", a.body, err)
	}
}

// login logs in with a good assertion and returns the access token.
func login(t testing.TB, base string) string {
	t.Helper()
	good, _ := creds(t)
	a := postToken(t, base, signRS256(t, good, claimsFor(base)))
	var tok tokenResponse
	a.jsonOf(t, &tok)
	if a.status != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("login: %d %s", a.status, a.body)
	}
	return tok.AccessToken
}
