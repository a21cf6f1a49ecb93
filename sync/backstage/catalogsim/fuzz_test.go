package catalogsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// checkAnswer fails unless the answer is a JSON success, a JSON 400 or an empty 404.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest:
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%d answer is not JSON: %s", rec.Code, rec.Body)
		}
	case http.StatusNotFound:
	default:
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

func FuzzByQuery(f *testing.F) {
	s := New(Options{})
	for _, e := range DemoCatalog() {
		if err := s.Put(e); err != nil {
			f.Fatal(err)
		}
	}
	f.Add("filter=kind%3Dcomponent&fields=metadata.name&limit=3")
	f.Add("filter=relations.ownedby&filter=metadata.tags=go,kind=api")
	f.Add("cursor=eyJvcmRlckZpZWxkVmFsdWVzIjpbImEiLCJiIl19&limit=2")
	f.Add("fields=,,spec..x,metadata&limit=0")
	f.Fuzz(func(t *testing.T, rawQuery string) {
		req := httptest.NewRequest(http.MethodGet, "/api/catalog/entities/by-query", nil)
		req.URL.RawQuery = rawQuery
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checkAnswer(t, rec)
	})
}

func FuzzByRefs(f *testing.F) {
	s := New(Options{})
	for _, e := range DemoCatalog() {
		if err := s.Put(e); err != nil {
			f.Fatal(err)
		}
	}
	f.Add(`{"entityRefs":["component:default/auth-service","x:y"],"fields":["metadata.uid"]}`)
	f.Add(`{"entityRefs":[]}`)
	f.Add(`{"entityRefs":[1]}`)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/catalog/entities/by-refs", strings.NewReader(body))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checkAnswer(t, rec)
	})
}
