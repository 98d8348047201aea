package sfsim

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Server is the simulator: an http.Handler answering Salesforce's token,
// identity and REST endpoints. It is safe for concurrent use.
type Server struct {
	cfg     Config
	certKey *rsa.PublicKey
	done    chan struct{}
	close   sync.Once

	mu        sync.Mutex
	idle      *sync.Cond // signalled when active drops to zero
	active    int        // requests being answered
	sessions  map[string]*session
	jtis      map[string]time.Time
	tokenHits int
	faultHits int
	log       []LogEntry
	logTo     io.Writer
}

// New checks cfg and returns a simulator playing it. The certificate must
// be a PEM X.509 certificate with an RSA key, as uploaded in Setup; it may
// be empty when the app's JWT bearer flow is disabled.
func New(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.Users = slices.Clone(cfg.Users)
	cfg.fill()
	s := &Server{
		cfg: cfg, done: make(chan struct{}),
		sessions: map[string]*session{}, jtis: map[string]time.Time{},
	}
	s.idle = sync.NewCond(&s.mu)
	key, err := parseCertificate(cfg.App.CertificatePEM)
	if err != nil && cfg.App.JWTEnabled {
		return nil, &modelError{"app.certificate_pem", err.Error()}
	}
	s.certKey = key
	return s, nil
}

// parseCertificate reads the RSA public key out of an uploaded certificate.
func parseCertificate(certPEM string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("reading the certificate: %w", err)
	}
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the certificate holds a %T key; Salesforce takes RSA only", cert.PublicKey)
	}
	return key, nil
}

// Close releases every request held by the hang or latency faults and
// waits until every request being answered is finished and logged. Call it
// before closing the HTTP server that serves the simulator; requests
// arriving later are still answered, without delay.
func (s *Server) Close() {
	s.close.Do(func() { close(s.done) })
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.active > 0 {
		s.idle.Wait()
	}
}

// begin and end count the requests being answered, for Close.
func (s *Server) begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active++
}

func (s *Server) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active--; s.active == 0 {
		s.idle.Broadcast()
	}
}

// now is the simulator's clock: the wall clock (or Config.Now) moved by the
// configured offset.
func (s *Server) now() time.Time {
	t := time.Now()
	if s.cfg.Now != nil {
		t = s.cfg.Now()
	}
	return t.Add(time.Duration(s.cfg.ClockOffset))
}

// ServeHTTP answers one request: faults first, then the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.begin()
	defer s.end()
	rec := &recorder{ResponseWriter: w, start: time.Now()}
	defer s.record(rec, r)

	s.commonHeaders(rec)
	if s.injectFault(rec, r) {
		return
	}
	s.route(rec, r)
}

// commonHeaders sets what Salesforce sends on every answer: a Date from the
// server's clock and its no-cache policy (reference §2, SFSE q/207685).
func (s *Server) commonHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Date", s.now().UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
}

// route sends a request to its endpoint.
func (s *Server) route(w *recorder, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/services/oauth2/token":
		s.handleToken(w, r)
	case path == "/services/oauth2/userinfo":
		s.handleUserinfo(w, r)
	case strings.HasPrefix(path, "/id/"):
		s.handleIdentity(w, r)
	case path == "/services/data" || path == "/services/data/":
		s.handleVersions(w, r)
	case strings.HasPrefix(path, "/services/data/"):
		s.handleData(w, r)
	default:
		writeRESTError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
}

// writeJSON answers with a JSON body as Salesforce does.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
