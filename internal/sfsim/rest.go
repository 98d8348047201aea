package sfsim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// versionInfo is one entry of GET /services/data/ (reference §5.1).
type versionInfo struct {
	Label   string `json:"label"`
	URL     string `json:"url"`
	Version string `json:"version"`
}

// handleVersions answers GET /services/data/: every version served, oldest
// first. No token is needed.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeAPIError(w, methodNotAllowed(r.Method))
		return
	}
	var list []versionInfo
	for v := s.cfg.Org.OldestAPIVersion; v <= s.cfg.Org.NewestAPIVersion; v++ {
		list = append(list, versionInfo{
			Label: releaseName(v), URL: fmt.Sprintf("/services/data/v%d.0", v),
			Version: fmt.Sprintf("%d.0", v),
		})
	}
	writeJSON(w, http.StatusOK, list)
}

// releaseName names the release of an API version: v62.0 is Winter '25 and
// each release adds one (reference §5.1).
func releaseName(v int) string {
	seasons := [3]string{"Winter", "Spring", "Summer"}
	n := v - 62
	year := 25 + floorDiv(n, 3)
	return fmt.Sprintf("%s '%02d", seasons[n-3*floorDiv(n, 3)], year%100)
}

// floorDiv divides rounding toward minus infinity.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// methodNotAllowed is Salesforce's answer to a method a resource lacks.
func methodNotAllowed(method string) apiError {
	e := errMethod
	e.Message = fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are GET,HEAD", method)
	return e
}

// handleData answers /services/data/vNN.0/...: the token is checked, then
// the resource.
func (s *Server) handleData(w http.ResponseWriter, r *http.Request) {
	version, resource, ok := s.splitDataPath(r.URL.Path)
	if !ok {
		writeAPIError(w, errNotFound)
		return
	}
	ss, e := s.restSession(r)
	if e != nil {
		writeAPIError(w, *e)
		return
	}
	s.serveResource(w, r, &call{s: s, ss: ss, version: version, resource: resource})
}

// splitDataPath splits /services/data/v67.0/sobjects/... into the version
// number and the resource path, refusing versions the org does not serve.
func (s *Server) splitDataPath(path string) (int, string, bool) {
	rest := strings.TrimPrefix(path, "/services/data/")
	seg, resource, _ := strings.Cut(rest, "/")
	if !strings.HasPrefix(seg, "v") || !strings.HasSuffix(seg, ".0") {
		return 0, "", false
	}
	v, err := strconv.Atoi(strings.TrimSuffix(seg[1:], ".0"))
	if err != nil || v < s.cfg.Org.OldestAPIVersion || v > s.cfg.Org.NewestAPIVersion {
		return 0, "", false
	}
	return v, strings.TrimSuffix(resource, "/"), true
}

// restSession checks the bearer token for a REST call (reference §5.4).
func (s *Server) restSession(r *http.Request) (*session, *apiError) {
	ss := s.bearer(r)
	switch {
	case ss == nil:
		return nil, &errSessionInvalid
	case !ss.restAllowed():
		return nil, &errSessionNotREST
	case !s.cfg.Org.APIEnabled || !ss.user.APIEnabled:
		return nil, &errAPIDisabled
	}
	return ss, nil
}

// call is one REST call (or composite subrequest) being answered.
type call struct {
	s        *Server
	ss       *session
	version  int
	resource string
}

// serveResource answers a REST resource: the resource list, a describe, a
// query, a composite request.
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, c *call) {
	var status int
	var body any
	switch c.resource {
	case "composite":
		status, body = c.composite(r)
	case "composite/batch":
		status, body = c.batch(r)
	default:
		status, body = c.get(r)
	}
	if e, ok := body.(apiError); ok {
		writeAPIError(w, e)
		return
	}
	writeJSON(w, status, body)
}

// get answers a GET resource with its status and body (an apiError for a
// failure).
func (c *call) get(r *http.Request) (int, any) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return 0, methodNotAllowed(r.Method)
	}
	switch c.resource {
	case "":
		return http.StatusOK, c.resources()
	case "sobjects/Account/describe":
		return c.describeAccount()
	case "query", "queryAll", "tooling/query":
		return c.query(r)
	}
	return 0, errNotFound
}

// resources is the answer of GET /services/data/vNN.0/.
func (c *call) resources() map[string]string {
	base := fmt.Sprintf("/services/data/v%d.0/", c.version)
	out := map[string]string{}
	names := []string{"sobjects", "query", "queryAll", "composite", "limits", "search", "tooling"}
	for _, name := range names {
		out[name] = base + name
	}
	return out
}
