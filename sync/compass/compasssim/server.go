// Package compasssim is an in-memory Compass site behind an HTTP handler for
// POST /gateway/api/graphql, used by tests, benchmarks and the app's demo mode.
//
// Every request document is validated against a subset of the Compass schema (see SchemaSDL)
// and refused the way the gateway refuses it. Valid documents run against an in-memory catalog
// that enforces Compass's limits and answers in Compass's payload and error shapes. Latency,
// rate limits, server errors and 429 storms can be injected with SetFaults.
package compasssim

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// maxBodyBytes bounds a request body; the gateway refuses larger documents too.
const maxBodyBytes = 4 << 20

// Defaults for the ids Options leaves empty.
const (
	DefaultCloudID     = "0f4c5a1e-6f0b-4b8e-9d3a-2c7e8b1f5a90"
	DefaultWorkspaceID = "b7e2d9c4-3a61-4f85-8e0d-41c9a6f3d2b8"
)

// Options fixes the site the simulator pretends to be.
type Options struct {
	// Email and Token are the only Basic credentials accepted; with no Token every request is
	// refused.
	Email string
	Token string
	// SiteHost is the site's host name, for example "example.atlassian.net"; tenantContexts
	// answers CloudID for it.
	SiteHost string
	// CloudID is the site's cloud id; DefaultCloudID when empty.
	CloudID string
	// WorkspaceID is the workspace part of component ARIs; DefaultWorkspaceID when empty.
	WorkspaceID string
	// Seed makes generated ids and injected faults repeatable.
	Seed uint64
	// Now is the clock for change metadata and rate limiting; time.Now when nil.
	Now func() time.Time
	// Teams names teams to seed at start, as SeedTeam would.
	Teams []string
}

// Server is a simulated Compass site. It is an http.Handler and is safe for concurrent use.
type Server struct {
	opts Options
	docs *documentCache

	mu            sync.RWMutex
	rng           *rand.Rand
	components    map[string]*record
	order         []*record
	nextSeq       uint64
	aliases       map[aliasKey]string
	slugs         map[string]string
	relsOut       map[string][]Relationship
	relsIn        map[string][]Relationship
	teams         map[string]*Team
	teamOrder     []string
	definitions   map[string]*CustomFieldDefinition
	definitionSeq []string

	faults faultState
	stats  counters
}

var _ http.Handler = (*Server)(nil)

// record is a stored component with its position in creation order, which paging follows.
type record struct {
	Component
	seq     uint64
	deleted bool
}

type aliasKey struct {
	source string
	id     string
}

// New returns an empty site with the given options.
func New(opts Options) *Server {
	if opts.CloudID == "" {
		opts.CloudID = DefaultCloudID
	}
	if opts.WorkspaceID == "" {
		opts.WorkspaceID = DefaultWorkspaceID
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}

	s := &Server{
		opts:        opts,
		docs:        newDocumentCache(),
		rng:         rand.New(rand.NewPCG(opts.Seed, 0x636f6d70617373)),
		components:  make(map[string]*record),
		aliases:     make(map[aliasKey]string),
		slugs:       make(map[string]string),
		relsOut:     make(map[string][]Relationship),
		relsIn:      make(map[string][]Relationship),
		teams:       make(map[string]*Team),
		definitions: make(map[string]*CustomFieldDefinition),
	}
	s.faults.init(opts.Seed, opts.Now)
	for _, name := range opts.Teams {
		s.SeedTeam(name)
	}
	return s
}

// graphqlRequest is the body of a GraphQL POST.
type graphqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// ServeHTTP answers POST /gateway/api/graphql (and /graphql, as api.atlassian.com does).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)

	body, ok := s.admit(w, r)
	if !ok {
		return
	}
	v, ok := s.applyFaults(w, r)
	if !ok {
		return
	}

	req, err := decodeRequest(body)
	if err != nil {
		s.stats.rejectedMalformed.Add(1)
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"errors": []responseError{{Message: err.Error()}},
		})
		return
	}
	s.serveDocument(w, req, v)
}

// admit checks path, method and credentials and reads the body, answering the request itself
// when one of them is wrong. The body is read before any injected delay so that the server
// notices a client that gives up.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	switch {
	case r.URL.Path != "/gateway/api/graphql" && r.URL.Path != "/graphql":
		s.stats.rejectedOther.Add(1)
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "Not Found"})
		return nil, false
	case r.Method != http.MethodPost:
		s.stats.rejectedOther.Add(1)
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"code": 405, "message": "Method Not Allowed"})
		return nil, false
	case !s.authorized(r):
		s.stats.rejectedAuth.Add(1)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 401, "message": "Unauthorized"})
		return nil, false
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		s.stats.rejectedMalformed.Add(1)
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"errors": []responseError{{Message: "reading request body"}},
		})
		return nil, false
	}
	return body, true
}

func (s *Server) authorized(r *http.Request) bool {
	email, token, ok := r.BasicAuth()
	if !ok || s.opts.Token == "" {
		return false
	}
	emailOK := subtle.ConstantTimeCompare([]byte(email), []byte(s.opts.Email))
	tokenOK := subtle.ConstantTimeCompare([]byte(token), []byte(s.opts.Token))
	return emailOK&tokenOK == 1
}

func decodeRequest(body []byte) (graphqlRequest, error) {
	var req graphqlRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return req, fmt.Errorf("decoding request body: %w", err)
	}
	if req.Query == "" {
		return req, fmt.Errorf("decoding request body: %w", errNoQuery)
	}
	return req, nil
}

// serveDocument validates, executes and answers one GraphQL request.
func (s *Server) serveDocument(w http.ResponseWriter, req graphqlRequest, v verdict) {
	loaded := s.docs.load(req.Query)
	if len(loaded.errs) > 0 {
		s.stats.rejectedInvalid.Add(1)
		writeJSON(w, http.StatusOK, validationResponse(loaded.errs))
		return
	}

	op, vars, errs := selectOperation(loaded.doc, req)
	if len(errs) > 0 {
		s.stats.rejectedInvalid.Add(1)
		writeJSON(w, http.StatusOK, validationResponse(errs))
		return
	}

	s.stats.documents.Add(1)
	body, err := s.execute(loaded.doc, op, vars)
	if err != nil {
		s.stats.internalErrors.Add(1)
		writeJSON(w, http.StatusInternalServerError, map[string]any{
			"errors": []responseError{{Message: "Internal server error"}},
		})
		return
	}
	if v.lost && op.Operation == ast.Mutation && loseAnswer(w) {
		s.stats.lostAnswers.Add(1)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// selectOperation picks the operation to run and coerces its variables.
func selectOperation(
	doc *ast.QueryDocument, req graphqlRequest,
) (*ast.OperationDefinition, map[string]any, gqlerror.List) {
	var op *ast.OperationDefinition
	switch {
	case req.OperationName != "":
		op = doc.Operations.ForName(req.OperationName)
	case len(doc.Operations) == 1:
		op = doc.Operations[0]
	}
	if op == nil {
		msg := fmt.Sprintf("operation %q not found, or several operations and none named", req.OperationName)
		return nil, nil, gqlerror.List{gqlerror.Errorf("%s", msg)}
	}

	vars, err := validator.VariableValues(schema, op, req.Variables)
	if err != nil {
		var gqlErr *gqlerror.Error
		if !errors.As(err, &gqlErr) {
			gqlErr = gqlerror.Wrap(err)
		}
		return nil, nil, gqlerror.List{locateVariable(op, gqlErr)}
	}
	return op, vars, nil
}

// locateVariable points a variable's coercion error at the variable's definition, as the
// gateway does; the error's path starts with "variable" and the variable's name.
func locateVariable(op *ast.OperationDefinition, err *gqlerror.Error) *gqlerror.Error {
	if len(err.Locations) > 0 || len(err.Path) < 2 {
		return err
	}
	name, ok := err.Path[1].(ast.PathName)
	if !ok {
		return err
	}
	if def := op.VariableDefinitions.ForName(string(name)); def != nil && def.Position != nil {
		located := *err
		located.Locations = []gqlerror.Location{{Line: def.Position.Line, Column: def.Position.Column}}
		return &located
	}
	return err
}

// execute runs op under the state lock: shared for queries, exclusive for mutations, so the
// aliased mutations of one request run in document order with no other request in between.
// A resolver panic becomes an error so one bad document cannot take the server down.
func (s *Server) execute(
	doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any,
) (body []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("executing document: %v", r)
		}
	}()

	ex := &executor{doc: doc, vars: vars, out: make([]byte, 0, 1024)}
	ex.out = append(ex.out, `{"data":`...)
	if op.Operation == ast.Mutation {
		s.mu.Lock()
		defer s.mu.Unlock()
		ex.execute(op, "Mutation", s.mutationRoot())
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
		ex.execute(op, "Query", s.queryRoot())
	}

	if len(ex.errs) > 0 {
		raw, _ := json.Marshal(ex.errs)
		ex.out = append(ex.out, `,"errors":`...)
		ex.out = append(ex.out, raw...)
	}
	return append(ex.out, '}'), nil
}

func validationResponse(errs gqlerror.List) map[string]any {
	out := make([]responseError, 0, len(errs))
	for _, e := range errs {
		re := responseError{
			Message:    e.Message,
			Extensions: map[string]any{"classification": "ValidationError"},
		}
		for _, l := range e.Locations {
			re.Locations = append(re.Locations, location{Line: l.Line, Column: l.Column})
		}
		out = append(out, re)
	}
	return map[string]any{"data": nil, "errors": out}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// loseAnswer closes the connection without an answer, and reports whether it could.
func loseAnswer(w http.ResponseWriter) bool {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return false
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
