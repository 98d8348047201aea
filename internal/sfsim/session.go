package sfsim

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// session is what an access token stands for.
type session struct {
	user    *User
	scopes  []string
	expires time.Time
}

// restAllowed reports whether the session's scopes allow REST calls.
func (ss *session) restAllowed() bool {
	return slices.Contains(ss.scopes, "api") || slices.Contains(ss.scopes, "full")
}

// bearer returns the session of the request's access token, or nil when the
// token is missing, unknown or expired. Salesforce takes "Bearer" and the
// older "OAuth" scheme.
func (s *Server) bearer(r *http.Request) *session {
	auth := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "OAuth") {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[strings.TrimSpace(token)]
	if ss == nil || !s.now().Before(ss.expires) {
		return nil
	}
	return ss
}

// RevokeTokens ends every session, as an admin revoking them would: later
// REST calls with those tokens answer INVALID_SESSION_ID.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}
