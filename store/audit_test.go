package store

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func appendEntries(t *testing.T, s *Store, n int) []Entry {
	t.Helper()
	var out []Entry
	for i := 0; i < n; i++ {
		e, err := s.Append(Entry{
			Actor: "admin@example.com", Action: "settings.save", Target: "settings",
			Details: map[string]string{"field": "schedule", "to": "hourly", "n": string(rune('a' + i))},
		})
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func TestAppendChainsEntries(t *testing.T) {
	t.Parallel()
	s := openTest(t, WithClock(func() time.Time { return seen.In(time.FixedZone("CET", 3600)) }))

	entries := appendEntries(t, s, 3)

	for i, e := range entries {
		if e.Seq != uint64(i+1) {
			t.Errorf("entry %d has seq %d", i, e.Seq)
		}
		if !e.Time.Equal(seen) || e.Time.Location() != time.UTC {
			t.Errorf("entry %d time = %v, want %v in UTC", i, e.Time, seen)
		}
		if len(e.Hash) != 64 {
			t.Errorf("entry %d hash %q is not a hex SHA-256", i, e.Hash)
		}
	}
	if entries[0].PrevHash != strings.Repeat("0", 64) {
		t.Errorf("first entry prev hash = %s, want zeros", entries[0].PrevHash)
	}
	if entries[2].PrevHash != entries[1].Hash {
		t.Errorf("entry 3 prev hash %s does not chain to entry 2 hash %s", entries[2].PrevHash, entries[1].Hash)
	}
	if err := s.VerifyAudit(); err != nil {
		t.Errorf("VerifyAudit on an untouched log: %v", err)
	}
}

func TestConcurrentAppendsKeepTheChain(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	const writers, each = 4, 25
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Go(func() {
			for i := 0; i < each; i++ {
				if _, err := s.Append(Entry{Actor: "sync", Action: "run", Target: "t"}); err != nil {
					t.Errorf("Append: %v", err)
				}
			}
		})
	}
	wg.Wait()

	if err := s.VerifyAudit(); err != nil {
		t.Errorf("VerifyAudit: %v", err)
	}
	var buf bytes.Buffer
	if err := s.ExportAudit(&buf, FormatJSONL); err != nil {
		t.Fatalf("ExportAudit: %v", err)
	}
	if n := strings.Count(buf.String(), "\n"); n != writers*each {
		t.Errorf("exported %d entries, want %d", n, writers*each)
	}
}

func TestEntriesWithoutDetailsVerify(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	for _, details := range []map[string]string{nil, {}} {
		if _, err := s.Append(Entry{Actor: "a", Action: "b", Target: "c", Details: details}); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}

	if err := s.VerifyAudit(); err != nil {
		t.Errorf("VerifyAudit: %v", err)
	}
}

func TestVerifyAuditFindsTheFirstBrokenEntry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tamper  func(t *testing.T, b *bolt.Bucket, meta *bolt.Bucket)
		wantSeq uint64
	}{
		{
			name:    "an edited actor breaks its entry",
			tamper:  editEntry(2, func(e *Entry) { e.Actor = "someone-else" }),
			wantSeq: 2,
		},
		{
			name:    "an edited detail breaks its entry",
			tamper:  editEntry(3, func(e *Entry) { e.Details["to"] = "never" }),
			wantSeq: 3,
		},
		{
			name: "an edit with a recomputed hash breaks the next entry",
			tamper: editEntry(2, func(e *Entry) {
				e.Action = "sync.run"
				prev, _ := hexDecode(e.PrevHash)
				h, _ := entryHash(prev, *e)
				e.Hash = hexEncode(h)
			}),
			wantSeq: 3,
		},
		{
			name: "a deleted entry in the middle is found",
			tamper: func(t *testing.T, b, _ *bolt.Bucket) {
				if err := b.Delete(seqKey(2)); err != nil {
					t.Fatal(err)
				}
			},
			wantSeq: 2,
		},
		{
			name: "entries cut from the end are found",
			tamper: func(t *testing.T, b, _ *bolt.Bucket) {
				if err := b.Delete(seqKey(4)); err != nil {
					t.Fatal(err)
				}
			},
			wantSeq: 4,
		},
		{
			name: "a record that is no longer JSON is found",
			tamper: func(t *testing.T, b, _ *bolt.Bucket) {
				if err := b.Put(seqKey(1), []byte("garbage")); err != nil {
					t.Fatal(err)
				}
			},
			wantSeq: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			appendEntries(t, s, 4)
			path := s.Path()
			s.Close()
			rawUpdate(t, path, func(tx *bolt.Tx) error {
				tt.tamper(t, tx.Bucket(bucketAudit), tx.Bucket(bucketMeta))
				return nil
			})
			s, err := Open(path)
			if err != nil {
				t.Fatalf("reopening: %v", err)
			}
			defer s.Close()

			err = s.VerifyAudit()
			var tampered *AuditTamperedError
			if !errors.As(err, &tampered) || !errors.Is(err, ErrAuditTampered) {
				t.Fatalf("VerifyAudit = %v, want *AuditTamperedError", err)
			}
			if tampered.Seq != tt.wantSeq {
				t.Errorf("first broken entry = %d (%s), want %d", tampered.Seq, tampered.Reason, tt.wantSeq)
			}
		})
	}
}

func editEntry(seq uint64, edit func(*Entry)) func(t *testing.T, b, meta *bolt.Bucket) {
	return func(t *testing.T, b, _ *bolt.Bucket) {
		e, err := decodeEntry(b.Get(seqKey(seq)))
		if err != nil {
			t.Fatal(err)
		}
		edit(&e)
		v, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Put(seqKey(seq), v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExportAudit(t *testing.T) {
	t.Parallel()
	s := openTest(t, WithClock(func() time.Time { return seen }))
	entries := appendEntries(t, s, 3)

	t.Run("jsonl writes one entry per line", func(t *testing.T) {
		var buf bytes.Buffer
		if err := s.ExportAudit(&buf, FormatJSONL); err != nil {
			t.Fatalf("ExportAudit: %v", err)
		}
		sc := bufio.NewScanner(&buf)
		n := 0
		for sc.Scan() {
			var e Entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("line %d: %v", n+1, err)
			}
			if e.Hash != entries[n].Hash || e.Details["n"] != entries[n].Details["n"] {
				t.Errorf("line %d = %+v, want %+v", n+1, e, entries[n])
			}
			n++
		}
		if n != len(entries) {
			t.Errorf("exported %d lines, want %d", n, len(entries))
		}
	})

	t.Run("csv writes a header and one row per entry", func(t *testing.T) {
		var buf bytes.Buffer
		if err := s.ExportAudit(&buf, FormatCSV); err != nil {
			t.Fatalf("ExportAudit: %v", err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("reading csv: %v", err)
		}
		if len(rows) != len(entries)+1 || strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
			t.Fatalf("csv rows = %v", rows)
		}
		last := rows[len(rows)-1]
		if last[0] != "3" || last[1] != "2026-11-02T09:30:00Z" || last[7] != entries[2].Hash {
			t.Errorf("last row = %v", last)
		}
		if last[5] != `{"field":"schedule","n":"c","to":"hourly"}` {
			t.Errorf("details column = %s", last[5])
		}
	})

	t.Run("csv cells that look like formulas are quoted", func(t *testing.T) {
		s := openTest(t)
		if _, err := s.Append(Entry{Actor: "=HYPERLINK(1)", Action: "sync", Target: "@x"}); err != nil {
			t.Fatalf("Append: %v", err)
		}
		var buf bytes.Buffer
		if err := s.ExportAudit(&buf, FormatCSV); err != nil {
			t.Fatalf("ExportAudit: %v", err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("reading csv: %v", err)
		}
		if got := rows[1][2] + " " + rows[1][3] + " " + rows[1][4]; got != "'=HYPERLINK(1) sync '@x" {
			t.Errorf("actor, action, target = %s", got)
		}
	})

	t.Run("an unknown format is refused", func(t *testing.T) {
		if err := s.ExportAudit(&bytes.Buffer{}, "xml"); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("ExportAudit(xml) = %v, want ErrUnknownFormat", err)
		}
	})
}

func hexDecode(s string) ([]byte, error) { return hex.DecodeString(s) }
func hexEncode(b []byte) string          { return hex.EncodeToString(b) }
