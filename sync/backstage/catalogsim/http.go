package catalogsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// pluginPath is where the catalog plugin is mounted.
const pluginPath = "/api/catalog"

// maxBody bounds a by-refs request body.
const maxBody = 8 << 20

var _ http.Handler = (*Server)(nil)

// ServeHTTP serves the catalog REST API under /api/catalog and the backend's readiness probe.
// Any other route answers 404 with an empty body, as a Backstage backend does.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)
	if r.URL.Path == "/.backstage/health/v1/readiness" || r.URL.Path == "/.backstage/health/v1/liveness" {
		writeJSON(w, http.StatusOK, []byte(`{"status":"ok"}`))
		return
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), pluginPath+"/")
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if !s.authorized(w, r) {
		return
	}

	switch {
	case rest == "entities/by-query" && r.Method == http.MethodGet:
		s.serveQuery(w, r)
	case rest == "entities/by-refs" && r.Method == http.MethodPost:
		s.serveRefs(w, r)
	case strings.HasPrefix(rest, "entities/by-name/") && r.Method == http.MethodGet:
		s.serveName(w, r, strings.TrimPrefix(rest, "entities/by-name/"))
	case strings.HasPrefix(rest, "entities/by-uid/") && r.Method == http.MethodGet:
		s.serveUID(w, r, strings.TrimPrefix(rest, "entities/by-uid/"))
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if s.token == "" {
		return true
	}
	header := r.Header.Get("Authorization")
	if header == "Bearer "+s.token {
		return true
	}

	s.stats.rejected.Add(1)
	msg := "Missing credentials"
	if header != "" {
		msg = "Illegal token"
	}
	writeError(w, r, http.StatusUnauthorized, "AuthenticationError", msg)
	return false
}

// serveQuery answers GET /entities/by-query: one page of the entities matching the filters,
// in name order, starting after the cursor's position.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "InputError", "Invalid limit: "+err.Error())
		return
	}
	cur := cursor{Filter: q["filter"]}
	if raw := q.Get("cursor"); raw != "" {
		if cur, err = decodeCursor(raw); err != nil {
			writeError(w, r, http.StatusBadRequest, "InputError", "Malformed cursor: "+err.Error())
			return
		}
	}
	filters, err := parseFilters(cur.Filter)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "InputError", err.Error())
		return
	}

	body := s.page(q.Get("cursor") != "", cur, filters, parseFields(q["fields"]), limit)
	s.stats.byQuery.Add(1)
	writeJSON(w, http.StatusOK, body)
}

// page builds one by-query answer. Paging is keyset on (lower-cased name, uid), so entities
// added or removed while a client pages shift nothing it has not seen yet.
func (s *Server) page(continued bool, cur cursor, filters []filter, proj projection, limit int) []byte {
	s.rlock()
	defer s.mu.RUnlock()

	start := 0
	if continued {
		after := &record{sortKey: cur.After[0], uid: cur.After[1]}
		start = sort.Search(len(s.sorted), func(i int) bool { return compareRecords(s.sorted[i], after) > 0 })
	} else {
		cur.TotalItems = s.count(filters)
	}

	buf := make([]byte, 0, 64*min(limit, len(s.sorted)+1))
	buf = append(buf, `{"items":[`...)
	var last *record
	n, more := 0, false
	for _, rec := range s.sorted[start:] {
		v := &entityView{rec: rec}
		if !matchesAny(filters, v) {
			continue
		}
		if n == limit {
			more = true
			break
		}
		buf = proj.appendEntity(comma(buf), v)
		last, n = rec, n+1
	}

	buf = fmt.Appendf(buf, `],"totalItems":%d,"pageInfo":{`, cur.TotalItems)
	if more {
		cur.After = [2]string{last.sortKey, last.uid}
		buf = fmt.Appendf(buf, `"nextCursor":%q`, cur.encode())
	}
	return append(buf, "}}"...)
}

func (s *Server) count(filters []filter) int {
	if len(filters) == 0 {
		return len(s.sorted)
	}
	n := 0
	for _, rec := range s.sorted {
		if matchesAny(filters, &entityView{rec: rec}) {
			n++
		}
	}
	return n
}

// serveRefs answers POST /entities/by-refs: the entities in request order, null for a miss.
func (s *Server) serveRefs(w http.ResponseWriter, r *http.Request) {
	var req struct {
		EntityRefs []string `json:"entityRefs"`
		Fields     []string `json:"fields"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil || req.EntityRefs == nil {
		writeError(w, r, http.StatusBadRequest, "InputError", "Malformed request body: expected {\"entityRefs\": [...]}")
		return
	}
	keys := make([]string, len(req.EntityRefs))
	for i, ref := range req.EntityRefs {
		key, err := parseRef(ref)
		if err != nil {
			writeError(w, r, http.StatusBadRequest, "InputError", fmt.Sprintf("Invalid entity ref %q", ref))
			return
		}
		keys[i] = key
	}
	proj := parseFields(append(req.Fields, r.URL.Query()["fields"]...))

	s.rlock()
	buf := []byte(`{"items":[`)
	for _, key := range keys {
		buf = comma(buf)
		if rec := s.byRef[key]; rec != nil {
			buf = proj.appendEntity(buf, &entityView{rec: rec})
		} else {
			buf = append(buf, "null"...)
		}
	}
	s.mu.RUnlock()

	s.stats.byRefs.Add(1)
	writeJSON(w, http.StatusOK, append(buf, "]}"...))
}

// serveName answers GET /entities/by-name/{kind}/{namespace}/{name}, ignoring case.
func (s *Server) serveName(w http.ResponseWriter, r *http.Request, tail string) {
	parts := strings.Split(tail, "/")
	for i := range parts {
		parts[i], _ = url.PathUnescape(parts[i])
	}
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		w.WriteHeader(http.StatusNotFound)
		return
	}

	s.serveOne(w, r, func() *record { return s.byRef[refOf(parts[0], parts[1], parts[2])] },
		fmt.Sprintf("No entity named '%s' found, with kind '%s' in namespace '%s'", parts[2], parts[0], parts[1]))
}

// serveUID answers GET /entities/by-uid/{uid}.
func (s *Server) serveUID(w http.ResponseWriter, r *http.Request, uid string) {
	uid, _ = url.PathUnescape(uid)
	s.serveOne(w, r, func() *record { return s.byUID[uid] }, fmt.Sprintf("No entity with uid %s", uid))
}

func (s *Server) serveOne(w http.ResponseWriter, r *http.Request, find func() *record, missing string) {
	proj := parseFields(r.URL.Query()["fields"])

	s.rlock()
	var body []byte
	if rec := find(); rec != nil {
		body = proj.appendEntity(nil, &entityView{rec: rec})
	}
	s.mu.RUnlock()

	if body == nil {
		writeError(w, r, http.StatusNotFound, "NotFoundError", missing)
		return
	}
	s.stats.byName.Add(1)
	writeJSON(w, http.StatusOK, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// errorAnswer is the catalog's error JSON.
type errorAnswer struct {
	Error struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
	Request struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"request"`
	Response struct {
		StatusCode int `json:"statusCode"`
	} `json:"response"`
}

func writeError(w http.ResponseWriter, r *http.Request, status int, name, message string) {
	var ans errorAnswer
	ans.Error.Name, ans.Error.Message = name, message
	ans.Request.Method = r.Method
	ans.Request.URL = strings.TrimPrefix(r.URL.RequestURI(), pluginPath)
	ans.Response.StatusCode = status

	body, _ := json.Marshal(ans)
	writeJSON(w, status, body)
}
