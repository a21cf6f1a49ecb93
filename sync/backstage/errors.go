package backstage

import (
	"errors"
	"fmt"
	"net/http"
)

var (
	// ErrNotCatalog is returned when the base URL answers, but not as a Backstage catalog: a 404
	// with an empty body (an unknown route) or a success answer that is not JSON (a web page).
	// The base URL is almost always wrong: it must be the backend's base URL, the one in front of
	// /api/catalog.
	ErrNotCatalog = errors.New(
		"no backstage catalog at this address: check the base URL (the backend URL in front of /api/catalog)")

	// ErrUnauthorized is returned, wrapped in an *APIError or a *TokenError, when the catalog or
	// the token endpoint rejects the credentials (HTTP 401).
	ErrUnauthorized = errors.New("backstage rejected the credentials")

	// ErrForbidden is returned, wrapped in an *APIError, when the credentials are valid but may not
	// read the catalog (HTTP 403).
	ErrForbidden = errors.New("backstage denied access to the catalog")

	// ErrNotFound is returned, wrapped in an *APIError, when the catalog answers NotFoundError:
	// GetEntityByName for an entity that does not exist.
	ErrNotFound = errors.New("entity not found")

	// ErrBadCursor is returned, wrapped in an *APIError, when the catalog rejects the paging
	// cursor of a listing (HTTP 400 on a page after the first).
	ErrBadCursor = errors.New("backstage rejected the paging cursor")

	// ErrCursorLoop is returned by ListEntities when the catalog hands back a cursor it already
	// gave, which would page forever.
	ErrCursorLoop = errors.New("backstage returned the same paging cursor twice")

	// ErrInvalidRef is returned by ParseRef for a string that is not an entity ref.
	ErrInvalidRef = errors.New("invalid entity ref")

	// ErrInvalidPath is returned by ParsePath for a malformed entity path.
	ErrInvalidPath = errors.New("invalid entity path")

	// ErrInvalidEntity is returned when decoding a document that is not a JSON object.
	ErrInvalidEntity = errors.New("invalid entity document")

	// ErrInvalidConfig is returned by New for a base URL or option that cannot work.
	ErrInvalidConfig = errors.New("invalid backstage client configuration")
)

// APIError is an error answer from the catalog, decoded from Backstage's error JSON:
//
//	{"error": {"name": "NotFoundError", "message": "..."}, "response": {"statusCode": 404}}
//
// It unwraps to ErrUnauthorized, ErrForbidden, ErrNotFound or ErrBadCursor when one applies.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Name is Backstage's error type, such as "InputError" or "AuthenticationError"; empty when
	// the body was not Backstage's error JSON.
	Name string
	// Message is Backstage's error message, or a short excerpt of a body that was not JSON.
	Message string

	kind error
}

// Error describes the answer without any credential or full URL.
func (e *APIError) Error() string {
	name := e.Name
	if name == "" {
		name = http.StatusText(e.StatusCode)
	}
	if e.Message == "" {
		return fmt.Sprintf("backstage answered %d %s", e.StatusCode, name)
	}
	return fmt.Sprintf("backstage answered %d %s: %s", e.StatusCode, name, e.Message)
}

// Unwrap returns the sentinel that classifies the error, or nil.
func (e *APIError) Unwrap() error {
	return e.kind
}

// Retryable reports whether the same request may succeed later: a 5xx answer or 429.
func (e *APIError) Retryable() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests
}

// UnreachableError is returned when the catalog or the token endpoint cannot be reached at all:
// DNS failure, refused connection, TLS failure or a transport timeout.
type UnreachableError struct {
	// Host is the host and port that could not be reached.
	Host string
	// Err is the transport error, without the request URL.
	Err error
}

// Error names the host and the cause.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("backstage at %s is unreachable: %v", e.Host, e.Err)
}

// Unwrap returns the transport error.
func (e *UnreachableError) Unwrap() error {
	return e.Err
}

// Timeout reports whether the transport gave up waiting.
func (e *UnreachableError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// TokenError is returned when the OAuth2 token endpoint refuses a client credentials grant or
// answers something that holds no token. It unwraps to ErrUnauthorized for 400 invalid_client,
// 401 and 403 answers.
type TokenError struct {
	// StatusCode is the HTTP status of the token endpoint's answer.
	StatusCode int
	// Code is the OAuth2 error code, such as "invalid_client"; empty when none was given.
	Code string
	// Description is the OAuth2 error_description, or a short reason.
	Description string

	kind error
}

// Error describes the refusal without the client secret.
func (e *TokenError) Error() string {
	msg := fmt.Sprintf("token endpoint answered %d", e.StatusCode)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// Unwrap returns ErrUnauthorized when the credentials were refused, or nil.
func (e *TokenError) Unwrap() error {
	return e.kind
}
