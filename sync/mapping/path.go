package mapping

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed location inside an entity document.
//
// The syntax is a dotted list of keys, where a key made of letters, digits, '_' and '-' may be
// written bare and any other key is written in brackets with double or single quotes, and a
// list element is picked with a bracketed index:
//
//	metadata.name
//	metadata.annotations["github.com/project-slug"]
//	metadata.labels['acme.io/tier']
//	metadata.links[0].url
//
// Inside quotes a backslash escapes the next character.
type Path struct {
	raw  string
	segs []segment
}

type segment struct {
	key   string
	index int
	isIdx bool
}

// ParsePath parses s. It returns an error wrapping ErrInvalidPath that names the offset of the
// first problem.
func ParsePath(s string) (Path, error) {
	p := pathParser{s: s}

	segs, err := p.parse()
	if err != nil {
		return Path{}, fmt.Errorf("%w %q: %s at offset %d", ErrInvalidPath, s, err.Error(), p.pos)
	}

	return Path{raw: s, segs: segs}, nil
}

// MustParsePath is ParsePath for paths written in code; it panics on a bad path.
func MustParsePath(s string) Path {
	p, err := ParsePath(s)
	if err != nil {
		panic(err)
	}

	return p
}

// String returns the path in canonical form: bare keys where possible, double quotes elsewhere.
func (p Path) String() string {
	var b strings.Builder
	for i, seg := range p.segs {
		switch {
		case seg.isIdx:
			b.WriteString("[" + strconv.Itoa(seg.index) + "]")
		case isBareKey(seg.key):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(seg.key)
		default:
			b.WriteString(`["` + escapeKey(seg.key) + `"]`)
		}
	}

	return b.String()
}

// IsZero reports whether p is the zero Path, which finds nothing.
func (p Path) IsZero() bool {
	return len(p.segs) == 0
}

// Lookup returns the value at p in doc and whether it exists. A JSON null counts as missing.
func (p Path) Lookup(doc map[string]any) (any, bool) {
	if len(p.segs) == 0 {
		return nil, false
	}

	var cur any = doc
	for _, seg := range p.segs {
		switch node := cur.(type) {
		case map[string]any:
			if seg.isIdx {
				return nil, false
			}
			cur = node[seg.key]
		case []any:
			if !seg.isIdx || seg.index >= len(node) {
				return nil, false
			}
			cur = node[seg.index]
		default:
			return nil, false
		}
	}

	return cur, cur != nil
}

type pathParser struct {
	s   string
	pos int
}

// parseError is a syntax problem; ParsePath adds the path and offset.
type parseError string

// Error returns the message.
func (e parseError) Error() string { return string(e) }

func (p *pathParser) parse() ([]segment, error) {
	if p.s == "" {
		return nil, parseError("empty path")
	}

	var segs []segment
	for p.pos < len(p.s) {
		seg, err := p.next(len(segs) == 0)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}

	return segs, nil
}

// next reads one segment: a bare key (after a dot unless it is the first) or a bracket.
func (p *pathParser) next(first bool) (segment, error) {
	if p.s[p.pos] == '[' {
		return p.bracket()
	}

	if !first {
		if p.s[p.pos] != '.' {
			return segment{}, parseError("expected '.' or '['")
		}
		p.pos++
	}

	start := p.pos
	for p.pos < len(p.s) && isBareByte(p.s[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		return segment{}, parseError("expected a key")
	}

	return segment{key: p.s[start:p.pos]}, nil
}

func (p *pathParser) bracket() (segment, error) {
	p.pos++ // '['
	if p.pos >= len(p.s) {
		return segment{}, parseError("unterminated bracket")
	}

	var seg segment
	var err error
	if q := p.s[p.pos]; q == '"' || q == '\'' {
		seg.key, err = p.quoted(q)
	} else {
		seg.index, err = p.index()
		seg.isIdx = true
	}
	if err != nil {
		return segment{}, err
	}

	if p.pos >= len(p.s) || p.s[p.pos] != ']' {
		return segment{}, parseError("expected ']'")
	}
	p.pos++

	return seg, nil
}

func (p *pathParser) quoted(q byte) (string, error) {
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\' && p.pos+1 < len(p.s):
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}

	return "", parseError("unterminated quote")
}

func (p *pathParser) index() (int, error) {
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == start {
		return 0, parseError("expected a quoted key or an index")
	}

	n, err := strconv.Atoi(p.s[start:p.pos])
	if err != nil || n > 1<<20 {
		return 0, parseError("index too large")
	}

	return n, nil
}

func isBareByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBareByte(s[i]) {
			return false
		}
	}

	return true
}

func escapeKey(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
