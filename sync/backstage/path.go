package backstage

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed entity path: a way into an entity document for the field mapping.
//
// The syntax is JavaScript-like:
//
//	metadata.name                                  object keys joined by dots
//	metadata.links[0].url                          [N] indexes an array from 0
//	metadata.annotations["github.com/project-slug"] ["..."] or ['...'] holds any key;
//	                                               \" \' and \\ escape inside the quotes
//	metadata.annotations.github.com/project-slug   dotted form of the same key
//
// A dotted name may stand for a key that itself holds dots: when an object has no key
// "github", the lookup tries "github.com", then "github.com/project-slug", joining the
// following dotted names one at a time. Keys match exactly, case included. A dotted name is any
// run of characters other than '.', '[' and ']'.
type Path struct {
	elems []pathElem
}

type pathElem struct {
	key    string
	index  int
	isIdx  bool
	dotted bool
}

// ParsePath parses an entity path. It fails with ErrInvalidPath for an empty path, an empty
// dotted name, an unclosed or empty bracket, or an index that is not a non-negative integer.
func ParsePath(s string) (Path, error) {
	var p Path
	for i := 0; i < len(s); {
		switch {
		case s[i] == '[':
			el, n, err := parseBracket(s[i:])
			if err != nil {
				return Path{}, fmt.Errorf("parsing path %q at %d: %w", s, i, err)
			}
			p.elems = append(p.elems, el)
			i += n
		case s[i] == '.' && len(p.elems) > 0:
			n := dottedLen(s[i+1:])
			if n == 0 {
				return Path{}, fmt.Errorf("parsing path %q at %d: %w: empty name", s, i, ErrInvalidPath)
			}
			p.elems = append(p.elems, pathElem{key: s[i+1 : i+1+n], dotted: true})
			i += 1 + n
		case len(p.elems) == 0:
			n := dottedLen(s)
			if n == 0 {
				return Path{}, fmt.Errorf("parsing path %q: %w: must start with a name", s, ErrInvalidPath)
			}
			p.elems = append(p.elems, pathElem{key: s[:n], dotted: true})
			i += n
		default:
			return Path{}, fmt.Errorf("parsing path %q at %d: %w: unexpected %q", s, i, ErrInvalidPath, s[i])
		}
	}
	if len(p.elems) == 0 {
		return Path{}, fmt.Errorf("parsing path: %w: empty", ErrInvalidPath)
	}
	return p, nil
}

func dottedLen(s string) int {
	n := strings.IndexAny(s, ".[]")
	if n < 0 {
		return len(s)
	}
	return n
}

// parseBracket parses one [...] at the start of s and returns it with its length.
func parseBracket(s string) (pathElem, int, error) {
	if len(s) > 1 && (s[1] == '"' || s[1] == '\'') {
		return parseQuoted(s)
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return pathElem{}, 0, fmt.Errorf("%w: unclosed [", ErrInvalidPath)
	}
	idx, err := strconv.Atoi(s[1:end])
	if err != nil || strings.Trim(s[1:end], "0123456789") != "" {
		return pathElem{}, 0, fmt.Errorf("%w: index %q", ErrInvalidPath, s[1:end])
	}
	return pathElem{index: idx, isIdx: true}, end + 1, nil
}

func parseQuoted(s string) (pathElem, int, error) {
	quote := s[1]
	var key strings.Builder
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			key.WriteByte(s[i])
		case c == quote:
			if i+1 >= len(s) || s[i+1] != ']' {
				return pathElem{}, 0, fmt.Errorf("%w: expected ] after closing quote", ErrInvalidPath)
			}
			return pathElem{key: key.String()}, i + 2, nil
		default:
			key.WriteByte(c)
		}
	}
	return pathElem{}, 0, fmt.Errorf("%w: unclosed quote", ErrInvalidPath)
}

// String returns the path in canonical form: dotted names where the key allows it, quoted
// brackets otherwise.
func (p Path) String() string {
	var b strings.Builder
	for i, el := range p.elems {
		switch {
		case el.isIdx:
			b.WriteString("[" + strconv.Itoa(el.index) + "]")
		case el.key != "" && dottedLen(el.key) == len(el.key):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(el.key)
		default:
			r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
			b.WriteString(`["` + r.Replace(el.key) + `"]`)
		}
	}
	return b.String()
}

// Lookup returns the value at the path inside doc, and false when the path leads nowhere.
func (p Path) Lookup(doc map[string]any) (any, bool) {
	if len(p.elems) == 0 {
		return nil, false
	}
	return walk(doc, p.elems)
}

func walk(v any, elems []pathElem) (any, bool) {
	if len(elems) == 0 {
		return v, true
	}
	el := elems[0]

	if el.isIdx {
		arr, _ := v.([]any)
		if el.index >= len(arr) {
			return nil, false
		}
		return walk(arr[el.index], elems[1:])
	}

	m, _ := v.(map[string]any)
	if m == nil {
		return nil, false
	}
	if next, ok := m[el.key]; ok {
		if got, ok := walk(next, elems[1:]); ok {
			return got, true
		}
	}
	if !el.dotted {
		return nil, false
	}
	// A key such as "github.com/project-slug" was split at its dots: join the following
	// dotted names one at a time.
	key := el.key
	for j := 1; j < len(elems) && elems[j].dotted; j++ {
		key += "." + elems[j].key
		if next, ok := m[key]; ok {
			if got, ok := walk(next, elems[j+1:]); ok {
				return got, true
			}
		}
	}
	return nil, false
}
