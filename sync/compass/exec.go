package compass

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	graphql "github.com/hasura/go-graphql-client"
)

// exchange records what the transport saw of one HTTP round trip.
type exchange struct {
	status     int
	retryAfter string
	err        error
}

type exchangeKey struct{}

// gqlError is one top-level GraphQL error, with the extensions Compass and the gateway use.
type gqlError struct {
	Message    string
	Path       []any
	StatusCode int
	ErrorType  string
	// RetryAfter is the extensions' retryAfter in seconds, which some rate-limit answers carry.
	RetryAfter time.Duration
}

// answer is an HTTP 200 GraphQL answer: its data and the top-level errors that name a path,
// which the caller may pin on the field they concern.
type answer struct {
	data json.RawMessage
	errs []gqlError
}

// query sends a read and decodes data into out. Every GraphQL error fails the whole read.
func (c *Client) query(ctx context.Context, doc string, vars map[string]any, out any) error {
	ans, err := c.exec(ctx, doc, vars)
	if err != nil {
		return err
	}

	if len(ans.errs) > 0 {
		return ans.errs[0].toError()
	}

	if err := json.Unmarshal(ans.data, out); err != nil {
		return fmt.Errorf("%w: decoding data: %v", ErrUnexpectedResponse, err)
	}

	return nil
}

// exec sends one document and turns every failure of the request as a whole into a typed
// error: transport failures, non-2xx answers, rate limits and auth failures anywhere in the
// errors, and errors that name no path. Errors that name a path are returned with the data.
func (c *Client) exec(ctx context.Context, doc string, vars map[string]any) (*answer, error) {
	ex := &exchange{}
	ctx = context.WithValue(ctx, exchangeKey{}, ex)

	data, err := c.gql.ExecRaw(ctx, doc, vars)

	switch {
	case ex.err != nil:
		return nil, ex.err
	case ex.status == 0 && err != nil:
		// The request never left: the GraphQL client could not encode or build it.
		inner, _ := innerError(err)

		return nil, fmt.Errorf("%w: %v", ErrUnexpectedResponse, inner)
	case ex.status != http.StatusOK && ex.status != http.StatusCreated:
		return nil, statusError(ex, err)
	}

	var gqlErrs graphql.Errors
	if err != nil && !errors.As(err, &gqlErrs) {
		return nil, fmt.Errorf("%w: %v", ErrUnexpectedResponse, err)
	}
	if inner, ok := innerError(err); ok {
		return nil, fmt.Errorf("%w: %v", ErrUnexpectedResponse, inner)
	}

	return classify(ex, data, gqlErrs)
}

// classify splits the errors of a 200 answer into a request failure or path errors.
func classify(ex *exchange, data json.RawMessage, gqlErrs graphql.Errors) (*answer, error) {
	ans := &answer{data: data}
	for _, ge := range gqlErrs {
		e := newGQLError(ge)
		if e.StatusCode == http.StatusTooManyRequests {
			wait := parseRetryAfter(ex.retryAfter)
			if wait == 0 {
				wait = e.RetryAfter
			}

			return nil, &RateLimitError{RetryAfter: wait, Message: e.Message}
		}
		if isAuthStatus(e.StatusCode) {
			return nil, &AuthError{StatusCode: e.StatusCode, Message: e.Message}
		}
		ans.errs = append(ans.errs, e)
	}

	for _, e := range ans.errs {
		if len(e.Path) == 0 {
			return nil, e.toError()
		}
	}

	if len(data) == 0 || string(data) == "null" {
		if len(ans.errs) > 0 {
			return nil, ans.errs[0].toError()
		}

		return nil, fmt.Errorf("%w: no data", ErrUnexpectedResponse)
	}

	return ans, nil
}

// innerError returns the Go error inside an error of the GraphQL client itself (an answer that
// is not JSON, a request it could not build) and true, or err and false. Errors that Compass
// sent never wrap a Go error.
func innerError(err error) (error, bool) {
	var gqlErrs graphql.Errors
	if !errors.As(err, &gqlErrs) {
		return err, false
	}

	for _, ge := range gqlErrs {
		if inner := ge.Unwrap(); inner != nil {
			return inner, true
		}
	}

	return err, false
}

func newGQLError(ge graphql.Error) gqlError {
	e := gqlError{Message: ge.Message, Path: ge.Path}
	e.StatusCode = intValue(ge.Extensions["statusCode"])
	e.RetryAfter = seconds(float64(intValue(ge.Extensions["retryAfter"])))
	for _, key := range []string{"errorType", "classification", "code"} {
		if s, ok := ge.Extensions[key].(string); ok && s != "" {
			e.ErrorType = s
			break
		}
	}

	return e
}

func (e gqlError) toError() error {
	status := e.StatusCode
	if status == 0 {
		status = http.StatusOK
	}

	return &APIError{StatusCode: status, ErrorType: e.ErrorType, Message: e.Message}
}

// statusError maps a non-2xx answer. The body is read for a message only; the request is never
// quoted.
func statusError(ex *exchange, err error) error {
	var netErr graphql.NetworkError
	msg := http.StatusText(ex.status)
	if errors.As(err, &netErr) {
		if m := bodyMessage(netErr.Body()); m != "" {
			msg = m
		}
	}

	switch {
	case ex.status == http.StatusTooManyRequests:
		return &RateLimitError{RetryAfter: parseRetryAfter(ex.retryAfter), Message: msg}
	case isAuthStatus(ex.status):
		return &AuthError{StatusCode: ex.status, Message: msg}
	default:
		return &APIError{StatusCode: ex.status, Message: msg}
	}
}

// bodyMessage picks a short message out of an error body: the first GraphQL error message, a
// "message" field, or the first line of plain text.
func bodyMessage(body string) string {
	var parsed struct {
		Message string `json:"message"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &parsed) == nil {
		if len(parsed.Errors) > 0 && parsed.Errors[0].Message != "" {
			return clip(parsed.Errors[0].Message)
		}

		return clip(parsed.Message)
	}

	if strings.HasPrefix(strings.TrimSpace(body), "<") {
		return ""
	}

	line, _, _ := strings.Cut(strings.TrimSpace(body), "\n")

	return clip(line)
}

func clip(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "..."
	}

	return s
}

func isAuthStatus(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden
}

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}

	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return seconds(secs)
	}

	if at, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(at), 0), maxRetryAfter)
	}

	return 0
}

// maxRetryAfter caps the wait a server may ask for, so that a bad header cannot stall a run
// for days or overflow.
const maxRetryAfter = time.Hour

// seconds converts a wait in seconds, clamped to zero and maxRetryAfter.
func seconds(secs float64) time.Duration {
	switch {
	case math.IsNaN(secs), secs <= 0:
		return 0
	case secs >= maxRetryAfter.Seconds():
		return maxRetryAfter
	default:
		return time.Duration(secs * float64(time.Second))
	}
}

func intValue(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	case string:
		i, _ := strconv.Atoi(n)
		return i
	default:
		return 0
	}
}
