package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// PinnedAPIVersion is the REST API version verify asks for first.
//
// 62.0 is Winter '25. Every object and field the checks use
// (UserPermissionAccess, UserEntityAccess with EntityDefinition, User with
// Profile.Name, the Account describe) exists in it, and Salesforce keeps
// serving a version for years after newer ones ship, so orgs on the current
// release (67.0, Summer '26) serve it too. Pinning, rather than asking for
// the newest version first, keeps the happy path at two requests and the
// answers the same from one release to the next; an org that no longer
// serves 62.0 costs one extra request to choose another
// (salesforce.md §5.1).
const PinnedAPIVersion = "62.0"

// maxRESTBody caps what is read of a REST answer; the Account describe of an
// org with many custom fields is the largest, at a few hundred KiB.
const maxRESTBody = 16 << 20

// The subrequests' reference IDs in the composite request.
const (
	refPermissions = "UserPermissions"
	refUser        = "User"
	refAccess      = "AccountAccess"
	refRecords     = "AccountRecords"
	refDescribe    = "AccountDescribe"
)

// restSession calls the REST API of one org with one access token.
type restSession struct {
	client      *http.Client
	instanceURL string
	token       string
	userID      string
}

// compositeAnswer is the composite response, its subresponses by reference ID.
type compositeAnswer struct {
	version string
	subs    map[string]subresponse
}

// runComposite sends every REST check in one composite request at the pinned
// version; only when that version is not served does it choose the highest
// served version and send the request again.
func (s *restSession) runComposite(ctx context.Context) (*compositeAnswer, error) {
	answer, err := s.composite(ctx, PinnedAPIVersion)
	if !versionNotServed(err) {
		return answer, err
	}

	version, err := s.highestVersion(ctx)
	if err != nil {
		return nil, err
	}
	return s.composite(ctx, version)
}

type compositeRequest struct {
	AllOrNone        bool         `json:"allOrNone"`
	CompositeRequest []subrequest `json:"compositeRequest"`
}

type subrequest struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	ReferenceID string `json:"referenceId"`
}

// compositeBody builds the composite request: four queries (the limit is five)
// and the Account describe (salesforce.md §5.5, §5.7). allOrNone is false so
// that one refused subrequest does not hide the others' answers.
func compositeBody(version, userID string) compositeRequest {
	base := "/services/data/v" + version
	query := func(ref, soql string) subrequest {
		return subrequest{"GET", base + "/query?q=" + url.QueryEscape(soql), ref}
	}
	return compositeRequest{CompositeRequest: []subrequest{
		query(refPermissions, "SELECT PermissionsApiEnabled, PermissionsViewAllData, "+
			"PermissionsModifyAllData FROM UserPermissionAccess"),
		query(refUser, "SELECT Id, Username, Profile.Name FROM User WHERE Id = '"+userID+"'"),
		query(refAccess, "SELECT EntityDefinition.QualifiedApiName, IsReadable, IsCreatable, "+
			"IsEditable, IsDeletable FROM UserEntityAccess WHERE UserId = '"+userID+"' "+
			"AND EntityDefinition.QualifiedApiName = 'Account'"),
		query(refRecords, "SELECT Id FROM Account LIMIT 1"),
		{"GET", base + "/sobjects/Account/describe", refDescribe},
	}}
}

func (s *restSession) composite(ctx context.Context, version string) (*compositeAnswer, error) {
	if !validID(s.userID) {
		msg := fmt.Sprintf("the login answer named no valid user ID (%q)", s.userID)
		return nil, &apiError{Message: msg}
	}
	body, err := json.Marshal(compositeBody(version, s.userID))
	if err != nil {
		return nil, err
	}

	endpoint := s.instanceURL + "/services/data/v" + version + "/composite"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, &apiError{Unreachable: true, Message: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")

	var resp struct {
		CompositeResponse []subresponse `json:"compositeResponse"`
	}
	if err := s.do(req, &resp); err != nil {
		return nil, err
	}
	return &compositeAnswer{version: version, subs: bySubReference(resp.CompositeResponse)}, nil
}

func bySubReference(subs []subresponse) map[string]subresponse {
	m := make(map[string]subresponse, len(subs))
	for _, s := range subs {
		m[s.ReferenceID] = s
	}
	return m
}

// highestVersion asks which API versions the instance serves and picks the
// highest. The list needs no access token, so none is sent.
func (s *restSession) highestVersion(ctx context.Context) (string, error) {
	endpoint := s.instanceURL + "/services/data/"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return "", &apiError{Unreachable: true, Message: err.Error()}
	}
	var versions []struct {
		Version string `json:"version"`
	}
	if err := s.do(req, &versions); err != nil {
		return "", err
	}

	best, bestNum := "", 0.0
	for _, v := range versions {
		if n, err := strconv.ParseFloat(v.Version, 64); err == nil && n > bestNum {
			best, bestNum = v.Version, n
		}
	}
	if best == "" {
		return "", &apiError{Unreachable: true, Message: "the instance listed no REST API versions"}
	}
	return best, nil
}

// do sends req and decodes a 2xx JSON answer into v; anything else becomes an
// *apiError.
func (s *restSession) do(req *http.Request, v any) error {
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return &apiError{Unreachable: true, Message: describeNetError(err)}
	}
	defer resp.Body.Close()

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxRESTBody))
	if err != nil {
		return &apiError{Unreachable: true, Message: "reading the answer: " + describeNetError(err)}
	}
	if resp.StatusCode/100 != 2 {
		return answerError(resp, data)
	}
	if !isJSON(resp) || json.Unmarshal(data, v) != nil {
		return &apiError{Status: resp.StatusCode, Unreachable: true,
			Message: fmt.Sprintf("%s answered HTTP %d with something that is not the REST API's JSON",
				req.URL.Redacted(), resp.StatusCode)}
	}
	return nil
}

// answerError turns a non-2xx answer into an *apiError: 5xx and non-JSON
// answers (an HTML error page from a proxy or a maintenance page) count as
// Salesforce not being reachable; the rest carry Salesforce's error code.
func answerError(resp *http.Response, data []byte) *apiError {
	e := &apiError{Status: resp.StatusCode}
	if resp.StatusCode >= 500 || !isJSON(resp) {
		e.Unreachable = true
		e.Message = fmt.Sprintf("%s answered HTTP %d (%s)", resp.Request.URL.Redacted(),
			resp.StatusCode, contentKind(resp))
		return e
	}
	if first, ok := firstRESTError(data); ok {
		e.Code, e.Message = first.ErrorCode, first.Message
		return e
	}
	e.Message = fmt.Sprintf("HTTP %d", resp.StatusCode)
	return e
}

type restError struct {
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode"`
}

// firstRESTError reads Salesforce's error array (salesforce.md §5.6).
func firstRESTError(data []byte) (restError, bool) {
	var list []restError
	if json.Unmarshal(data, &list) != nil || len(list) == 0 {
		return restError{}, false
	}
	return list[0], true
}

func isJSON(resp *http.Response) bool {
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func contentKind(resp *http.Response) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case mt == "text/html":
		return "an HTML page"
	case mt == "":
		return "no content type"
	}
	return mt
}

// describeNetError says what went wrong on the network without repeating the
// URL's query, which could be long.
func describeNetError(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if uerr.Timeout() {
			return fmt.Sprintf("no answer from %s before the timeout", hostOf(uerr.URL))
		}
		return fmt.Sprintf("%s: %v", hostOf(uerr.URL), uerr.Err)
	}
	return err.Error()
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	return raw
}

// apiError is a REST call that did not give the answer asked for.
type apiError struct {
	Status      int    // HTTP status, 0 when there was no answer
	Code        string // Salesforce's errorCode, "" when the answer had none
	Message     string
	Unreachable bool // network failure, timeout, 5xx or a non-JSON answer
}

func (e *apiError) Error() string {
	if e.Code != "" {
		return e.Code + ": " + lastLine(e.Message)
	}
	return lastLine(e.Message)
}

// brief is the error code alone when there is one.
func (e *apiError) brief() string {
	if e.Code != "" {
		return e.Code
	}
	return e.Error()
}

// lastLine keeps the last non-empty line of a message: Salesforce's query
// errors start with the query and a caret under the fault, and end with what
// is wrong.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// versionNotServed reports the answer to a version the instance does not
// serve: 404 NOT_FOUND for the whole composite resource.
func versionNotServed(err error) bool {
	var e *apiError
	return errors.As(err, &e) && e.Status == http.StatusNotFound && !e.Unreachable
}

// validID reports whether id looks like a Salesforce record ID (15 or 18
// letters and digits), so that it can be put into SOQL as it is.
func validID(id string) bool {
	if len(id) != 15 && len(id) != 18 {
		return false
	}
	for _, r := range id {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// subresponse is one answer inside the composite response.
type subresponse struct {
	Body           json.RawMessage `json:"body"`
	HTTPStatusCode int             `json:"httpStatusCode"`
	ReferenceID    string          `json:"referenceId"`
}

// err is the subresponse's error, or nil when it succeeded.
func (s subresponse) err() *apiError {
	if s.HTTPStatusCode/100 == 2 {
		return nil
	}
	if s.HTTPStatusCode == 0 {
		return &apiError{Message: "no answer in the composite response"}
	}
	e := &apiError{Status: s.HTTPStatusCode, Message: fmt.Sprintf("HTTP %d", s.HTTPStatusCode)}
	if first, ok := firstRESTError(s.Body); ok {
		e.Code, e.Message = first.ErrorCode, first.Message
	}
	return e
}

// queryResult is the part of a query answer the checks read.
type queryResult struct {
	TotalSize int               `json:"totalSize"`
	Records   []json.RawMessage `json:"records"`
}

// firstRecord decodes the first record of a successful query subresponse
// into v; ok is false when the query failed or found nothing.
func (s subresponse) firstRecord(v any) (ok bool, err error) {
	var q queryResult
	if s.err() != nil {
		return false, s.err()
	}
	if err := json.Unmarshal(s.Body, &q); err != nil {
		return false, fmt.Errorf("%s: unreadable answer: %w", s.ReferenceID, err)
	}
	if len(q.Records) == 0 {
		return false, nil
	}
	return true, json.Unmarshal(q.Records[0], v)
}
