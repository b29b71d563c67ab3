package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
)

// Verify runs every check of the file: its pages (Tx.Check), every index
// against its records (CheckIndexes) and the audit chain (VerifyAudit, through
// since when it is not nil). It returns the verified audit head and every
// problem found, joined. When the pages are damaged, the other checks are
// skipped: reading a damaged file proves nothing and may crash.
func (db *DB) Verify(since *Head) (head Head, err error) {
	defer func() {
		// bbolt panics on some kinds of damage; a check reports it instead.
		if r := recover(); r != nil {
			err = fmt.Errorf("store: reading the file failed (it is damaged): %v", r)
		}
	}()
	if err := db.checkPages(); err != nil {
		return Head{}, errors.Join(err, errors.New("indexes and audit chain not checked: the pages must be sound first"))
	}
	var errs []error
	if err := db.CheckIndexes(); err != nil {
		errs = append(errs, err)
	}
	head, err = db.VerifyAudit(since)
	if err != nil {
		errs = append(errs, fmt.Errorf("audit chain: %w", err))
	}
	return head, errors.Join(errs...)
}

// checkPages runs bbolt's Tx.Check. Beside writers it must run in a writable
// transaction (Check); a read-only file has none, and cannot start one.
func (db *DB) checkPages() error {
	if !db.bolt.IsReadOnly() {
		return db.Check()
	}
	return db.bolt.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, fmt.Errorf("pages: %w", err))
		}
		return errors.Join(errs...)
	})
}

// IndexError is one disagreement between an index bucket and the records it
// indexes: an entry that points nowhere or says something its record does
// not, or a record without the entry it should have.
type IndexError struct {
	Bucket  string // the index bucket, e.g. "cases_by_status"
	Key     string // the entry's key, readable: "intake, case 3"
	Problem string
}

func (e *IndexError) Error() string {
	return fmt.Sprintf("index %s [%s]: %s", e.Bucket, e.Key, e.Problem)
}

// CheckIndexes verifies every index against its records, in one read
// transaction: each entry of cases_by_mediator, cases_by_status,
// parties_by_case, submissions_by_case, submissions_by_party,
// submissions_released, invitations_by_party, users_by_name,
// logins_by_party and audit_by_case must point to an existing record that
// agrees with it, and each record must have exactly the entries it should.
// It returns every problem, each an *IndexError (or a decoding error naming
// the record), joined.
func (db *DB) CheckIndexes() error {
	var errs []error
	err := db.view(func(tx *bolt.Tx) error {
		errs = newIndexCheck(tx).run()
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: check indexes: %w", err)
	}
	return errors.Join(errs...)
}

type indexCheck struct {
	tx   *bolt.Tx
	errs []error
}

func newIndexCheck(tx *bolt.Tx) *indexCheck { return &indexCheck{tx: tx} }

func (ic *indexCheck) problem(bucket []byte, key string, format string, args ...any) {
	ic.errs = append(ic.errs, &IndexError{Bucket: string(bucket), Key: key, Problem: fmt.Sprintf(format, args...)})
}

func (ic *indexCheck) run() []error {
	// Only the buckets checked here must exist: a file last written by an
	// older program lacks buckets that Open would add.
	for _, name := range [][]byte{bucketUsers, bucketUsersByName, bucketLogins, bucketLoginsByParty,
		bucketInvitations, bucketInvitationParty, bucketCases, bucketCasesByMediator, bucketCasesByStatus,
		bucketParties, bucketPartiesByCase, bucketSubmissions, bucketSubsByCase, bucketSubsByParty,
		bucketSubsReleased, bucketAudit, bucketAuditByCase} {
		if ic.tx.Bucket(name) == nil {
			ic.errs = append(ic.errs, fmt.Errorf("bucket %s is missing", name))
		}
	}
	if len(ic.errs) > 0 {
		return ic.errs
	}
	// Every entry agrees with its record...
	ic.casesByMediator()
	ic.casesByStatus()
	ic.pairIndex(bucketPartiesByCase, "case", "party", ic.partyCase)
	ic.pairIndex(bucketSubsByCase, "case", "submission", ic.submissionCase)
	ic.pairIndex(bucketSubsByParty, "party", "submission", ic.submissionParty)
	ic.pairIndex(bucketSubsReleased, "case", "submission", ic.submissionReleased)
	ic.invitationsByParty()
	ic.usersByName()
	ic.loginsByParty()
	ic.pairIndex(bucketAuditByCase, "case", "entry", ic.auditCase)
	// ...and every record has its entries.
	ic.eachCase()
	ic.eachParty()
	ic.eachSubmission()
	ic.eachInvitation()
	ic.eachUser()
	ic.eachLogin()
	ic.eachAuditEntry()
	return ic.errs
}

// has reports whether b holds key. Index entries have empty values, which Get
// does not tell apart from absence everywhere; a cursor does.
func has(b *bolt.Bucket, key []byte) bool {
	k, _ := b.Cursor().Seek(key)
	return bytes.Equal(k, key)
}

// record decodes the record at key of bucket into v; found is false when
// there is none. A record that does not decode is reported and not found.
func (ic *indexCheck) record(bucket, key []byte, v any) (found bool) {
	b := ic.tx.Bucket(bucket).Get(key)
	if b == nil {
		return false
	}
	if err := decode(b, v); err != nil {
		ic.errs = append(ic.errs, fmt.Errorf("record %s [%x]: %w", bucket, key, err))
		return false
	}
	return true
}

func (ic *indexCheck) getCase(id mediation.ID) (*mediation.Case, bool) {
	var c mediation.Case
	return &c, ic.record(bucketCases, itob(uint64(id)), &c)
}

// pairIndex checks an index of owner-member pairs (two big-endian IDs, no
// value): agrees(owner, member) says what is wrong with the entry, or "".
func (ic *indexCheck) pairIndex(bucket []byte, owner, member string, agrees func(owner, member mediation.ID) string) {
	ic.tx.Bucket(bucket).ForEach(func(k, v []byte) error {
		if len(k) != 16 {
			ic.problem(bucket, fmt.Sprintf("%x", k), "the key has %d bytes, want 16 (%s ID, %s ID)", len(k), owner, member)
			return nil
		}
		o, m := mediation.ID(btoi(k[:8])), mediation.ID(btoi(k[8:]))
		key := fmt.Sprintf("%s %d, %s %d", owner, o, member, m)
		if len(v) != 0 {
			ic.problem(bucket, key, "the entry carries a value (%d bytes); entries of this index have none", len(v))
		}
		if p := agrees(o, m); p != "" {
			ic.problem(bucket, key, "%s", p)
		}
		return nil
	})
}

func (ic *indexCheck) casesByMediator() {
	ic.pairIndex(bucketCasesByMediator, "mediator", "case", func(user, caseID mediation.ID) string {
		c, ok := ic.getCase(caseID)
		switch {
		case !ok:
			return fmt.Sprintf("points to case %d, which does not exist", caseID)
		case !c.HasMediator(user):
			return fmt.Sprintf("case %d does not list user %d among its mediators %v", caseID, user, c.Mediators)
		}
		return ""
	})
}

func (ic *indexCheck) casesByStatus() {
	ic.tx.Bucket(bucketCasesByStatus).ForEach(func(k, v []byte) error {
		if len(k) < 10 || k[len(k)-9] != 0 {
			ic.problem(bucketCasesByStatus, fmt.Sprintf("%x", k), "the key is not a status, a zero byte and a case ID")
			return nil
		}
		status, id := mediation.Status(k[:len(k)-9]), mediation.ID(btoi(k[len(k)-8:]))
		key := fmt.Sprintf("%s, case %d", status, id)
		if len(v) != 0 {
			ic.problem(bucketCasesByStatus, key, "the entry carries a value (%d bytes); entries of this index have none", len(v))
		}
		c, ok := ic.getCase(id)
		switch {
		case !ok:
			ic.problem(bucketCasesByStatus, key, "points to case %d, which does not exist", id)
		case c.Status != status:
			ic.problem(bucketCasesByStatus, key, "case %d has status %s, not %s", id, c.Status, status)
		}
		return nil
	})
}

func (ic *indexCheck) partyCase(caseID, partyID mediation.ID) string {
	var p mediation.Party
	switch {
	case !ic.record(bucketParties, itob(uint64(partyID)), &p):
		return fmt.Sprintf("points to party %d, which does not exist", partyID)
	case p.CaseID != caseID:
		return fmt.Sprintf("party %d is a party of case %d, not of case %d", partyID, p.CaseID, caseID)
	}
	return ""
}

func (ic *indexCheck) submission(id mediation.ID) (*mediation.Submission, string) {
	var s mediation.Submission
	if !ic.record(bucketSubmissions, itob(uint64(id)), &s) {
		return nil, fmt.Sprintf("points to submission %d, which does not exist", id)
	}
	return &s, ""
}

func (ic *indexCheck) submissionCase(caseID, id mediation.ID) string {
	s, p := ic.submission(id)
	if s != nil && s.CaseID != caseID {
		p = fmt.Sprintf("submission %d belongs to case %d, not case %d", id, s.CaseID, caseID)
	}
	return p
}

func (ic *indexCheck) submissionParty(partyID, id mediation.ID) string {
	s, p := ic.submission(id)
	if s != nil && s.PartyID != partyID {
		p = fmt.Sprintf("submission %d was written by party %d, not party %d", id, s.PartyID, partyID)
	}
	return p
}

func (ic *indexCheck) submissionReleased(caseID, id mediation.ID) string {
	s, p := ic.submission(id)
	switch {
	case s == nil:
	case s.CaseID != caseID:
		p = fmt.Sprintf("submission %d belongs to case %d, not case %d", id, s.CaseID, caseID)
	case !s.Released:
		p = fmt.Sprintf("submission %d is not released: its author never consented to show it to the other parties", id)
	}
	return p
}

func (ic *indexCheck) auditCase(caseID mediation.ID, seq mediation.ID) string {
	var ch chained
	switch {
	case !ic.record(bucketAudit, itob(uint64(seq)), &ch):
		return fmt.Sprintf("points to audit entry %d, which does not exist", seq)
	case ch.Entry.CaseID != caseID:
		return fmt.Sprintf("audit entry %d is about case %d, not case %d", seq, ch.Entry.CaseID, caseID)
	}
	return ""
}

// hashPrefix shortens a token hash for a report: enough to find it, no more.
func hashPrefix(b []byte) string {
	if len(b) > 8 {
		b = b[:8]
	}
	return hex.EncodeToString(b) + "…"
}

func (ic *indexCheck) invitationsByParty() {
	ic.tx.Bucket(bucketInvitationParty).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			ic.problem(bucketInvitationParty, fmt.Sprintf("%x", k), "the key has %d bytes, want 8 (a party ID)", len(k))
			return nil
		}
		party := mediation.ID(btoi(k))
		key := fmt.Sprintf("party %d", party)
		var inv mediation.Invitation
		switch {
		case len(v) == 0:
			ic.problem(bucketInvitationParty, key, "the entry names no invitation")
		case !ic.record(bucketInvitations, v, &inv):
			ic.problem(bucketInvitationParty, key, "points to invitation %s, which does not exist", hashPrefix(v))
		case inv.PartyID != party:
			ic.problem(bucketInvitationParty, key, "points to invitation %s, which is party %d's", hashPrefix(v), inv.PartyID)
		}
		return nil
	})
}

func (ic *indexCheck) usersByName() {
	ic.tx.Bucket(bucketUsersByName).ForEach(func(k, v []byte) error {
		key := fmt.Sprintf("%q", k)
		if len(v) != 8 {
			ic.problem(bucketUsersByName, key, "the value has %d bytes, want 8 (a user ID)", len(v))
			return nil
		}
		id := mediation.ID(btoi(v))
		var u storedUser
		switch {
		case !ic.record(bucketUsers, v, &u):
			ic.problem(bucketUsersByName, key, "points to user %d, which does not exist", id)
		case u.Username != string(k):
			ic.problem(bucketUsersByName, key, "points to user %d, whose username is %q", id, u.Username)
		}
		return nil
	})
}

func (ic *indexCheck) loginsByParty() {
	ic.tx.Bucket(bucketLoginsByParty).ForEach(func(k, v []byte) error {
		if len(k) <= 8 {
			ic.problem(bucketLoginsByParty, fmt.Sprintf("%x", k), "the key has %d bytes, want a party ID and a login ID", len(k))
			return nil
		}
		party, id := mediation.ID(btoi(k[:8])), k[8:]
		key := fmt.Sprintf("party %d, login %s", party, hashPrefix(id))
		if len(v) != 0 {
			ic.problem(bucketLoginsByParty, key, "the entry carries a value (%d bytes); entries of this index have none", len(v))
		}
		var s Login
		switch {
		case !ic.record(bucketLogins, id, &s):
			ic.problem(bucketLoginsByParty, key, "points to a login that does not exist")
		case s.PartyID != party:
			ic.problem(bucketLoginsByParty, key, "the login is party %d's", s.PartyID)
		}
		return nil
	})
}

// keyAgrees reports a record stored under a key other than its own ID.
func (ic *indexCheck) keyAgrees(bucket, k []byte, id mediation.ID) {
	if len(k) != 8 || mediation.ID(btoi(k)) != id {
		ic.errs = append(ic.errs, fmt.Errorf("record %s [%x]: stored under another key than its ID %d", bucket, k, id))
	}
}

// want reports a missing entry of a value-less index.
func (ic *indexCheck) want(bucket []byte, key []byte, readable, record string) {
	if !has(ic.tx.Bucket(bucket), key) {
		ic.problem(bucket, readable, "missing: %s has no entry here", record)
	}
}

func (ic *indexCheck) eachCase() {
	ic.tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
		var c mediation.Case
		if !ic.record(bucketCases, k, &c) {
			return nil
		}
		ic.keyAgrees(bucketCases, k, c.ID)
		what := fmt.Sprintf("case %d", c.ID)
		ic.want(bucketCasesByStatus, statusKey(c.Status, c.ID), fmt.Sprintf("%s, case %d", c.Status, c.ID),
			fmt.Sprintf("%s (status %s)", what, c.Status))
		for _, m := range c.Mediators {
			ic.want(bucketCasesByMediator, pair(m, c.ID), fmt.Sprintf("mediator %d, case %d", m, c.ID),
				fmt.Sprintf("%s (mediator %d)", what, m))
		}
		return nil
	})
}

func (ic *indexCheck) eachParty() {
	ic.tx.Bucket(bucketParties).ForEach(func(k, v []byte) error {
		var p mediation.Party
		if !ic.record(bucketParties, k, &p) {
			return nil
		}
		ic.keyAgrees(bucketParties, k, p.ID)
		ic.want(bucketPartiesByCase, pair(p.CaseID, p.ID), fmt.Sprintf("case %d, party %d", p.CaseID, p.ID),
			fmt.Sprintf("party %d of case %d", p.ID, p.CaseID))
		return nil
	})
}

func (ic *indexCheck) eachSubmission() {
	ic.tx.Bucket(bucketSubmissions).ForEach(func(k, v []byte) error {
		var s mediation.Submission
		if !ic.record(bucketSubmissions, k, &s) {
			return nil
		}
		ic.keyAgrees(bucketSubmissions, k, s.ID)
		what := fmt.Sprintf("submission %d of case %d by party %d", s.ID, s.CaseID, s.PartyID)
		ic.want(bucketSubsByCase, pair(s.CaseID, s.ID), fmt.Sprintf("case %d, submission %d", s.CaseID, s.ID), what)
		ic.want(bucketSubsByParty, pair(s.PartyID, s.ID), fmt.Sprintf("party %d, submission %d", s.PartyID, s.ID), what)
		if s.Released {
			ic.want(bucketSubsReleased, pair(s.CaseID, s.ID), fmt.Sprintf("case %d, submission %d", s.CaseID, s.ID),
				"released "+what)
		}
		return nil
	})
}

func (ic *indexCheck) eachInvitation() {
	byParty := ic.tx.Bucket(bucketInvitationParty)
	ic.tx.Bucket(bucketInvitations).ForEach(func(k, v []byte) error {
		var inv mediation.Invitation
		if !ic.record(bucketInvitations, k, &inv) {
			return nil
		}
		key := fmt.Sprintf("party %d", inv.PartyID)
		switch got := byParty.Get(itob(uint64(inv.PartyID))); {
		case got == nil:
			ic.problem(bucketInvitationParty, key, "missing: invitation %s of party %d has no entry here", hashPrefix(k), inv.PartyID)
		case !bytes.Equal(got, k):
			ic.problem(bucketInvitationParty, key, "names invitation %s, but invitation %s of the same party is stored too (a replaced invitation was not removed)",
				hashPrefix(got), hashPrefix(k))
		}
		return nil
	})
}

func (ic *indexCheck) eachUser() {
	byName := ic.tx.Bucket(bucketUsersByName)
	ic.tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var u storedUser
		if !ic.record(bucketUsers, k, &u) {
			return nil
		}
		ic.keyAgrees(bucketUsers, k, u.ID)
		key := fmt.Sprintf("%q", u.Username)
		switch got := byName.Get([]byte(u.Username)); {
		case got == nil:
			ic.problem(bucketUsersByName, key, "missing: user %d has no entry here", u.ID)
		case !bytes.Equal(got, itob(uint64(u.ID))):
			// The entry itself was reported above if it points elsewhere.
			if len(got) == 8 {
				ic.problem(bucketUsersByName, key, "user %d has this username, but the entry points to user %d", u.ID, btoi(got))
			}
		}
		return nil
	})
}

func (ic *indexCheck) eachLogin() {
	ic.tx.Bucket(bucketLogins).ForEach(func(k, v []byte) error {
		var s Login
		if !ic.record(bucketLogins, k, &s) || s.PartyID == 0 {
			return nil
		}
		ic.want(bucketLoginsByParty, append(itob(uint64(s.PartyID)), k...),
			fmt.Sprintf("party %d, login %s", s.PartyID, hashPrefix(k)), fmt.Sprintf("a login of party %d", s.PartyID))
		return nil
	})
}

func (ic *indexCheck) eachAuditEntry() {
	ic.tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
		var ch chained
		if !ic.record(bucketAudit, k, &ch) || ch.Entry.CaseID == 0 || len(k) != 8 {
			return nil // the chain's own order is VerifyAudit's to check
		}
		seq := mediation.ID(btoi(k))
		ic.want(bucketAuditByCase, pair(ch.Entry.CaseID, seq), fmt.Sprintf("case %d, entry %d", ch.Entry.CaseID, seq),
			fmt.Sprintf("audit entry %d about case %d", seq, ch.Entry.CaseID))
		return nil
	})
}
