package sfsim

import (
	"net"
	"net/http"
	"time"
)

// maintenancePage is the HTML a Salesforce instance shows during planned
// maintenance: a client must not try to read it as JSON.
const maintenancePage = `<!DOCTYPE html>
<html><head><title>Salesforce - Down for Maintenance</title></head>
<body><h1>Down for Maintenance</h1>
<p>This Salesforce instance is unavailable during scheduled maintenance. Please try again later.</p>
</body></html>
`

// defaultHang is how long the hang fault holds a request when HangFor is
// not set: longer than any sane client timeout.
const defaultHang = 10 * time.Minute

// injectFault applies the configured faults to a request and reports
// whether it answered (or dropped) it.
func (s *Server) injectFault(w *recorder, r *http.Request) bool {
	if !s.faultApplies(r) {
		return false
	}
	f := s.cfg.Faults
	if f.Latency > 0 && !s.wait(r, time.Duration(f.Latency)) {
		s.drop(w, r, "latency")
		return true
	}

	switch {
	case f.Reset:
		s.reset(w, "reset")
	case f.Hang:
		s.hang(w, r)
	case f.Maintenance:
		writeHTML(w, http.StatusServiceUnavailable, "maintenance", maintenancePage)
	case f.TooManyRequests:
		w.Header().Set("Retry-After", "1")
		writeHTML(w, http.StatusTooManyRequests, "too_many_requests", "Too Many Requests\n")
	case f.RateLimit && isTokenPath(r):
		writeOAuthError(w, errLoginRateLimit)
	case f.RateLimit:
		writeAPIError(w, errRequestLimit)
	default:
		return false
	}
	return true
}

// isTokenPath reports a request to the token endpoint.
func isTokenPath(r *http.Request) bool {
	return r.URL.Path == "/services/oauth2/token"
}

// faultApplies reports whether the faults apply to this request: it is in
// the faults' scope and, with Times set, among the first Times of them.
func (s *Server) faultApplies(r *http.Request) bool {
	f := s.cfg.Faults
	inScope := f.Scope == "" || f.Scope == ScopeAll ||
		(f.Scope == ScopeToken) == isTokenPath(r)
	if !inScope {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultHits++
	return f.Times <= 0 || s.faultHits <= f.Times
}

// wait sleeps for d and reports false if the client went away or the
// simulator closed first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// hang holds the request without answering until the client gives up, the
// simulator closes or HangFor passes; then the connection is dropped.
func (s *Server) hang(w *recorder, r *http.Request) {
	d := time.Duration(s.cfg.Faults.HangFor)
	if d <= 0 {
		d = defaultHang
	}
	s.wait(r, d)
	s.drop(w, r, "hang")
}

// drop ends a request the simulator will not answer: the connection is
// reset while the client still waits, so it never mistakes the end for an
// empty answer; the log records the fault with status 0 either way.
func (s *Server) drop(w *recorder, r *http.Request, code string) {
	if r.Context().Err() != nil {
		w.errCode = code // the client went away; nothing is left to answer
		return
	}
	s.reset(w, code)
}

// reset drops the connection without an answer. On TCP, a zero linger
// makes the close a reset (RST) rather than an orderly FIN.
func (s *Server) reset(w *recorder, code string) {
	w.errCode = code
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// writeHTML answers with a non-JSON body, as proxies and maintenance pages
// do.
func writeHTML(w http.ResponseWriter, status int, code, body string) {
	noteError(w, code)
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
