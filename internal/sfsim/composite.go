package sfsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Limits of the composite resources (reference §5.7).
const (
	maxSubrequests = 25
	maxQueries     = 5
)

// Composite refusals. The limits are documented; the exact wording of these
// messages is not in the sources.
var (
	errHalted = restError{ErrorCode: "PROCESSING_HALTED",
		Message: "The transaction was rolled back since another operation in the same transaction failed."}
	errBatchHalted = restError{ErrorCode: "BATCH_PROCESSING_HALTED",
		Message: "Batch processing halted per request"}
)

// compositeRequest is the body of POST composite.
type compositeRequest struct {
	AllOrNone bool           `json:"allOrNone"`
	Requests  []subrequestIn `json:"compositeRequest"`
}

// subrequestIn is one composite subrequest.
type subrequestIn struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        json.RawMessage   `json:"body,omitempty"`
	Headers     map[string]string `json:"httpHeaders,omitempty"`
}

// subresponse is one entry of compositeResponse.
type subresponse struct {
	Body        any               `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
	Status      int               `json:"httpStatusCode"`
	ReferenceID string            `json:"referenceId"`
}

// refIDPattern is what a referenceId may contain.
var refIDPattern = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// composite answers POST composite: each subrequest answered in order, its
// error embedded in its own entry; the call itself is 200.
func (c *call) composite(r *http.Request) (int, any) {
	var req compositeRequest
	if e := readJSONBody(r, &req); e != nil {
		return 0, *e
	}
	if e := checkComposite(req); e != nil {
		return 0, *e
	}

	out := make([]subresponse, 0, len(req.Requests))
	results := map[string]any{}
	for _, sub := range req.Requests {
		status, body := c.subrequest(sub, results)
		results[sub.ReferenceID] = body
		out = append(out, subresponse{body, map[string]string{}, status, sub.ReferenceID})
	}
	if req.AllOrNone {
		haltOthers(out)
	}
	return http.StatusOK, map[string]any{"compositeResponse": out}
}

// readJSONBody decodes a POST's JSON body.
func readJSONBody(r *http.Request, v any) *apiError {
	if r.Method != http.MethodPost {
		e := methodNotAllowed(r.Method)
		e.Message = fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are POST", r.Method)
		return &e
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		return &apiError{http.StatusBadRequest, restError{ErrorCode: "JSON_PARSER_ERROR",
			Message: "The request body is not valid JSON: " + err.Error()}}
	}
	return nil
}

// checkComposite enforces the composite limits and referenceId rules.
func checkComposite(req compositeRequest) *apiError {
	if len(req.Requests) == 0 {
		return invalidInput("The compositeRequest list must contain at least one subrequest")
	}
	if len(req.Requests) > maxSubrequests {
		return limitExceeded(fmt.Sprintf("A composite request may contain at most %d subrequests; this one has %d", maxSubrequests, len(req.Requests)))
	}
	queries, seen := 0, map[string]bool{}
	for _, sub := range req.Requests {
		if !refIDPattern.MatchString(sub.ReferenceID) {
			return invalidInput(fmt.Sprintf("Invalid referenceId %q: use only letters, numbers and underscores", sub.ReferenceID))
		}
		if seen[sub.ReferenceID] {
			return invalidInput("Duplicate referenceId provided in the request: " + sub.ReferenceID)
		}
		seen[sub.ReferenceID] = true
		if isQueryURL(sub.URL) {
			queries++
		}
	}
	if queries > maxQueries {
		return limitExceeded(fmt.Sprintf("A composite request may contain at most %d query operations; this one has %d", maxQueries, queries))
	}
	return nil
}

func invalidInput(msg string) *apiError {
	return &apiError{http.StatusBadRequest, restError{ErrorCode: "INVALID_INPUT", Message: msg}}
}

func limitExceeded(msg string) *apiError {
	return &apiError{http.StatusBadRequest, restError{ErrorCode: "LIMIT_EXCEEDED", Message: msg}}
}

// isQueryURL reports a Query or QueryAll subrequest.
func isQueryURL(u string) bool {
	path, _, _ := strings.Cut(u, "?")
	return strings.HasSuffix(path, "/query") || strings.HasSuffix(path, "/queryAll") ||
		strings.Contains(path, "/query/") || strings.Contains(path, "/queryAll/")
}

// subrequest answers one composite subrequest, after replacing its
// @{referenceId.path} references with earlier results.
func (c *call) subrequest(sub subrequestIn, results map[string]any) (int, any) {
	if h := forbiddenHeader(sub.Headers); h != "" {
		return errBody(invalidInput("The subrequest may not set the " + h + " header"))
	}
	u, e := resolveReferences(sub.URL, results)
	if e != nil {
		return errBody(e)
	}
	return c.dispatch(sub.Method, u)
}

// forbiddenHeader names a header a subrequest may not set.
func forbiddenHeader(h map[string]string) string {
	for name := range h {
		switch strings.ToLower(name) {
		case "accept", "authorization", "content-type":
			return name
		}
	}
	return ""
}

// errBody turns an apiError into a subrequest's status and body.
func errBody(e *apiError) (int, any) {
	return e.status, []restError{e.restError}
}

// referencePattern matches @{referenceId.path}.
var referencePattern = regexp.MustCompile(`@\{([A-Za-z0-9_]+)\.([^}]+)\}`)

// resolveReferences replaces references in a subrequest URL.
func resolveReferences(u string, results map[string]any) (string, *apiError) {
	var bad *apiError
	out := referencePattern.ReplaceAllStringFunc(u, func(m string) string {
		parts := referencePattern.FindStringSubmatch(m)
		v, ok := lookupPath(results[parts[1]], parts[2])
		if !ok && bad == nil {
			bad = &apiError{http.StatusBadRequest, restError{ErrorCode: "PROCESSING_HALTED",
				Message: fmt.Sprintf("Invalid reference specified. No value for %s.%s found in %s.", parts[1], parts[2], parts[1])}}
		}
		return fmt.Sprint(v)
	})
	return out, bad
}

// lookupPath follows a path like records[0].Id through a JSON-like value
// (after a JSON round trip, so records and structs read alike).
func lookupPath(v any, path string) (any, bool) {
	raw, err := json.Marshal(v)
	if err != nil || v == nil {
		return nil, false
	}
	var cur any
	_ = json.Unmarshal(raw, &cur)
	for _, step := range strings.Split(strings.ReplaceAll(path, "[", ".["), ".") {
		if step == "" {
			continue
		}
		var ok bool
		if cur, ok = stepInto(cur, step); !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

// stepInto takes one step of a reference path: a field name or [index].
func stepInto(cur any, step string) (any, bool) {
	if strings.HasPrefix(step, "[") && strings.HasSuffix(step, "]") {
		i, err := strconv.Atoi(step[1 : len(step)-1])
		list, ok := cur.([]any)
		if err != nil || !ok || i < 0 || i >= len(list) {
			return nil, false
		}
		return list[i], true
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := m[step]
	return v, ok
}

// haltOthers applies allOrNone: when any subrequest failed, every other one
// answers 400 PROCESSING_HALTED.
func haltOthers(out []subresponse) {
	failed := false
	for _, sr := range out {
		failed = failed || sr.Status >= 400
	}
	if !failed {
		return
	}
	for i := range out {
		if out[i].Status < 400 {
			out[i].Status, out[i].Body = http.StatusBadRequest, []restError{errHalted}
		}
	}
}

// dispatch answers a subrequest's method and URL, which must be a GET
// resource under /services/data/ and a served version.
func (c *call) dispatch(method, u string) (int, any) {
	r, err := http.NewRequest(method, "http://sfsim"+u, nil)
	if err != nil || !strings.HasPrefix(u, "/services/data/") {
		return errBody(&errNotFound)
	}
	version, resource, ok := c.s.splitDataPath(r.URL.Path)
	if !ok || strings.HasPrefix(resource, "composite") {
		return errBody(&errNotFound)
	}
	sub := &call{s: c.s, ss: c.ss, version: version, resource: resource}
	status, body := sub.get(r)
	if e, isErr := body.(apiError); isErr {
		return errBody(&e)
	}
	return status, body
}

// batchRequest is the body of POST composite/batch.
type batchRequest struct {
	HaltOnError bool `json:"haltOnError"`
	Requests    []struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"batchRequests"`
}

// batchResult is one entry of a batch answer.
type batchResult struct {
	StatusCode int `json:"statusCode"`
	Result     any `json:"result"`
}

// batch answers POST composite/batch: subrequest URLs are relative
// ("v67.0/..."); the absolute form is accepted too.
func (c *call) batch(r *http.Request) (int, any) {
	var req batchRequest
	if e := readJSONBody(r, &req); e != nil {
		return 0, *e
	}
	if len(req.Requests) == 0 || len(req.Requests) > maxSubrequests {
		return 0, *limitExceeded(fmt.Sprintf("A batch request must contain 1 to %d subrequests; this one has %d", maxSubrequests, len(req.Requests)))
	}

	results, hasErrors := make([]batchResult, 0, len(req.Requests)), false
	for _, sub := range req.Requests {
		if hasErrors && req.HaltOnError {
			halted := []restError{errBatchHalted}
			results = append(results, batchResult{http.StatusPreconditionFailed, halted})
			continue
		}
		u := "/services/data/" + strings.TrimPrefix(sub.URL, "/services/data/")
		status, body := c.dispatch(sub.Method, u)
		hasErrors = hasErrors || status >= 400
		results = append(results, batchResult{status, body})
	}
	return http.StatusOK, map[string]any{"hasErrors": hasErrors, "results": results}
}
