package backstagetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Get fetches one entity by ref from GET /api/catalog/entities/by-name. It reports false, and no
// error, when the catalog does not hold the entity.
func (b *Backend) Get(ref string) (Entity, bool, error) {
	kind, ns, name, err := splitRef(ref)
	if err != nil {
		return nil, false, err
	}
	path := "/api/catalog/entities/by-name/" + url.PathEscape(kind) + "/" + url.PathEscape(ns) +
		"/" + url.PathEscape(name)

	var e Entity
	err = b.getJSON(path, &e)
	var se *StatusError
	if errors.As(err, &se) && se.StatusCode == http.StatusNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("getting %s: %w", ref, err)
	}
	return e, true, nil
}

// List fetches every entity from GET /api/catalog/entities/by-query, page by page, with only the
// given fields (all fields when none are given). The catalog's own Location entities are included.
func (b *Backend) List(fields ...string) ([]Entity, error) {
	query := url.Values{"limit": {"200"}}
	if len(fields) > 0 {
		query.Set("fields", strings.Join(fields, ","))
	}

	var all []Entity
	for {
		var page struct {
			Items    []Entity `json:"items"`
			PageInfo struct {
				NextCursor string `json:"nextCursor"`
			} `json:"pageInfo"`
		}
		if err := b.getJSON("/api/catalog/entities/by-query?"+query.Encode(), &page); err != nil {
			return nil, fmt.Errorf("listing entities: %w", err)
		}
		all = append(all, page.Items...)
		if page.PageInfo.NextCursor == "" {
			return all, nil
		}
		// The cursor carries the filter and fields but not the limit.
		query.Set("cursor", page.PageInfo.NextCursor)
	}
}

// NewRequest returns a request to the backend for path (which starts with "/"), carrying the
// static token.
func (b *Backend) NewRequest(method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequest(method, b.URL+path, body)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+b.Token)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

func (b *Backend) getJSON(path string, into any) error {
	req, err := b.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return err
	}

	resp, err := b.client.Do(req)
	if err != nil {
		return fmt.Errorf("sending request: %w", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return &StatusError{
			Method: req.Method, Path: req.URL.Path, StatusCode: resp.StatusCode,
			Body: string(bytes.TrimSpace(body)),
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("decoding %s: %w", req.URL.Path, err)
	}
	return nil
}

// splitRef splits a full ref kind:namespace/name.
func splitRef(ref string) (kind, ns, name string, err error) {
	kind, rest, ok := strings.Cut(ref, ":")
	if !ok || kind == "" {
		return "", "", "", fmt.Errorf("%w: %s", ErrInvalidRef, strconv.Quote(ref))
	}
	ns, name, ok = strings.Cut(rest, "/")
	if !ok || ns == "" || name == "" {
		return "", "", "", fmt.Errorf("%w: %s", ErrInvalidRef, strconv.Quote(ref))
	}
	return kind, ns, name, nil
}
