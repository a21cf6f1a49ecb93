package catalogsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const token = "catalog-token"

// do sends one request to s through ServeHTTP and returns the status and body.
func do(t testing.TB, s *Server, method, target, body string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

type page struct {
	Items      []map[string]any `json:"items"`
	TotalItems int              `json:"totalItems"`
	PageInfo   struct {
		NextCursor string `json:"nextCursor"`
	} `json:"pageInfo"`
}

func query(t testing.TB, s *Server, params url.Values) page {
	t.Helper()
	status, body := do(t, s, http.MethodGet, "/api/catalog/entities/by-query?"+params.Encode(), "")
	if status != http.StatusOK {
		t.Fatalf("by-query %v: %d %s", params, status, body)
	}
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("by-query %v: %v in %s", params, err, body)
	}
	return p
}

func names(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it["metadata"].(map[string]any)["name"].(string))
	}
	return out
}

func demoServer(t testing.TB) *Server {
	t.Helper()
	s := New(Options{Token: token})
	mustPut(t, s, DemoCatalog()...)
	return s
}

// keysOf returns the key paths of a JSON document, to compare shapes.
func keysOf(t testing.TB, data []byte) []string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			out = append(out, prefix+k)
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
			}
		}
	}
	walk("", doc)
	slices.Sort(out)
	return out
}

func TestErrorsHaveTheCatalogShape(t *testing.T) {
	t.Parallel()
	s := demoServer(t)
	tests := []struct {
		name    string
		sample  string
		target  string
		auth    string
		status  int
		message string
	}{
		{"a request without a token", "401-missing.json", "/api/catalog/entities/by-query?limit=1", "", 401, "Missing credentials"},
		{"a request with a wrong token", "401-missing.json", "/api/catalog/entities/by-query", "Bearer nope", 401, "Illegal token"},
		{"an unknown entity", "404-by-name.json", "/api/catalog/entities/by-name/component/default/does-not-exist", "Bearer " + token, 404,
			"No entity named 'does-not-exist' found, with kind 'component' in namespace 'default'"},
		{"a garbage cursor", "400-cursor.json", "/api/catalog/entities/by-query?cursor=garbage", "Bearer " + token, 400, "Malformed cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sample, err := os.ReadFile("testdata/" + tt.sample)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)

			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			if got, want := keysOf(t, rec.Body.Bytes()), keysOf(t, sample); !reflect.DeepEqual(got, want) {
				t.Errorf("keys = %v, want the sample's %v", got, want)
			}
			var ans errorAnswer
			json.Unmarshal(rec.Body.Bytes(), &ans)
			if !strings.HasPrefix(ans.Error.Message, tt.message) || ans.Response.StatusCode != tt.status {
				t.Errorf("answer = %+v", ans)
			}
			if want := strings.TrimPrefix(tt.target, "/api/catalog"); ans.Request.URL != want {
				t.Errorf("request.url = %q, want %q", ans.Request.URL, want)
			}
		})
	}
}

func TestUnknownRoutesAnswerAnEmpty404(t *testing.T) {
	t.Parallel()
	s := demoServer(t)
	for _, target := range []string{"/", "/catalog/entities/by-query", "/api/catalogue/entities", "/api/catalog/entities/nope", "/api/catalog/entities/by-name/component/x"} {
		status, body := do(t, s, http.MethodGet, target, "")
		if status != http.StatusNotFound || len(body) != 0 {
			t.Errorf("GET %s = %d %q, want 404 with no body", target, status, body)
		}
	}
	if status, _ := do(t, s, http.MethodPost, "/api/catalog/entities/by-query", ""); status != http.StatusNotFound {
		t.Errorf("POST by-query = %d, want 404", status)
	}
}

func TestReadinessNeedsNoToken(t *testing.T) {
	t.Parallel()
	s := New(Options{Token: token})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.backstage/health/v1/readiness", nil))

	if rec.Code != http.StatusOK {
		t.Errorf("readiness = %d", rec.Code)
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	s := demoServer(t)
	tests := []struct {
		name    string
		filters []string
		want    int
	}{
		{"kind matches ignoring case", []string{"kind=COMPONENT"}, 41},
		{"commas are AND", []string{"kind=component,spec.type=website"}, 7},
		{"separate filters are OR", []string{"kind=api", "kind=resource"}, 14},
		{"a repeated key is OR", []string{"kind=api,kind=resource"}, 14},
		{"a key without value tests presence", []string{"kind=component,spec.providesApis"}, 8},
		{"annotation keys may hold dots", []string{"metadata.annotations.github.com/project-slug=acme/auth-service"}, 1},
		{"array values are flattened", []string{"kind=component,metadata.tags=pci"}, 3},
		{"relations filter by type", []string{"relations.ownedby=group:default/team-payments"}, 10},
		{"lifecycle narrows components", []string{"kind=component,spec.lifecycle=deprecated"}, 3},
		{"a filter matching nothing", []string{"kind=template"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := query(t, s, url.Values{"filter": tt.filters, "limit": {"1000"}})
			if len(p.Items) != tt.want || p.TotalItems != tt.want {
				t.Errorf("got %d items, totalItems %d, want %d", len(p.Items), p.TotalItems, tt.want)
			}
		})
	}
}

func TestBadFiltersAndLimitsAreInputErrors(t *testing.T) {
	t.Parallel()
	s := demoServer(t)
	for _, q := range []string{"filter=%3Dx", "limit=-1", "limit=ten"} {
		status, body := do(t, s, http.MethodGet, "/api/catalog/entities/by-query?"+q, "")
		if status != http.StatusBadRequest || !strings.Contains(string(body), "InputError") {
			t.Errorf("%s = %d %s, want 400 InputError", q, status, body)
		}
	}
}

func TestFieldsProjection(t *testing.T) {
	t.Parallel()
	s := demoServer(t)
	full := query(t, s, url.Values{"filter": {"kind=component"}, "limit": {"1"}}).Items[0]
	md := full["metadata"].(map[string]any)
	tests := []struct {
		name   string
		fields []string
		want   map[string]any
	}{
		{
			"record fields are cut out",
			[]string{"kind,metadata.name", "metadata.etag"},
			map[string]any{"kind": "Component", "metadata": map[string]any{"name": md["name"], "etag": md["etag"]}},
		},
		{
			"document fields are cut out",
			[]string{"metadata.title,spec.lifecycle"},
			map[string]any{"metadata": map[string]any{"title": md["title"]}, "spec": map[string]any{"lifecycle": full["spec"].(map[string]any)["lifecycle"]}},
		},
		{
			"a whole object can be asked for",
			[]string{"metadata.uid,metadata.annotations"},
			map[string]any{"metadata": map[string]any{"uid": md["uid"], "annotations": md["annotations"]}},
		},
		{
			"a missing field is left out",
			[]string{"kind,spec.nothing"},
			map[string]any{"kind": "Component"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := query(t, s, url.Values{"filter": {"kind=component"}, "limit": {"1"}, "fields": tt.fields}).Items[0]
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("item = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFastAndDecodedProjectionsAgree(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s, component(`we"ird<&>é`, nil))
	s.rlock()
	rec := s.sorted[0]
	s.mu.RUnlock()
	fields := []string{"apiVersion,metadata.uid,kind,metadata.namespace,metadata.name,metadata.etag"}

	fast := parseFields(fields)
	slow := fast
	slow.fast = false
	var a, b map[string]any
	if err := json.Unmarshal(fast.appendEntity(nil, &entityView{rec: rec}), &a); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(slow.appendEntity(nil, &entityView{rec: rec}), &b)

	if !fast.fast || !reflect.DeepEqual(a, b) {
		t.Errorf("fast %v, decoded %v", a, b)
	}
}

func TestPagingFollowsTheCursor(t *testing.T) {
	t.Parallel()
	s := demoServer(t)
	all := query(t, s, url.Values{"limit": {"1000"}})

	var got []string
	params := url.Values{"filter": {"kind=component"}, "limit": {"7"}, "fields": {"metadata.name"}}
	for pages := 0; ; pages++ {
		p := query(t, s, params)
		if p.TotalItems != 41 {
			t.Fatalf("page %d: totalItems %d, want 41 from the first page", pages, p.TotalItems)
		}
		got = append(got, names(p.Items)...)
		if p.PageInfo.NextCursor == "" {
			break
		}
		// Filters sent with a cursor are ignored: the cursor carries them.
		params = url.Values{"cursor": {p.PageInfo.NextCursor}, "limit": {"7"}, "fields": {"metadata.name"}, "filter": {"kind=user"}}
	}

	var want []string
	for _, it := range all.Items {
		if it["kind"] == "Component" {
			want = append(want, it["metadata"].(map[string]any)["name"].(string))
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paged names = %v, want %v", got, want)
	}
	if !slices.IsSorted(got) {
		t.Error("names are not in order")
	}
}

func TestLastPageHasNoCursor(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s, component("a", nil), component("b", nil))

	p := query(t, s, url.Values{"limit": {"2"}})

	if len(p.Items) != 2 || p.PageInfo.NextCursor != "" {
		t.Errorf("got %d items and cursor %q, want 2 and none", len(p.Items), p.PageInfo.NextCursor)
	}
}

func TestByRefs(t *testing.T) {
	t.Parallel()
	s := demoServer(t)
	body := `{"entityRefs":["component:default/auth-service","component:default/missing","Group:Default/Team-Payments"],"fields":["kind","metadata.name"]}`

	status, data := do(t, s, http.MethodPost, "/api/catalog/entities/by-refs", body)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, data)
	}

	want := `{"items":[{"kind":"Component","metadata":{"name":"auth-service"}},null,{"kind":"Group","metadata":{"name":"team-payments"}}]}`
	if string(data) != want {
		t.Errorf("answer = %s, want %s", data, want)
	}
}

func TestByRefsRejectsBadBodies(t *testing.T) {
	t.Parallel()
	s := demoServer(t)
	for _, body := range []string{``, `{}`, `{"entityRefs":"x"}`, `{"entityRefs":["auth-service"]}`} {
		status, _ := do(t, s, http.MethodPost, "/api/catalog/entities/by-refs", body)
		if status != http.StatusBadRequest {
			t.Errorf("body %s: status %d, want 400", body, status)
		}
	}
}

func TestByNameIgnoresCaseAndByUIDFindsTheSame(t *testing.T) {
	t.Parallel()
	s := demoServer(t)

	status, data := do(t, s, http.MethodGet, "/api/catalog/entities/by-name/COMPONENT/Default/Auth-Service", "")
	if status != http.StatusOK {
		t.Fatalf("by-name = %d %s", status, data)
	}
	var byName map[string]any
	json.Unmarshal(data, &byName)
	uid := byName["metadata"].(map[string]any)["uid"].(string)

	status, data2 := do(t, s, http.MethodGet, "/api/catalog/entities/by-uid/"+uid, "")
	if status != http.StatusOK || string(data2) != string(data) {
		t.Errorf("by-uid = %d %s, want the by-name answer", status, data2)
	}
	if got := s.Stats(); got.ByName != 2 || got.Requests != 2 {
		t.Errorf("Stats = %+v", got)
	}
}
