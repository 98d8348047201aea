package sfsim

import (
	"net/http"
	"strings"
)

// writeBadToken is the identity services' answer to a bad token: 403 with a
// plain body (reference §5.2, MSDK PR #2430).
func writeBadToken(w http.ResponseWriter, text string) {
	noteError(w, text)
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(text))
}

// handleUserinfo answers GET /services/oauth2/userinfo.
func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	ss := s.bearer(r)
	if ss == nil {
		writeBadToken(w, "Bad_OAuth_Token")
		return
	}
	writeJSON(w, http.StatusOK, s.userinfo(r, ss.user))
}

// handleIdentity answers GET /id/ORG/USER, the identity URL of the token
// response. It answers for the token's own user only.
func (s *Server) handleIdentity(w http.ResponseWriter, r *http.Request) {
	ss := s.bearer(r)
	if ss == nil {
		writeBadToken(w, "Bad_OAuth_Token")
		return
	}
	org, user, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/id/"), "/")
	if org != s.cfg.Org.ID || user != ss.user.ID {
		writeBadToken(w, "Bad_Id")
		return
	}
	writeJSON(w, http.StatusOK, s.identity(r, ss.user))
}

// userinfo is the OpenID userinfo body (reference §5.2), trimmed to the
// fields a client checks.
func (s *Server) userinfo(r *http.Request, u *User) map[string]any {
	base := origin(r)
	return map[string]any{
		"sub": base + "/id/" + s.cfg.Org.ID + "/" + u.ID, "user_id": u.ID,
		"organization_id": s.cfg.Org.ID, "preferred_username": u.Username,
		"nickname": nickname(u), "name": u.Name, "email": u.Email, "email_verified": true,
		"zoneinfo": "Europe/London", "active": u.Active, "user_type": u.UserType,
		"is_salesforce_integration_user": u.IntegrationUser, "language": "en_US",
		"locale": "en_GB", "utcOffset": 0, "is_app_installed": s.cfg.App.Installed,
		"urls": s.urls(base, u),
	}
}

// identity is the identity URL's body (reference §5.3).
func (s *Server) identity(r *http.Request, u *User) map[string]any {
	base := origin(r)
	return map[string]any{
		"id": base + "/id/" + s.cfg.Org.ID + "/" + u.ID, "asserted_user": true,
		"user_id": u.ID, "organization_id": s.cfg.Org.ID, "username": u.Username,
		"nick_name": nickname(u), "display_name": u.Name, "email": u.Email,
		"email_verified": true, "active": u.Active, "user_type": u.UserType,
		"language": "en_US", "locale": "en_GB", "utcOffset": 0,
		"is_app_installed": s.cfg.App.Installed, "urls": s.urls(base, u),
	}
}

// nickname is the part of the username before the @.
func nickname(u *User) string {
	name, _, _ := strings.Cut(u.Username, "@")
	return name
}

// urls are the service URLs of the identity answers, with the literal
// {version} placeholder Salesforce leaves in them.
func (s *Server) urls(base string, u *User) map[string]string {
	data := base + "/services/data/v{version}/"
	return map[string]string{
		"rest": data, "sobjects": data + "sobjects/", "query": data + "query/",
		"search": data + "search/", "recent": data + "recent/",
		"tooling_rest": data + "tooling/", "profile": base + "/" + u.ID,
		"custom_domain": base,
	}
}
