package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Export formats accepted by ExportAudit.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

// keyAuditHead records the last sequence number and hash in the meta bucket, so that dropping
// entries from the end of the log is caught too.
var keyAuditHead = []byte("audit_head")

// Entry is one audit record: who did what to which target. Entries are only ever appended.
type Entry struct {
	// Seq is assigned by Append, starting at 1.
	Seq uint64 `json:"seq"`
	// Time is set by Append when zero, and always stored in UTC.
	Time    time.Time         `json:"time"`
	Actor   string            `json:"actor"`
	Action  string            `json:"action"`
	Target  string            `json:"target"`
	Details map[string]string `json:"details,omitempty"`
	// PrevHash is the hex SHA-256 of the previous entry, or 64 zeros for the first.
	PrevHash string `json:"prev_hash"`
	// Hash is the hex SHA-256 of PrevHash's bytes followed by the canonical entry.
	Hash string `json:"hash"`
}

// canonicalEntry is what an entry's hash covers. encoding/json writes struct fields in order
// and map keys sorted, so the encoding is stable.
type canonicalEntry struct {
	Seq     uint64            `json:"seq"`
	Time    string            `json:"time"`
	Actor   string            `json:"actor"`
	Action  string            `json:"action"`
	Target  string            `json:"target"`
	Details map[string]string `json:"details"`
}

func entryHash(prev []byte, e Entry) ([]byte, error) {
	// Stored entries omit empty details, so an empty map and nil must hash alike.
	if len(e.Details) == 0 {
		e.Details = nil
	}
	c, err := json.Marshal(canonicalEntry{
		Seq:     e.Seq,
		Time:    e.Time.UTC().Format(time.RFC3339Nano),
		Actor:   e.Actor,
		Action:  e.Action,
		Target:  e.Target,
		Details: e.Details,
	})
	if err != nil {
		return nil, fmt.Errorf("encoding audit entry: %w", err)
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(c)
	return h.Sum(nil), nil
}

// Append adds e to the audit log, assigning its sequence number, time (when zero) and hashes,
// and returns the entry as stored.
func (s *Store) Append(e Entry) (Entry, error) {
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	e.Time = e.Time.UTC()

	err := s.update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		seq, prev, err := auditHead(meta)
		if err != nil {
			return err
		}

		e.Seq, e.PrevHash = seq+1, hex.EncodeToString(prev)
		hash, err := entryHash(prev, e)
		if err != nil {
			return err
		}
		e.Hash = hex.EncodeToString(hash)

		v, err := encode(e)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketAudit).Put(seqKey(e.Seq), v); err != nil {
			return fmt.Errorf("writing audit entry %d: %w", e.Seq, err)
		}
		return meta.Put(keyAuditHead, append(seqKey(e.Seq), hash...))
	})
	if err != nil {
		return Entry{}, err
	}
	return e, nil
}

// auditHead returns the last sequence number and hash, or 0 and the zero hash for an empty log.
func auditHead(meta *bolt.Bucket) (uint64, []byte, error) {
	v := meta.Get(keyAuditHead)
	if v == nil {
		return 0, make([]byte, sha256.Size), nil
	}
	if len(v) != 8+sha256.Size {
		return 0, nil, fmt.Errorf("reading audit head: %w: %d bytes", ErrCorrupt, len(v))
	}
	return binary.BigEndian.Uint64(v[:8]), bytes.Clone(v[8:]), nil
}

// VerifyAudit walks the whole audit log and recomputes its hash chain. It returns an
// *AuditTamperedError naming the first entry that does not verify.
func (s *Store) VerifyAudit() error {
	return s.view(func(tx *bolt.Tx) error {
		prev := make([]byte, sha256.Size)
		var seq uint64
		err := tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
			seq++
			hash, err := verifyEntry(seq, prev, k, v)
			if err != nil {
				return err
			}
			prev = hash
			return nil
		})
		if err != nil {
			return err
		}
		return verifyHead(tx.Bucket(bucketMeta), seq, prev)
	})
}

func verifyEntry(seq uint64, prev, k, v []byte) ([]byte, error) {
	tampered := func(reason string) error { return &AuditTamperedError{Seq: seq, Reason: reason} }
	if !bytes.Equal(k, seqKey(seq)) {
		return nil, tampered("sequence number missing")
	}
	e, err := decodeEntry(v)
	if err != nil {
		return nil, tampered("record cannot be decoded")
	}
	if e.Seq != seq {
		return nil, tampered("record carries sequence number " + strconv.FormatUint(e.Seq, 10))
	}
	if e.PrevHash != hex.EncodeToString(prev) {
		return nil, tampered("previous hash does not match")
	}
	hash, err := entryHash(prev, e)
	if err != nil {
		return nil, err
	}
	if e.Hash != hex.EncodeToString(hash) {
		return nil, tampered("hash does not match the content")
	}
	return hash, nil
}

func verifyHead(meta *bolt.Bucket, last uint64, lastHash []byte) error {
	seq, hash, err := auditHead(meta)
	if err != nil {
		return &AuditTamperedError{Seq: last + 1, Reason: "head record cannot be decoded"}
	}
	if seq > last {
		return &AuditTamperedError{Seq: last + 1, Reason: fmt.Sprintf("entries %d to %d are missing", last+1, seq)}
	}
	if seq != last || !bytes.Equal(hash, lastHash) {
		return &AuditTamperedError{Seq: last, Reason: "last entry does not match the recorded head"}
	}
	return nil
}

// ExportAudit writes the audit log to w in sequence order as JSON lines (FormatJSONL) or CSV
// with a header row (FormatCSV); CSV cells that a spreadsheet would run as a formula get a
// leading single quote. It streams from one read transaction, which stays open until
// w has taken every entry.
func (s *Store) ExportAudit(w io.Writer, format string) error {
	var write func(Entry) error
	var flush func() error
	switch format {
	case FormatJSONL:
		enc := json.NewEncoder(w)
		write, flush = func(e Entry) error { return enc.Encode(e) }, func() error { return nil }
	case FormatCSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(csvHeader); err != nil {
			return fmt.Errorf("exporting audit log: %w", err)
		}
		write = func(e Entry) error { return cw.Write(csvRecord(e)) }
		flush = func() error {
			cw.Flush()
			return cw.Error()
		}
	default:
		return fmt.Errorf("exporting audit log as %q: %w", format, ErrUnknownFormat)
	}

	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
			e, err := decodeEntry(v)
			if err != nil {
				return fmt.Errorf("reading audit entry %x: %w", k, err)
			}
			return write(e)
		})
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("exporting audit log: %w", err)
	}
	return nil
}

var csvHeader = []string{"seq", "time", "actor", "action", "target", "details", "prev_hash", "hash"}

func csvRecord(e Entry) []string {
	details := ""
	if len(e.Details) > 0 {
		b, _ := json.Marshal(e.Details) // a map of strings always encodes
		details = string(b)
	}
	return []string{
		strconv.FormatUint(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano),
		csvText(e.Actor), csvText(e.Action), csvText(e.Target), details, e.PrevHash, e.Hash,
	}
}

// csvText keeps a spreadsheet from running a cell as a formula: actors and targets can come from
// Backstage entity names. The JSON lines export stays verbatim and is what the hashes cover.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}
