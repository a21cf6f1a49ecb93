package compass

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// DefaultBatchSize is a batch size that keeps each request small enough for Compass to answer
// quickly; callers may choose another with Batch.Split.
const DefaultBatchSize = 20

// Batch collects mutations to send in one request, each under its own alias inside one
// compass { ... } selection. Add mutations with the methods named after the remote mutations;
// each returns the index of its Result. The zero Batch is empty and ready to use. A Batch is not
// safe for concurrent use.
type Batch struct {
	muts []mutation
}

// mutation is one aliased mutation of a batch.
type mutation struct {
	// field is the remote mutation name under compass, for example createComponent.
	field string
	// inputType is the GraphQL type of the input variable.
	inputType string
	// cloudIDArg adds the cloudId argument next to input.
	cloudIDArg bool
	// input builds the input variable from the site's cloud id, which is only looked up
	// when needsCloudID or cloudIDArg is set.
	input        func(cloudID string) any
	needsCloudID bool
	// selection names the payload fields beyond success and errors.
	selection string
}

// Result is the outcome of one mutation of a batch. Err is nil when Compass reported success;
// otherwise it is an *APIError, *AuthError or *RateLimitError for that item alone, or wraps
// ErrUnexpectedResponse when the answer had no payload for the item.
type Result struct {
	// Op is the remote mutation name, for example createComponent.
	Op string
	// ComponentID is the id of the component the mutation created or changed, when Compass
	// returned it.
	ComponentID string
	// LinkID is the id of the link createComponentLink created or updateComponentLink changed.
	LinkID string
	// DeletedIDs are the ids deleteComponent, deleteComponents or deleteComponentLink removed.
	DeletedIDs []string
	// Definition is the definition createCustomFieldDefinition created.
	Definition *CustomFieldDefinition
	Err        error
}

// Len returns the number of mutations in the batch.
func (b *Batch) Len() int {
	return len(b.muts)
}

// Ops returns the remote mutation names in the batch, in order.
func (b *Batch) Ops() []string {
	ops := make([]string, len(b.muts))
	for i, m := range b.muts {
		ops[i] = m.field
	}

	return ops
}

// Split cuts the batch into batches of at most n mutations, in order, so that the results of
// the parts, concatenated, line up with the indexes of the whole. n below 1 means
// DefaultBatchSize.
func (b *Batch) Split(n int) []*Batch {
	if n < 1 {
		n = DefaultBatchSize
	}

	var parts []*Batch
	for start := 0; start < len(b.muts); start += n {
		end := min(start+n, len(b.muts))
		parts = append(parts, &Batch{muts: b.muts[start:end:end]})
	}

	return parts
}

func (b *Batch) add(m mutation) int {
	b.muts = append(b.muts, m)
	return len(b.muts) - 1
}

// SendBatches sends b in requests of at most size mutations, one after the other. When a
// request fails as a whole it stops and returns the results of the requests before it together
// with the error, so len(results) tells how far it got.
func (c *Client) SendBatches(ctx context.Context, b *Batch, size int) ([]Result, error) {
	results := make([]Result, 0, b.Len())
	for _, part := range b.Split(size) {
		res, err := c.SendBatch(ctx, part)
		if err != nil {
			return results, err
		}

		results = append(results, res...)
	}

	return results, nil
}

// SendBatch sends every mutation of b in one request and returns one Result per mutation, in
// order; a mutation that Compass refused fails only its own Result. The error is non-nil only
// when the request failed as a whole (transport, auth, rate limit, a document Compass refused),
// and then no result is returned. After a transport failure or a 5xx the mutations may or may
// not have run, so callers reconcile before they resend creates.
func (c *Client) SendBatch(ctx context.Context, b *Batch) ([]Result, error) {
	if b.Len() == 0 {
		return nil, ErrEmptyBatch
	}

	doc, vars, err := c.buildBatch(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("sending compass mutations: %w", err)
	}

	c.mutations.Add(int64(b.Len()))
	ans, err := c.exec(ctx, doc, vars)
	if err != nil {
		return nil, fmt.Errorf("sending %d compass mutations: %w", b.Len(), err)
	}

	results, err := readBatch(b, ans)
	if err != nil {
		return nil, fmt.Errorf("reading %d compass mutation results: %w", b.Len(), err)
	}

	return results, nil
}

// payloadFields are selected on every mutation payload.
const payloadFields = "success errors { message extensions { statusCode errorType } }"

// buildBatch writes the document and its variables: one $iN input variable per alias and one
// shared $cloudId when some mutation takes it as an argument.
func (c *Client) buildBatch(ctx context.Context, b *Batch) (string, map[string]any, error) {
	var cloudID string
	var cloudArg bool
	for _, m := range b.muts {
		cloudArg = cloudArg || m.cloudIDArg
		if (m.needsCloudID || m.cloudIDArg) && cloudID == "" {
			id, err := c.CloudID(ctx)
			if err != nil {
				return "", nil, err
			}
			cloudID = id
		}
	}

	vars := make(map[string]any, len(b.muts)+1)
	var defs, body strings.Builder
	if cloudArg {
		defs.WriteString("$cloudId: ID!")
		vars["cloudId"] = cloudID
	}

	for i, m := range b.muts {
		name := "i" + strconv.Itoa(i)
		if defs.Len() > 0 {
			defs.WriteString(", ")
		}
		fmt.Fprintf(&defs, "$%s: %s!", name, m.inputType)
		vars[name] = m.input(cloudID)

		args := "input: $" + name
		if m.cloudIDArg {
			args = "cloudId: $cloudId, " + args
		}
		fmt.Fprintf(&body, "    a%d: %s(%s) { %s%s }\n", i, m.field, args, payloadFields, m.selection)
	}

	doc := "mutation Batch(" + defs.String() + ") {\n  compass {\n" + body.String() + "  }\n}\n"

	return doc, vars, nil
}

// payloadJSON holds every payload field a batch may select.
type payloadJSON struct {
	Success bool `json:"success"`
	Errors  []struct {
		Message    string `json:"message"`
		Extensions *struct {
			StatusCode int    `json:"statusCode"`
			ErrorType  string `json:"errorType"`
		} `json:"extensions"`
	} `json:"errors"`
	ComponentDetails      *idOnly                    `json:"componentDetails"`
	CreatedComponentLink  *idOnly                    `json:"createdComponentLink"`
	UpdatedComponentLink  *idOnly                    `json:"updatedComponentLink"`
	DeletedComponentID    *string                    `json:"deletedComponentId"`
	DeletedComponentIDs   []string                   `json:"deletedComponentIds"`
	DeletedCompassLinkID  *string                    `json:"deletedCompassLinkId"`
	CustomFieldDefinition *customFieldDefinitionJSON `json:"customFieldDefinition"`
}

// readBatch gives each alias its result. An alias answered with null takes the top-level error
// whose path names it.
func readBatch(b *Batch, ans *answer) ([]Result, error) {
	var out struct {
		Compass map[string]*payloadJSON `json:"compass"`
	}
	if err := json.Unmarshal(ans.data, &out); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnexpectedResponse, err)
	}

	pathErrs := make(map[string]gqlError)
	for _, e := range ans.errs {
		alias, ok := aliasOf(e.Path)
		if !ok {
			return nil, e.toError()
		}
		if _, seen := pathErrs[alias]; !seen {
			pathErrs[alias] = e
		}
	}

	results := make([]Result, len(b.muts))
	for i, m := range b.muts {
		alias := "a" + strconv.Itoa(i)
		results[i] = readPayload(m.field, out.Compass[alias])
		if pe, ok := pathErrs[alias]; ok && out.Compass[alias] == nil {
			results[i].Err = itemError(pe.StatusCode, pe.ErrorType, pe.Message)
		}
	}

	return results, nil
}

// aliasOf returns the alias that a path of the form compass.aN... names.
func aliasOf(path []any) (string, bool) {
	if len(path) < 2 || path[0] != "compass" {
		return "", false
	}

	alias, ok := path[1].(string)

	return alias, ok
}

func readPayload(op string, p *payloadJSON) Result {
	r := Result{Op: op}
	if p == nil {
		r.Err = fmt.Errorf("%w: no payload for %s", ErrUnexpectedResponse, op)
		return r
	}

	if p.ComponentDetails != nil {
		r.ComponentID = p.ComponentDetails.ID
	}
	switch {
	case p.CreatedComponentLink != nil:
		r.LinkID = p.CreatedComponentLink.ID
	case p.UpdatedComponentLink != nil:
		r.LinkID = p.UpdatedComponentLink.ID
	}
	switch {
	case p.DeletedComponentID != nil:
		r.DeletedIDs = []string{*p.DeletedComponentID}
	case p.DeletedCompassLinkID != nil:
		r.DeletedIDs = []string{*p.DeletedCompassLinkID}
	default:
		r.DeletedIDs = p.DeletedComponentIDs
	}
	if p.CustomFieldDefinition != nil {
		d := p.CustomFieldDefinition.definition()
		r.Definition = &d
	}

	r.Err = payloadError(p)

	return r
}

// payloadError turns a payload's errors into the item's error; a payload that reports failure
// without errors still fails.
func payloadError(p *payloadJSON) error {
	if len(p.Errors) == 0 {
		if p.Success {
			return nil
		}

		return &APIError{StatusCode: http.StatusOK, Message: "mutation reported no success"}
	}

	e := p.Errors[0]
	status, errType := 0, ""
	if e.Extensions != nil {
		status, errType = e.Extensions.StatusCode, e.Extensions.ErrorType
	}

	return itemError(status, errType, e.Message)
}

// itemError maps the status and type of one item's error onto the package's typed errors.
func itemError(status int, errType, msg string) error {
	switch {
	case status == http.StatusTooManyRequests:
		return &RateLimitError{Message: msg}
	case isAuthStatus(status):
		return &AuthError{StatusCode: status, Message: msg}
	case status == 0:
		status = http.StatusOK
	}

	return &APIError{StatusCode: status, ErrorType: errType, Message: msg}
}

// firstError returns the error of a one-item batch answer.
func firstError(results []Result, err error) (Result, error) {
	if err != nil {
		return Result{}, err
	}

	if len(results) != 1 {
		return Result{}, fmt.Errorf("%w: %d results for one mutation", ErrUnexpectedResponse, len(results))
	}

	return results[0], results[0].Err
}
