package store

import (
	"bytes"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// The audit record put together from the entry's encoding is byte for byte
// the codec's encoding of the record, whatever the entry holds: text JSON
// escapes (quotes, <, &, a line break, U+2028), no detail, no case, the first
// entry (no previous hash).
func TestEncodeChainedIsTheCodecs(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 123, time.UTC)
	entries := []mediation.AuditEntry{
		{Seq: 1, At: at, Actor: "system", Action: mediation.AuditUserCreate, Object: "user:1"},
		{Seq: 2, CaseID: 7, At: at, Actor: "p:19", Action: mediation.AuditSubmissionCreate, Object: "submission:12",
			Detail: map[string]string{"kind": "proposal", "party": "19", "supersedes": "11"}},
		{Seq: 3, CaseID: 7, At: at, Actor: `u:"7"<&>`, Action: "x\ny\u2028", Object: "案件:7",
			Detail: map[string]string{"z": `"<b>&`, "a": "\t\\"}},
	}
	for _, prev := range []string{"", hashLink("", []byte("{}"))} {
		for _, e := range entries {
			entry, err := encode(&e)
			if err != nil {
				t.Fatal(err)
			}
			hash := hashLink(prev, entry)
			if want, err := linkHash(prev, &e); err != nil || hash != want {
				t.Fatalf("hashLink %s, linkHash %s (%v)", hash, want, err)
			}
			want, err := encode(&chained{Entry: e, Prev: prev, Hash: hash})
			if err != nil {
				t.Fatal(err)
			}
			if got := encodeChained(entry, prev, hash); !bytes.Equal(got, want) {
				t.Errorf("entry %d after %q:\n got %s\nwant %s", e.Seq, prev, got, want)
			}
		}
	}
}

// The head taken from the last one written is the one its bytes decode to,
// and other bytes are decoded, not taken for it.
func TestAuditHeadOfOtherBytesIsDecoded(t *testing.T) {
	for _, be := range internalBackends {
		t.Run(be.name, func(t *testing.T) {
			db, err := be.place(t)()
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for i := range 3 {
				if err := db.RecordNow(mediation.AuditEntry{Actor: "system", Action: mediation.AuditLogin, Object: "login"}); err != nil {
					t.Fatal(err)
				}
				h, err := db.AuditHead()
				if err != nil || h.Seq != uint64(i+1) {
					t.Fatalf("head %+v (%v), want seq %d", h, err, i+1)
				}
				// Another database's head in the memo must not be taken for this one's.
				lastHead.Store(&storedHead{raw: []byte(`{"seq":99,"hash":"x"}`), head: Head{Seq: 99, Hash: "x"}})
			}
			if _, err := db.VerifyAudit(nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}
