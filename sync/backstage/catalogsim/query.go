package catalogsim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// filter is one filter parameter: every condition must hold.
type filter []condition

// condition holds when the entity has a value at key equal (ignoring case) to one of values,
// or, with no values, when it has any value at key.
type condition struct {
	key    string
	values []string
}

// parseFilters reads filter parameters the catalog's way: commas inside one filter are AND,
// separate filters are OR, and a key repeated inside one filter is OR.
func parseFilters(raw []string) ([]filter, error) {
	var out []filter
	for _, text := range raw {
		var f filter
		for _, part := range strings.Split(text, ",") {
			key, value, hasValue := strings.Cut(part, "=")
			key = strings.ToLower(strings.TrimSpace(key))
			if key == "" {
				return nil, fmt.Errorf("invalid filter %q", text)
			}
			i := slices.IndexFunc(f, func(c condition) bool { return c.key == key })
			if i < 0 {
				f = append(f, condition{key: key})
				i = len(f) - 1
			}
			if hasValue {
				f[i].values = append(f[i].values, strings.ToLower(strings.TrimSpace(value)))
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// entityView reads one stored entity for matching and projection, decoding the document only
// when a field outside the record's own is needed.
type entityView struct {
	rec *record
	doc map[string]any
}

func (v *entityView) document() map[string]any {
	if v.doc == nil {
		_ = json.Unmarshal(v.rec.body, &v.doc)
	}
	return v.doc
}

// fastValue returns the fields the record holds without decoding; lowered keys for filters.
func fastValue(rec *record, key string) (string, bool) {
	switch key {
	case "kind":
		return rec.kind, true
	case "apiVersion", "apiversion":
		return rec.apiVersion, true
	case "metadata.name":
		return rec.name, true
	case "metadata.namespace":
		return rec.namespace, true
	case "metadata.uid":
		return rec.uid, true
	case "metadata.etag":
		return rec.etag, true
	}
	return "", false
}

func matchesAny(filters []filter, v *entityView) bool {
	if len(filters) == 0 {
		return true
	}
	return slices.ContainsFunc(filters, func(f filter) bool { return f.matches(v) })
}

func (f filter) matches(v *entityView) bool {
	for _, c := range f {
		var have []string
		if s, ok := fastValue(v.rec, c.key); ok {
			if s != "" {
				have = []string{s}
			}
		} else {
			have = searchValues(v.document(), c.key)
		}
		if !c.holds(have) {
			return false
		}
	}
	return true
}

// holds reports whether the values an entity has at the condition's key satisfy it.
func (c condition) holds(have []string) bool {
	if len(c.values) == 0 {
		return len(have) > 0
	}
	for _, want := range c.values {
		for _, h := range have {
			if strings.EqualFold(h, want) {
				return true
			}
		}
	}
	return false
}

// searchValues returns the lower-cased values at a lower-cased dotted key, as the catalog's
// search table holds them: keys match ignoring case and may contain dots, arrays are
// flattened, and relations.<type> lists the targets of that relation type.
func searchValues(doc map[string]any, key string) []string {
	var out []string
	if typ, ok := strings.CutPrefix(key, "relations."); ok {
		rels, _ := doc["relations"].([]any)
		for _, r := range rels {
			m, _ := r.(map[string]any)
			if t, _ := m["type"].(string); strings.ToLower(t) == typ {
				target, _ := m["targetRef"].(string)
				out = append(out, strings.ToLower(target))
			}
		}
		return out
	}
	collect(doc, key, &out)
	return out
}

func collect(v any, rest string, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		if rest == "" {
			return
		}
		for k, child := range v {
			lk := strings.ToLower(k)
			if lk == rest {
				collect(child, "", out)
			} else if after, ok := strings.CutPrefix(rest, lk+"."); ok {
				collect(child, after, out)
			}
		}
	case []any:
		for _, el := range v {
			collect(el, rest, out)
		}
	case string:
		if rest == "" {
			*out = append(*out, strings.ToLower(v))
		}
	case float64, bool:
		if rest == "" {
			b, _ := json.Marshal(v)
			*out = append(*out, string(b))
		}
	}
}

// projection is a parsed fields parameter.
type projection struct {
	fields []string
	// fast is set when every field is one the record holds, so no document is decoded.
	fast bool
}

func parseFields(params []string) projection {
	var p projection
	for _, param := range params {
		for _, f := range strings.Split(param, ",") {
			if f = strings.TrimSpace(f); f != "" && !slices.Contains(p.fields, f) {
				p.fields = append(p.fields, f)
			}
		}
	}
	p.fast = len(p.fields) > 0 && !slices.ContainsFunc(p.fields, func(f string) bool {
		_, ok := fastValue(&record{}, f)
		return !ok || f == "apiversion"
	})
	return p
}

// appendEntity appends the entity, cut down to the projection's fields when it has any.
func (p projection) appendEntity(buf []byte, v *entityView) []byte {
	switch {
	case len(p.fields) == 0:
		return append(buf, v.rec.body...)
	case p.fast:
		return p.appendFast(buf, v.rec)
	}
	out := map[string]any{}
	for _, f := range p.fields {
		parts := strings.Split(f, ".")
		if val, ok := lookup(v.document(), parts); ok {
			place(out, parts, val)
		}
	}
	data, _ := json.Marshal(out)
	return append(buf, data...)
}

// appendFast writes record fields straight to JSON: top-level fields in the order asked, with
// the metadata fields together where the first one was asked.
func (p projection) appendFast(buf []byte, rec *record) []byte {
	buf = append(buf, '{')
	wroteMeta := false
	for _, f := range p.fields {
		if _, ok := strings.CutPrefix(f, "metadata."); ok {
			if wroteMeta {
				continue
			}
			wroteMeta = true
			buf = p.appendMetadata(comma(buf), rec)
			continue
		}
		val, _ := fastValue(rec, f)
		buf = appendString(append(appendString(comma(buf), f), ':'), val)
	}
	return append(buf, '}')
}

func (p projection) appendMetadata(buf []byte, rec *record) []byte {
	buf = append(buf, `"metadata":{`...)
	for _, f := range p.fields {
		if sub, ok := strings.CutPrefix(f, "metadata."); ok {
			val, _ := fastValue(rec, f)
			buf = appendString(append(appendString(comma(buf), sub), ':'), val)
		}
	}
	return append(buf, '}')
}

// comma appends a separator unless buf ends an opening brace.
func comma(buf []byte) []byte {
	if len(buf) > 0 && buf[len(buf)-1] != '{' && buf[len(buf)-1] != '[' {
		return append(buf, ',')
	}
	return buf
}

// appendString appends s as a JSON string.
func appendString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' {
			data, _ := json.Marshal(s)
			return append(buf, data...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}

func lookup(doc map[string]any, parts []string) (any, bool) {
	var v any = doc
	for _, part := range parts {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	return v, true
}

func place(out map[string]any, parts []string, val any) {
	for _, part := range parts[:len(parts)-1] {
		next, ok := out[part].(map[string]any)
		if !ok {
			next = map[string]any{}
			out[part] = next
		}
		out = next
	}
	out[parts[len(parts)-1]] = val
}

// cursor is the opaque paging state: the filters of the first page, the sort key of the last
// entity handed out, and the first page's total.
type cursor struct {
	Filter     []string  `json:"filter,omitempty"`
	After      [2]string `json:"orderFieldValues"`
	TotalItems int       `json:"totalItems"`
}

func (c cursor) encode() string {
	data, _ := json.Marshal(c)
	return base64.StdEncoding.EncodeToString(data)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(data, &c)
}

func parseLimit(s string) (int, error) {
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("limit %q is not a non-negative integer", s)
	}
	if n == 0 {
		return defaultLimit, nil
	}
	return n, nil
}

// defaultLimit is the page size when a listing gives none.
const defaultLimit = 200
