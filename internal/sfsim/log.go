package sfsim

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// LogEntry is one request the simulator answered. It never holds a secret:
// no query string, header or body, only the path and the outcome.
type LogEntry struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	// Status is the HTTP status answered, 0 when the connection was dropped
	// without an answer.
	Status   int           `json:"status"`
	Duration time.Duration `json:"duration_ns"`
	// Error is the OAuth error or REST errorCode answered, or the fault
	// ("reset", "hang", "maintenance"; "latency" for a request dropped while
	// delayed, when the simulator stops); empty on success.
	Error string `json:"error,omitempty"`
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []LogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogEntry(nil), s.log...)
}

// CountRequests returns how many logged requests had the given path.
func (s *Server) CountRequests(path string) int {
	n := 0
	for _, e := range s.Requests() {
		if e.Path == path {
			n++
		}
	}
	return n
}

// WriteLogTo makes the simulator also write each log entry to w as one JSON
// line, as the request is answered. Set it before serving.
func (s *Server) WriteLogTo(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logTo = w
}

// record logs a finished request.
func (s *Server) record(rec *recorder, r *http.Request) {
	e := LogEntry{
		Time: rec.start, Method: r.Method, Path: r.URL.Path,
		Status: rec.status, Duration: time.Since(rec.start), Error: rec.errCode,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, e)
	if s.logTo != nil {
		line, _ := json.Marshal(e)
		_, _ = s.logTo.Write(append(line, '\n'))
	}
}

// recorder remembers the status and error code of an answer for the log.
type recorder struct {
	http.ResponseWriter
	start   time.Time
	status  int
	errCode string
}

// WriteHeader records the status.
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

// Write records an implicit 200.
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (for the reset
// fault).
func (r *recorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter
}
