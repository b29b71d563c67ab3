package store

import (
	"bytes"
	"fmt"
	"slices"
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

// A case's audit lists every entry about it once, in order, page by page
// and newest first: the entries audit_by_case lists and the creations of the
// case's submissions, which it does not (a submission's ID is its creation's
// number). The fixture's submissions were made before that rule: their
// creations are in audit_by_case, and the entries their IDs number are
// others', of their case or another's, which the lists must not take for
// creations nor give twice.
func TestCaseAuditListsEveryEntryOnce(t *testing.T) {
	db := openFixture(t)
	cases, _, err := db.Cases(CaseFilter{All: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// One more made the old way, numbered as the first entry about its case.
	old, _, err := db.Submissions(SubmissionFilter{Case: 1})
	if err != nil || len(old) == 0 {
		t.Fatalf("the fixture's case 1 has no submissions (%v)", err)
	}
	first, _, err := db.CaseAudit(1, 0, 1)
	if err != nil || len(first) == 0 {
		t.Fatalf("the fixture's case 1 has no audit (%v)", err)
	}
	oldWay := old[0]
	oldWay.ID, oldWay.Supersedes, oldWay.ReleasedAt, oldWay.Released = mediation.ID(first[0].Seq), 0, nil, false
	err = db.update(func(tx Tx) error {
		if tx.Bucket(submissionRecords.bucket).Get(idKey(oldWay.ID)) != nil {
			return fmt.Errorf("the fixture has a submission %d already", oldWay.ID)
		}
		var ch change
		submissionRecords.put(&ch, idKey(oldWay.ID), &oldWay)
		ch.log(mediation.AuditEntry{CaseID: 1, At: oldWay.CreatedAt, Actor: "system",
			Action: mediation.AuditSubmissionCreate, Object: "submission:" + oldWay.ID.String()})
		return commit(tx, &ch)
	})
	if err != nil {
		t.Fatal(err)
	}
	var own, other int // the old submissions whose IDs number an entry of their case, of another
	err = db.view(func(tx Tx) error {
		return tx.Bucket(submissionRecords.bucket).ForEach(func(k, v []byte) error {
			s, err := submissionRecords.get(tx, k)
			if err != nil {
				return err
			}
			ch, err := auditRecords.get(tx, k)
			if err != nil {
				return err
			}
			if createsItsSubmission(&ch.Entry) {
				t.Errorf("fixture submission %d: its creation is numbered as its ID", s.ID)
			}
			if ch.Entry.CaseID == s.CaseID {
				own++
			} else {
				other++
			}
			return nil
		})
	})
	if err != nil || own == 0 || other == 0 {
		t.Fatalf("the fixture's submission IDs number %d entries of their own cases and %d of others (%v): the test proves nothing for one of them", own, other, err)
	}

	// New submissions in every case that takes them, between other entries.
	var made []*mediation.Submission
	for _, c := range cases {
		if c.Status.AcceptsSubmissions() != nil {
			continue
		}
		parties, err := db.Parties(c.ID)
		if err != nil || len(parties) == 0 {
			continue
		}
		for i := range 3 {
			s, err := mediation.NewSubmission(mediation.SubmissionInput{Kind: mediation.SubmissionPosition, Body: "新的材料"},
				c.ID, parties[0].ID, 0, time.Date(2027, 1, 2, 3, 4, i, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CreateSubmission(s, mediation.PartySubject(parties[0].ID)); err != nil {
				t.Fatal(err)
			}
			made = append(made, s)
			if _, err := db.ReleaseSubmission(s.ID, mediation.PartySubject(parties[0].ID)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(made) == 0 {
		t.Fatal("no case of the fixture takes submissions")
	}
	if err := db.CheckIndexes(); err != nil {
		t.Fatal(err)
	}

	// What each case's audit is: every entry of the chain about it.
	want := map[mediation.ID][]uint64{}
	err = db.view(func(tx Tx) error {
		for _, s := range made {
			ch, err := auditRecords.get(tx, idKey(s.ID))
			if err != nil || !createsItsSubmission(&ch.Entry) || ch.Entry.CaseID != s.CaseID {
				t.Errorf("submission %d: the entry its ID numbers is %+v (%v), not its creation", s.ID, ch, err)
			}
			if tx.Bucket(auditByCase.bucket).Get(under(s.CaseID, idKey(s.ID))) != nil {
				t.Errorf("submission %d: its creation has an entry in audit_by_case", s.ID)
			}
		}
		return tx.Bucket(auditRecords.bucket).ForEach(func(k, v []byte) error {
			ch, err := auditRecords.get(tx, k)
			if err != nil {
				return err
			}
			if ch.Entry.CaseID != 0 {
				want[ch.Entry.CaseID] = append(want[ch.Entry.CaseID], ch.Entry.Seq)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		var pages []uint64
		for cursor := uint64(0); ; {
			page, next, err := db.CaseAudit(c.ID, cursor, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page {
				pages = append(pages, e.Seq)
			}
			if next == 0 {
				break
			}
			cursor = next
		}
		if !slices.Equal(pages, want[c.ID]) {
			t.Errorf("case %d: CaseAudit in pages of 3 lists %v, want %v", c.ID, pages, want[c.ID])
		}
		for _, n := range []int{1, 4, len(want[c.ID]), len(want[c.ID]) + 1} {
			latest, more, err := db.LatestCaseAudit(c.ID, n)
			if err != nil {
				t.Fatal(err)
			}
			var got []uint64
			for _, e := range latest {
				got = append(got, e.Seq)
			}
			newest := slices.Clone(want[c.ID])
			slices.Reverse(newest)
			newest = newest[:min(n, len(newest))]
			if !slices.Equal(got, newest) || more != (n < len(want[c.ID])) {
				t.Errorf("case %d: LatestCaseAudit(%d) lists %v (more %v), want %v", c.ID, n, got, more, newest)
			}
		}
	}
}
