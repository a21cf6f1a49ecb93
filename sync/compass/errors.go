package compass

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"
)

// Error types that Compass puts in error extensions and that the client acts on.
const (
	ErrorTypeComponentNotFound = "COMPONENT_NOT_FOUND"
	ErrorTypeArgumentInvalid   = "ARGUMENT_INVALID"
)

var (
	// ErrUnauthorized is matched by every *AuthError: Compass answered 401 or 403, over HTTP or
	// inside a GraphQL error. The credentials are wrong, expired or lack the Compass scopes.
	ErrUnauthorized = errors.New("compass refused the credentials")

	// ErrNotFound is matched by an *APIError whose error type is COMPONENT_NOT_FOUND, for example
	// when no component carries the requested external alias.
	ErrNotFound = errors.New("compass component not found")

	// ErrRateLimited is matched by every *RateLimitError.
	ErrRateLimited = errors.New("compass rate limit reached")

	// ErrNoCloudID is returned by CloudID when tenantContexts knows no cloud for the site's host.
	ErrNoCloudID = errors.New("compass site has no cloud id")

	// ErrEmptyBatch is returned by SendBatch when the batch holds no mutation.
	ErrEmptyBatch = errors.New("compass batch is empty")

	// ErrTooManyTerms is returned by SearchTeamsEach for no term or for more than
	// MaxTeamSearchesPerRequest terms.
	ErrTooManyTerms = errors.New("wrong number of compass team searches for one request")

	// ErrInvalidOption is returned by New for a site URL or an option it cannot use.
	ErrInvalidOption = errors.New("invalid compass client option")

	// ErrUnexpectedResponse is returned when Compass answers with data the client cannot read,
	// for example an alias missing from a batch answer.
	ErrUnexpectedResponse = errors.New("unexpected compass response")
)

// APIError is an error that Compass reported: a mutation payload error, a QueryError result, a
// top-level GraphQL error, or a non-2xx HTTP response that is neither an auth failure nor a
// rate limit.
type APIError struct {
	// StatusCode is the HTTP status, or the statusCode from the error's extensions when the
	// error came inside an HTTP 200 answer.
	StatusCode int
	// ErrorType is Compass's errorType (COMPONENT_NOT_FOUND, ARGUMENT_INVALID, ...), or empty.
	ErrorType string
	Message   string
}

// Error describes the failure without any request detail.
func (e *APIError) Error() string {
	switch {
	case e.ErrorType != "":
		return fmt.Sprintf("compass error %d %s: %s", e.StatusCode, e.ErrorType, e.Message)
	case e.Message != "":
		return fmt.Sprintf("compass error %d: %s", e.StatusCode, e.Message)
	default:
		return fmt.Sprintf("compass error %d", e.StatusCode)
	}
}

// Is reports whether the error is ErrNotFound.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.ErrorType == ErrorTypeComponentNotFound
}

// RateLimitError is returned when Compass answered HTTP 429, or HTTP 200 with an error whose
// extensions carry statusCode 429. The whole request was refused.
type RateLimitError struct {
	// RetryAfter is the wait Compass asked for in its Retry-After header, or zero when it named
	// none.
	RetryAfter time.Duration
	Message    string
}

// Error describes the limit and the wait asked for.
func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("compass rate limit reached, retry after %s", e.RetryAfter)
	}

	return "compass rate limit reached"
}

// Is reports whether the error is ErrRateLimited.
func (e *RateLimitError) Is(target error) bool {
	return target == ErrRateLimited
}

// AuthError is returned when Compass refused the credentials (401) or the permission (403).
type AuthError struct {
	StatusCode int
	Message    string
}

// Error describes the refusal; it never carries the credentials.
func (e *AuthError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("compass refused the credentials (%d): %s", e.StatusCode, e.Message)
	}

	return fmt.Sprintf("compass refused the credentials (%d)", e.StatusCode)
}

// Is reports whether the error is ErrUnauthorized.
func (e *AuthError) Is(target error) bool {
	return target == ErrUnauthorized
}

// IsTransient reports whether err is worth retrying later: a rate limit, a 5xx or 408 answer, a
// timeout, or a connection that was reset or cut short. Auth failures, refused connections,
// cancelled contexts and every other Compass error are permanent.
func IsTransient(err error) bool {
	var rateLimit *RateLimitError
	var apiErr *APIError
	var netErr net.Error

	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &rateLimit):
		return true
	case errors.As(err, &apiErr):
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusRequestTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.As(err, &netErr):
		return netErr.Timeout()
	default:
		return errors.Is(err, context.DeadlineExceeded)
	}
}
