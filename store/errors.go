package store

import (
	"errors"
	"fmt"
)

var (
	// ErrLocked is returned by Open when another process holds the database file lock for longer
	// than the lock timeout. Only one backstage-sync may use a data directory at a time.
	ErrLocked = errors.New("database is locked by another process")

	// ErrNewerSchema is returned by Open when the database was written by a newer version of the
	// app than this one. The database is left untouched; the user has to upgrade the app.
	ErrNewerSchema = errors.New("database schema is newer than this app")

	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("store is closed")

	// ErrNotFound is returned by the lookups (LinkByRef, LinkByComponent, Status, GetRun, GetMeta)
	// when nothing is stored under the key.
	ErrNotFound = errors.New("not found")

	// ErrInvalidSettings is returned by SaveSettings when the settings fail their own validation.
	// What was stored before stays untouched.
	ErrInvalidSettings = errors.New("invalid settings")

	// ErrSecretInSettings is returned by SaveSettings when the encoded settings carry a non-empty
	// value under a key named like a token, secret or password. Secrets belong in the OS keyring.
	ErrSecretInSettings = errors.New("settings contain a secret")

	// ErrInvalidRecord is returned by the write methods when a record lacks what identifies it
	// (an empty ref, run id or intent id).
	ErrInvalidRecord = errors.New("invalid record")

	// ErrComponentLinked is returned by PutLinks when a component is already linked to another
	// entity ref. Use ReplaceLink to move a link from one ref to another.
	ErrComponentLinked = errors.New("component is linked to another entity")

	// ErrCorrupt is returned when a stored record cannot be decoded.
	ErrCorrupt = errors.New("stored record is corrupt")

	// ErrAuditTampered is matched by the *AuditTamperedError that VerifyAudit returns when the
	// audit hash chain is broken.
	ErrAuditTampered = errors.New("audit log has been tampered with")

	// ErrUnknownFormat is returned by ExportAudit for a format other than "jsonl" or "csv".
	ErrUnknownFormat = errors.New("unknown export format")

	// ErrInvalidOption is returned by Open when an option has a value that cannot work.
	ErrInvalidOption = errors.New("invalid option")
)

// AuditTamperedError reports the first audit entry whose hash chain does not hold.
type AuditTamperedError struct {
	// Seq is the sequence number of the first entry that fails verification.
	Seq uint64
	// Reason says what did not match.
	Reason string
}

// Error describes the broken entry.
func (e *AuditTamperedError) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", e.Seq, e.Reason)
}

// Is makes errors.Is(err, ErrAuditTampered) true.
func (e *AuditTamperedError) Is(target error) bool {
	return target == ErrAuditTampered
}
