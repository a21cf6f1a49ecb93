// Package catalogsim is an in-process Backstage catalog: an http.Handler that serves the
// catalog REST API (by-query, by-refs, by-name, by-uid) in the shapes the real catalog answers,
// over entities held in memory. Tests, benchmarks and the app's demo mode use it in place of a
// Backstage backend.
//
// Like the real catalog it assigns each entity a metadata.uid that lives as long as the entity
// and a metadata.etag that changes exactly when the served entity changes, computes relations
// in both directions from the spec, and pages with an opaque keyset cursor that stays stable
// while entities change. It does not support orderField, full-text search or prevCursor.
package catalogsim

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

var (
	// ErrInvalidEntity is returned by Put for an entity without a kind or a metadata.name.
	ErrInvalidEntity = errors.New("invalid entity")
	// ErrInvalidRef is returned by Delete for a string that is not kind:[namespace/]name.
	ErrInvalidRef = errors.New("invalid entity ref")
)

// Options configures a Server.
type Options struct {
	// Token, when set, is the static token every API request must carry as
	// "Authorization: Bearer <token>"; others get 401 AuthenticationError.
	Token string
}

// Server is an in-memory catalog and the http.Handler that serves it. It is safe for
// concurrent use.
type Server struct {
	token string

	mu     sync.RWMutex
	byRef  map[string]*record
	byUID  map[string]*record
	sorted []*record
	// reverse holds, per target ref, the relations other entities' specs give it, once per
	// declaring spec entry.
	reverse map[string][]relation
	// dirty lists refs whose served document must be rebuilt; resort says sorted is stale.
	dirty  map[string]struct{}
	resort bool

	stats struct {
		requests, byQuery, byRefs, byName, rejected atomic.Int64
	}
}

// record is one stored entity. body is the served JSON, rebuilt as a whole (never changed in
// place) when the entity or its incoming relations change.
type record struct {
	ref        string
	apiVersion string
	kind       string
	namespace  string
	name       string
	sortKey    string
	uid        string
	etag       string
	body       []byte
	// pending is the entity as last put, kept only until it is stitched into body.
	pending map[string]any
	out     []relation
}

// relation is a relation of one entity to another, by lower-cased ref.
type relation struct {
	typ    string
	target string
}

// New returns an empty catalog.
func New(opts Options) *Server {
	return &Server{
		token:   opts.Token,
		byRef:   map[string]*record{},
		byUID:   map[string]*record{},
		reverse: map[string][]relation{},
		dirty:   map[string]struct{}{},
	}
}

// Put adds an entity or replaces the one with the same kind, namespace and name (compared
// case-insensitively). The server keeps its own copy; metadata.uid, metadata.etag and relations
// given in entity are ignored, as the catalog computes them. It fails with ErrInvalidEntity when
// kind or metadata.name is missing or entity does not encode as JSON.
func (s *Server) Put(entity map[string]any) error {
	doc, err := normalize(entity)
	if err != nil {
		return err
	}
	md := doc["metadata"].(map[string]any)
	kind, namespace, name := doc["kind"].(string), md["namespace"].(string), md["name"].(string)
	ref := refOf(kind, namespace, name)
	out := relationsOf(namespace, doc)

	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.byRef[ref]
	if rec == nil {
		rec = &record{ref: ref, uid: newUID()}
		s.byRef[ref] = rec
		s.byUID[rec.uid] = rec
		s.resort = true
	} else {
		s.unlink(rec)
	}
	if key := strings.ToLower(name); key != rec.sortKey {
		rec.sortKey, s.resort = key, true
	}
	rec.apiVersion, rec.kind, rec.namespace, rec.name = doc["apiVersion"].(string), kind, namespace, name
	rec.pending, rec.out = doc, out
	s.link(rec)
	s.dirty[ref] = struct{}{}
	return nil
}

// Delete removes the entity with ref kind:namespace/name (or kind:name in the default
// namespace), compared case-insensitively, and reports whether it existed. Relations other
// entities hold to it stay, dangling, as in the real catalog.
func (s *Server) Delete(ref string) (bool, error) {
	key, err := parseRef(ref)
	if err != nil {
		return false, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.byRef[key]
	if rec == nil {
		return false, nil
	}
	s.unlink(rec)
	delete(s.byRef, key)
	delete(s.byUID, rec.uid)
	delete(s.dirty, key)
	s.resort = true
	return true, nil
}

// Entities returns a copy of every entity as served (with uid, etag and relations), ordered
// by name as listings are.
func (s *Server) Entities() []map[string]any {
	s.rlock()
	defer s.mu.RUnlock()

	out := make([]map[string]any, 0, len(s.sorted))
	for _, rec := range s.sorted {
		var doc map[string]any
		if err := json.Unmarshal(rec.body, &doc); err == nil {
			out = append(out, doc)
		}
	}
	return out
}

// Len returns the number of entities.
func (s *Server) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byRef)
}

// Stats counts the requests the server answered.
type Stats struct {
	// Requests counts every HTTP request, answered or refused.
	Requests int64
	// ByQuery, ByRefs and ByName count successful answers of each endpoint (ByName includes
	// by-uid).
	ByQuery int64
	ByRefs  int64
	ByName  int64
	// Rejected counts requests refused for missing or wrong credentials.
	Rejected int64
}

// Stats returns the request counters.
func (s *Server) Stats() Stats {
	return Stats{
		Requests: s.stats.requests.Load(),
		ByQuery:  s.stats.byQuery.Load(),
		ByRefs:   s.stats.byRefs.Load(),
		ByName:   s.stats.byName.Load(),
		Rejected: s.stats.rejected.Load(),
	}
}

// normalize deep-copies entity through JSON and fills the defaults the catalog fills.
func normalize(entity map[string]any) (map[string]any, error) {
	data, err := json.Marshal(entity)
	if err != nil {
		return nil, fmt.Errorf("encoding entity: %w: %w", ErrInvalidEntity, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil || doc == nil {
		return nil, fmt.Errorf("decoding entity: %w", ErrInvalidEntity)
	}

	md, _ := doc["metadata"].(map[string]any)
	kind, _ := doc["kind"].(string)
	name, _ := md["name"].(string)
	if kind == "" || name == "" || strings.ContainsAny(kind+name, ":/") {
		return nil, fmt.Errorf("putting entity: %w: kind and metadata.name are required", ErrInvalidEntity)
	}
	if ns, _ := md["namespace"].(string); ns == "" {
		md["namespace"] = "default"
	}
	if v, _ := doc["apiVersion"].(string); v == "" {
		doc["apiVersion"] = "backstage.io/v1alpha1"
	}
	delete(md, "uid")
	delete(md, "etag")
	delete(doc, "relations")
	return doc, nil
}

func refOf(kind, namespace, name string) string {
	return strings.ToLower(kind + ":" + namespace + "/" + name)
}

// parseRef reads kind:namespace/name or kind:name into its lower-cased full form.
func parseRef(ref string) (string, error) {
	kind, rest, ok := strings.Cut(ref, ":")
	ns, name, hasNS := strings.Cut(rest, "/")
	if !hasNS {
		ns, name = "default", rest
	}
	if !ok || kind == "" || ns == "" || name == "" || strings.ContainsAny(name, ":/") {
		return "", fmt.Errorf("parsing %q: %w", ref, ErrInvalidRef)
	}
	return refOf(kind, ns, name), nil
}

func newUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// link records the reverse side of rec's relations and marks their targets for rebuilding.
func (s *Server) link(rec *record) {
	for _, r := range rec.out {
		s.reverse[r.target] = append(s.reverse[r.target], relation{typ: reverseOf[r.typ], target: rec.ref})
		s.dirty[r.target] = struct{}{}
	}
}

// unlink drops what link recorded for rec, one reverse entry per relation.
func (s *Server) unlink(rec *record) {
	for _, r := range rec.out {
		back := s.reverse[r.target]
		if i := slices.Index(back, relation{typ: reverseOf[r.typ], target: rec.ref}); i >= 0 {
			back = slices.Delete(back, i, i+1)
		}
		if len(back) == 0 {
			delete(s.reverse, r.target)
		} else {
			s.reverse[r.target] = back
		}
		s.dirty[r.target] = struct{}{}
	}
}

// rlock takes the read lock on a catalog whose served documents and order are up to date.
func (s *Server) rlock() {
	for {
		s.mu.RLock()
		if len(s.dirty) == 0 && !s.resort {
			return
		}
		s.mu.RUnlock()

		s.mu.Lock()
		s.flush()
		s.mu.Unlock()
	}
}

// flush rebuilds the documents of dirty entities and the listing order. The catalog stitches
// lazily, as the real one does, so a bulk load rebuilds each entity once.
func (s *Server) flush() {
	for ref := range s.dirty {
		if rec := s.byRef[ref]; rec != nil {
			s.stitch(rec)
		}
	}
	clear(s.dirty)

	if s.resort {
		s.sorted = s.sorted[:0]
		for _, rec := range s.byRef {
			s.sorted = append(s.sorted, rec)
		}
		slices.SortFunc(s.sorted, compareRecords)
		s.resort = false
	}
}

func compareRecords(a, b *record) int {
	if c := strings.Compare(a.sortKey, b.sortKey); c != 0 {
		return c
	}
	return strings.Compare(a.uid, b.uid)
}

// stitch builds rec's served document: the entity, its relations both ways, uid and etag. The
// etag is a digest of everything else, so it changes exactly when the document does.
func (s *Server) stitch(rec *record) {
	doc := rec.pending
	if doc == nil {
		if err := json.Unmarshal(rec.body, &doc); err != nil {
			return
		}
	}
	md := doc["metadata"].(map[string]any)
	delete(md, "uid")
	delete(md, "etag")
	doc["relations"] = s.relationsJSON(rec)

	plain, err := json.Marshal(doc)
	if err != nil {
		return
	}
	sum := sha1.Sum(plain)
	etag := hex.EncodeToString(sum[:])

	rec.etag, rec.body, rec.pending = etag, withIdentity(plain, rec.uid, etag), nil
}

// withIdentity adds uid and etag to the metadata of an encoded document. Marshal sorts keys,
// so the first `"metadata":{` follows only apiVersion and kind, plain strings in which an
// unescaped quote cannot occur.
func withIdentity(plain []byte, uid, etag string) []byte {
	const open = `"metadata":{`
	at := bytes.Index(plain, []byte(open)) + len(open)
	body := make([]byte, 0, len(plain)+len(uid)+len(etag)+20)
	body = append(body, plain[:at]...)
	body = fmt.Appendf(body, `"uid":%q,"etag":%q`, uid, etag)
	if plain[at] != '}' {
		body = append(body, ',')
	}
	return append(body, plain[at:]...)
}

func (s *Server) relationsJSON(rec *record) []any {
	all := slices.Concat(rec.out, s.reverse[rec.ref])
	slices.SortFunc(all, func(a, b relation) int {
		if c := strings.Compare(a.typ, b.typ); c != 0 {
			return c
		}
		return strings.Compare(a.target, b.target)
	})
	all = slices.Compact(all)

	out := make([]any, len(all))
	for i, r := range all {
		out[i] = map[string]any{"type": r.typ, "targetRef": r.target}
	}
	return out
}
