package sfsim

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The small SOQL subset the simulator understands:
//
//	SELECT field, ... FROM object
//	  [WHERE cond AND cond ...] [ORDER BY field [ASC|DESC], ...] [LIMIT n]
//	cond: field = literal | field IN (literal, ...) | field IN (SELECT ...)
//
// which covers every query shape of reference §5.5. Anything else is a query
// the simulator cannot run, answered as Salesforce answers one.

// soqlQuery is a parsed query.
type soqlQuery struct {
	text   string
	fields []soqlToken
	object soqlToken
	where  []soqlCond
	limit  int // -1 without LIMIT
}

// soqlCond is one condition of the WHERE clause.
type soqlCond struct {
	field  soqlToken
	values []soqlToken // for = (one value) and IN (a list)
	sub    *soqlQuery  // for IN (SELECT ...)
}

// soqlToken is one token with its offset in the query text.
type soqlToken struct {
	text string
	kind byte // 'i' identifier, 's' string, 'n' number, 'p' punctuation
	pos  int
}

// soqlError is a query the simulator refuses: an errorCode, the offset it
// points at, and the text after the position excerpt.
type soqlError struct {
	code string
	pos  int
	text string
}

// parseSOQL parses q, or returns a MALFORMED_QUERY error.
func parseSOQL(q string) (*soqlQuery, *soqlError) {
	toks, err := lexSOQL(q)
	if err != nil {
		return nil, err
	}
	p := &soqlParser{text: q, toks: toks}
	query, err := p.query()
	if err != nil {
		return nil, err
	}
	if !p.atEnd() {
		return nil, p.unexpected()
	}
	return query, nil
}

// lexSOQL splits a query into tokens. It reads runes, so a character
// outside ASCII is one token, quoted whole in the error message.
func lexSOQL(q string) ([]soqlToken, *soqlError) {
	var toks []soqlToken
	for i := 0; i < len(q); {
		c, size := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(c):
			i += size
		case c == '\'':
			end, text, ok := lexString(q, i)
			if !ok {
				return nil, &soqlError{"MALFORMED_QUERY", i, "unterminated string literal"}
			}
			toks = append(toks, soqlToken{text, 's', i})
			i = end
		case isIdentByte(q[i]):
			toks = append(toks, lexWord(q, i))
			i += len(toks[len(toks)-1].text)
		default:
			toks = append(toks, soqlToken{q[i : i+size], 'p', i})
			i += size
		}
	}
	return toks, nil
}

// lexWord reads an identifier, a dotted field path or a number starting at
// q[start].
func lexWord(q string, start int) soqlToken {
	end := start
	for end < len(q) && isIdentByte(q[end]) {
		end++
	}
	kind := byte('i')
	if _, err := strconv.ParseFloat(q[start:end], 64); err == nil {
		kind = 'n'
	}
	return soqlToken{q[start:end], kind, start}
}

// lexString reads a quoted string literal starting at q[start], with
// backslash escapes, returning the offset after it and its value.
func lexString(q string, start int) (int, string, bool) {
	var b strings.Builder
	for i := start + 1; i < len(q); i++ {
		switch q[i] {
		case '\\':
			if i+1 < len(q) {
				i++
				b.WriteByte(q[i])
			}
		case '\'':
			return i + 1, b.String(), true
		default:
			b.WriteByte(q[i])
		}
	}
	return 0, "", false
}

// isIdentByte reports a byte of an identifier, a dotted field path or a
// number.
func isIdentByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' ||
		c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// soqlParser walks the tokens.
type soqlParser struct {
	text string
	toks []soqlToken
	i    int
}

func (p *soqlParser) atEnd() bool { return p.i >= len(p.toks) }

func (p *soqlParser) peek() soqlToken {
	if p.atEnd() {
		return soqlToken{text: "<EOF>", pos: len(p.text)}
	}
	return p.toks[p.i]
}

// is reports whether the next token is the keyword or punctuation want.
func (p *soqlParser) is(want string) bool {
	return !p.atEnd() && strings.EqualFold(p.toks[p.i].text, want)
}

// expect consumes the keyword or punctuation want.
func (p *soqlParser) expect(want string) *soqlError {
	if !p.is(want) {
		return p.unexpected()
	}
	p.i++
	return nil
}

// unexpected is Salesforce's complaint about the next token.
func (p *soqlParser) unexpected() *soqlError {
	t := p.peek()
	return &soqlError{"MALFORMED_QUERY", t.pos, fmt.Sprintf("unexpected token: %s", quoteToken(t))}
}

// quoteToken shows a token as Salesforce's parser does.
func quoteToken(t soqlToken) string {
	if t.text == "<EOF>" {
		return "'<EOF>'"
	}
	if t.kind == 's' {
		return "'" + t.text + "'"
	}
	return t.text
}

// ident consumes an identifier that is not a reserved word.
func (p *soqlParser) ident() (soqlToken, *soqlError) {
	t := p.peek()
	if p.atEnd() || t.kind != 'i' || isReserved(t.text) {
		return t, p.unexpected()
	}
	p.i++
	return t, nil
}

// isReserved reports the SOQL keywords the subset uses.
func isReserved(s string) bool {
	switch strings.ToUpper(s) {
	case "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIMIT", "ORDER", "BY", "GROUP",
		"ASC", "DESC":
		return true
	}
	return false
}

// query parses SELECT ... FROM ... [WHERE ...] [LIMIT n].
func (p *soqlParser) query() (*soqlQuery, *soqlError) {
	q := &soqlQuery{text: p.text, limit: -1}
	if err := p.expect("SELECT"); err != nil {
		return nil, err
	}
	fields, err := p.fieldList()
	if err != nil {
		return nil, err
	}
	q.fields = fields

	if err := p.expect("FROM"); err != nil {
		return nil, err
	}
	if q.object, err = p.ident(); err != nil {
		return nil, err
	}
	if q.where, err = p.whereClause(); err != nil {
		return nil, err
	}
	if err = p.orderClause(); err != nil {
		return nil, err
	}
	q.limit, err = p.limitClause()
	return q, err
}

// fieldList parses field, field, ...
func (p *soqlParser) fieldList() ([]soqlToken, *soqlError) {
	var fields []soqlToken
	for {
		f, err := p.ident()
		if err != nil {
			return nil, err
		}
		fields = append(fields, f)
		if !p.is(",") {
			return fields, nil
		}
		p.i++
	}
}

// whereClause parses WHERE cond AND cond ..., when present.
func (p *soqlParser) whereClause() ([]soqlCond, *soqlError) {
	if !p.is("WHERE") {
		return nil, nil
	}
	p.i++
	var conds []soqlCond
	for {
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
		if !p.is("AND") {
			return conds, nil
		}
		p.i++
	}
}

// condition parses field = literal, field IN (literals) or
// field IN (SELECT ...).
func (p *soqlParser) condition() (soqlCond, *soqlError) {
	field, err := p.ident()
	if err != nil {
		return soqlCond{}, err
	}
	c := soqlCond{field: field}
	if p.is("=") {
		p.i++
		v, err := p.literal()
		c.values = []soqlToken{v}
		return c, err
	}
	if err := p.expect("IN"); err != nil {
		return c, err
	}
	if err := p.expect("("); err != nil {
		return c, err
	}
	if p.is("SELECT") {
		c.sub, err = p.query()
	} else {
		c.values, err = p.literalList()
	}
	if err != nil {
		return c, err
	}
	return c, p.expect(")")
}

// literalList parses literal, literal, ...
func (p *soqlParser) literalList() ([]soqlToken, *soqlError) {
	var values []soqlToken
	for {
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		values = append(values, v)
		if !p.is(",") {
			return values, nil
		}
		p.i++
	}
}

// literal parses a string, a number, true, false or null.
func (p *soqlParser) literal() (soqlToken, *soqlError) {
	t := p.peek()
	ok := t.kind == 's' || t.kind == 'n' ||
		t.kind == 'i' && (strings.EqualFold(t.text, "true") ||
			strings.EqualFold(t.text, "false") || strings.EqualFold(t.text, "null"))
	if p.atEnd() || !ok {
		return t, p.unexpected()
	}
	p.i++
	return t, nil
}

// orderClause parses ORDER BY field [ASC|DESC], ..., when present. The
// simulated objects have at most a few rows in a fixed order, so the
// ordering is accepted and not applied.
func (p *soqlParser) orderClause() *soqlError {
	if !p.is("ORDER") {
		return nil
	}
	p.i++
	if err := p.expect("BY"); err != nil {
		return err
	}
	for {
		if _, err := p.ident(); err != nil {
			return err
		}
		if p.is("ASC") || p.is("DESC") {
			p.i++
		}
		if !p.is(",") {
			return nil
		}
		p.i++
	}
}

// limitClause parses LIMIT n, when present.
func (p *soqlParser) limitClause() (int, *soqlError) {
	if !p.is("LIMIT") {
		return -1, nil
	}
	p.i++
	t := p.peek()
	n, err := strconv.Atoi(t.text)
	if p.atEnd() || t.kind != 'n' || err != nil || n < 0 {
		return 0, p.unexpected()
	}
	p.i++
	return n, nil
}

// message renders the error as Salesforce does: the query, a caret under
// the position, the row and column (counted in characters), then the
// complaint.
func (e *soqlError) message(query string) string {
	row, col := 1, 1
	lineStart := 0
	for i, c := range query[:min(e.pos, len(query))] {
		if c == '\n' {
			row, col, lineStart = row+1, 1, i+1
			continue
		}
		col++
	}
	line, _, _ := strings.Cut(query[lineStart:], "\n")
	return fmt.Sprintf("%s\n%s^\nERROR at Row:%d:Column:%d\n%s",
		line, strings.Repeat(" ", col-1), row, col, e.text)
}
