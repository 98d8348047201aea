package sfsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Salesforce's complaints about objects and fields (reference §5.5).
const (
	invalidTypeText  = "sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
	invalidFieldText = "No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
	// entityFilterText is the refusal of a UserEntityAccess query without
	// both filters; the exact wording is not in the sources.
	entityFilterText = "Implementation restriction: UserEntityAccess requires a filter by UserId and EntityDefinitionId, EntityDefinition.QualifiedApiName or DurableId"
)

// row is one record of a simulated object: field path to value.
type row map[string]any

// table is a simulated sObject: its fields, in canonical spelling, and the
// relationship fields' target types.
type table struct {
	name      string
	fields    []string
	relations map[string]string // relationship name -> (type, id field)
	relIDs    map[string]string
	rows      func(c *call) []row
}

// tables are the objects the simulator can query.
var tables = map[string]*table{}

func init() {
	for _, t := range []*table{
		accountTable, userTable, organizationTable, userPermissionAccessTable,
		userEntityAccessTable, permissionSetAssignmentTable, objectPermissionsTable,
	} {
		tables[strings.ToLower(t.name)] = t
	}
}

// queryResult is Salesforce's query answer (reference §5.6).
type queryResult struct {
	TotalSize int      `json:"totalSize"`
	Done      bool     `json:"done"`
	Records   []record `json:"records"`
}

// query answers query?q=... and queryAll?q=...
func (c *call) query(r *http.Request) (int, any) {
	q := r.URL.Query().Get("q")
	if strings.TrimSpace(q) == "" {
		return 0, apiError{http.StatusBadRequest,
			restError{Message: "A query string has to be specified", ErrorCode: "MALFORMED_QUERY"}}
	}
	parsed, serr := parseSOQL(q)
	if serr == nil {
		var res *queryResult
		if res, serr = c.run(parsed); serr == nil {
			return http.StatusOK, res
		}
	}
	return 0, apiError{http.StatusBadRequest,
		restError{Message: serr.message(q), ErrorCode: serr.code}}
}

// run evaluates a parsed query against the simulated org.
func (c *call) run(q *soqlQuery) (*queryResult, *soqlError) {
	t, fields, rows, err := c.selectRows(q)
	if err != nil {
		return nil, err
	}
	res := &queryResult{TotalSize: len(rows), Done: true, Records: []record{}}
	for _, rw := range rows {
		res.Records = append(res.Records, c.project(t, fields, rw))
	}
	return res, nil
}

// selectRows finds the queried object, the selected fields and the rows
// that match the WHERE clause and LIMIT.
func (c *call) selectRows(q *soqlQuery) (*table, []string, []row, *soqlError) {
	t, fields, err := c.resolve(q)
	if err != nil {
		return nil, nil, nil, err
	}
	rows, err := c.filter(t, q)
	if err != nil {
		return nil, nil, nil, err
	}
	if q.limit >= 0 && len(rows) > q.limit {
		rows = rows[:q.limit]
	}
	return t, fields, rows, nil
}

// resolve finds the queried object and the canonical names of the selected
// fields, refusing objects the user cannot see and unknown fields.
func (c *call) resolve(q *soqlQuery) (*table, []string, *soqlError) {
	t := tables[strings.ToLower(q.object.text)]
	if t == nil || (t == accountTable && !c.ss.user.AccountRead) {
		text := fmt.Sprintf(invalidTypeText, q.object.text)
		return nil, nil, &soqlError{"INVALID_TYPE", q.object.pos, text}
	}
	var fields []string
	for _, f := range q.fields {
		name, err := t.field(f)
		if err != nil {
			return nil, nil, err
		}
		fields = append(fields, name)
	}
	return t, fields, nil
}

// field returns the canonical spelling of a field path, or INVALID_FIELD.
func (t *table) field(tok soqlToken) (string, *soqlError) {
	for _, f := range t.fields {
		if strings.EqualFold(f, tok.text) {
			return f, nil
		}
	}
	return "", &soqlError{"INVALID_FIELD", tok.pos, fmt.Sprintf(invalidFieldText, tok.text, t.name)}
}

// filter keeps the rows matching every WHERE condition.
func (c *call) filter(t *table, q *soqlQuery) ([]row, *soqlError) {
	if t == userEntityAccessTable && !hasEntityFilters(q) {
		return nil, &soqlError{"MALFORMED_QUERY", q.object.pos, entityFilterText}
	}
	rows := t.rows(c)
	for _, cond := range q.where {
		field, err := t.field(cond.field)
		if err != nil {
			return nil, err
		}
		values, err := c.condValues(cond)
		if err != nil {
			return nil, err
		}
		rows = slices.DeleteFunc(rows, func(rw row) bool {
			return !slices.ContainsFunc(values, func(v any) bool {
				return sameValue(field, rw[field], v)
			})
		})
	}
	return rows, nil
}

// hasEntityFilters reports a UserEntityAccess query filtering on both the
// user and the entity, as that object requires (reference §5.5 item 4).
func hasEntityFilters(q *soqlQuery) bool {
	var user, entity bool
	for _, c := range q.where {
		switch strings.ToLower(c.field.text) {
		case "userid":
			user = true
		case "entitydefinitionid", "entitydefinition.qualifiedapiname", "durableid":
			entity = true
		}
	}
	return user && entity
}

// condValues are the values a condition accepts: its literals, or the
// single selected field of its subquery's rows.
func (c *call) condValues(cond soqlCond) ([]any, *soqlError) {
	if cond.sub == nil {
		var values []any
		for _, v := range cond.values {
			values = append(values, literalValue(v))
		}
		return values, nil
	}
	if len(cond.sub.fields) != 1 {
		return nil, &soqlError{"MALFORMED_QUERY", cond.sub.fields[1].pos,
			"Subquery in an IN clause must select exactly one field"}
	}
	_, fields, rows, err := c.selectRows(cond.sub)
	if err != nil {
		return nil, err
	}
	var values []any
	for _, rw := range rows {
		values = append(values, rw[fields[0]])
	}
	return values, nil
}

// literalValue is the Go value of a SOQL literal.
func literalValue(t soqlToken) any {
	switch {
	case t.kind == 's':
		return t.text
	case strings.EqualFold(t.text, "true"):
		return true
	case strings.EqualFold(t.text, "false"):
		return false
	case strings.EqualFold(t.text, "null"):
		return nil
	}
	return t.text
}

// sameValue compares a field's value with a literal: IDs by their
// case-sensitive 15-character form (a 15- and an 18-character ID are the same
// record), other strings ignoring case.
func sameValue(field string, have, want any) bool {
	hs, hok := have.(string)
	ws, wok := want.(string)
	if !hok || !wok {
		return have == want
	}
	if isIDField(field) && len(hs) >= 15 && len(ws) >= 15 && (len(ws) == 15 || len(ws) == 18) {
		return hs[:15] == ws[:15]
	}
	return strings.EqualFold(hs, ws)
}

// isIDField reports a field holding record IDs.
func isIDField(field string) bool {
	return strings.HasSuffix(field, "Id") && field != "EntityDefinitionId"
}

// record is one record of a query answer, its fields in the selected order
// after the attributes, as Salesforce writes them.
type record []field

// field is one name and value of a record.
type field struct {
	name  string
	value any
}

// MarshalJSON writes the record as an object in field order.
func (r record) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(f.name)
		value, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// project builds the answer record of a row: attributes, then each
// selected field, relationship fields nested under their relationship.
func (c *call) project(t *table, fields []string, rw row) record {
	rec := record{{"attributes", c.attributes(t.name, rw["Id"])}}
	for _, f := range fields {
		rel, sub, nested := strings.Cut(f, ".")
		if !nested {
			rec = append(rec, field{f, rw[f]})
			continue
		}
		rec = c.addNested(rec, t, rel, field{sub, rw[f]}, rw)
	}
	return rec
}

// addNested adds a relationship field, creating the related record the
// first time.
func (c *call) addNested(rec record, t *table, rel string, f field, rw row) record {
	for i := range rec {
		if rec[i].name == rel {
			rec[i].value = append(rec[i].value.(record), f)
			return rec
		}
	}
	attrs := c.attributes(t.relations[rel], rw[t.relIDs[rel]])
	return append(rec, field{rel, record{{"attributes", attrs}, f}})
}

// attributes is a record's type and, when it has an ID, its URL.
func (c *call) attributes(typ string, id any) record {
	attrs := record{{"type", typ}}
	if s, ok := id.(string); ok && s != "" {
		url := fmt.Sprintf("/services/data/v%d.0/sobjects/%s/%s", c.version, typ, s)
		attrs = append(attrs, field{"url", url})
	}
	return attrs
}
