package compasssim

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

//go:embed schema.graphql
var schemaSDL string

// schema is the parsed subset, loaded once; a broken embedded schema is a build defect.
var schema = gqlparser.MustLoadSchema(&ast.Source{Name: "schema.graphql", Input: schemaSDL})

// The document cache is bounded in entries and in bytes of document text, so arbitrary input
// cannot grow it without end; when either bound is reached it starts again empty.
const (
	maxCachedDocuments = 4096
	maxCachedBytes     = 64 << 20
)

// SchemaSDL returns the Compass schema subset the simulator serves, in GraphQL SDL.
func SchemaSDL() string {
	return schemaSDL
}

// ValidateDocument parses doc and validates it against the schema subset. The returned error lists
// every problem found, one per line, each with its line and column.
func ValidateDocument(doc string) error {
	_, errs := loadDocument(doc)
	if len(errs) == 0 {
		return nil
	}

	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return fmt.Errorf("%w: %s", ErrInvalidDocument, strings.Join(msgs, "\n"))
}

// loadDocument parses and validates doc without caching.
func loadDocument(doc string) (*ast.QueryDocument, gqlerror.List) {
	parsed, err := parser.ParseQuery(&ast.Source{Input: doc})
	if err != nil {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) {
			return nil, gqlerror.List{gqlErr}
		}
		return nil, gqlerror.List{gqlerror.Wrap(err)}
	}

	if errs := validator.Validate(schema, parsed); len(errs) > 0 {
		return nil, errs
	}
	return parsed, nil
}

// loadedDocument is one cached validation outcome: a document or the errors that refused it.
type loadedDocument struct {
	doc  *ast.QueryDocument
	errs gqlerror.List
}

// documentCache remembers validation outcomes by document text. Validated documents are only
// read after they enter the cache, so they are shared between requests.
type documentCache struct {
	mu    sync.RWMutex
	docs  map[string]loadedDocument
	bytes int
}

func newDocumentCache() *documentCache {
	return &documentCache{docs: make(map[string]loadedDocument)}
}

// load returns the cached outcome for text, validating it on first sight.
func (c *documentCache) load(text string) loadedDocument {
	c.mu.RLock()
	got, ok := c.docs[text]
	c.mu.RUnlock()
	if ok {
		return got
	}

	doc, errs := loadDocument(text)
	got = loadedDocument{doc: doc, errs: errs}

	c.mu.Lock()
	if len(c.docs) >= maxCachedDocuments || c.bytes+len(text) > maxCachedBytes {
		clear(c.docs)
		c.bytes = 0
	}
	if _, ok := c.docs[text]; !ok {
		c.docs[text] = got
		c.bytes += len(text)
	}
	c.mu.Unlock()
	return got
}
