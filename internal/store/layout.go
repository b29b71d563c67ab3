package store

import (
	"fmt"

	"tiaojie/internal/mediation"
)

// The layout of the file: every kind of record, each in a bucket of its own,
// and every index, each declared once below. An index's declaration is all
// there is to it: its bucket, the layout of its entries, the records it
// derives from and the entries of one record. commit keeps it as records
// change, and CheckIndexes checks it both ways, from the declaration alone.

// Records, each bucket keyed as noted.
var (
	userRecords = jsonRecords("users", // user ID
		func(k []byte, u *storedUser) string { return fmt.Sprintf("user %d", u.ID) },
		func(u *storedUser) []byte { return idKey(u.ID) }).memoize()
	loginRecords = jsonRecords("logins", // login ID (random)
		func(k []byte, l *Login) string { return "login " + hashPrefix(k) },
		func(l *Login) []byte { return l.ID }).memoize()
	invitationRecords = jsonRecords("invitations", // token hash
		func(k []byte, inv *mediation.Invitation) string { return "invitation " + hashPrefix(k) },
		func(inv *mediation.Invitation) []byte { return inv.TokenHash })
	caseRecords = jsonRecords("cases", // case ID
		func(k []byte, c *mediation.Case) string { return fmt.Sprintf("case %d", c.ID) },
		func(c *mediation.Case) []byte { return idKey(c.ID) }).kept(decodedCases)
	partyRecords = jsonRecords("parties", // party ID
		func(k []byte, p *mediation.Party) string { return fmt.Sprintf("party %d", p.ID) },
		func(p *mediation.Party) []byte { return idKey(p.ID) }).kept(decodedParties)
	submissionRecords = jsonRecords("submissions", // submission ID
		func(k []byte, s *mediation.Submission) string { return fmt.Sprintf("submission %d", s.ID) },
		func(s *mediation.Submission) []byte { return idKey(s.ID) }).kept(decodedSubmissions).observed(noteSubmission).appended()
	sessionRecords = jsonRecords("sessions", // session ID
		func(k []byte, s *mediation.Session) string { return fmt.Sprintf("session %d", s.ID) },
		func(s *mediation.Session) []byte { return idKey(s.ID) })
	// session ID → its mediation record.
	recordRecords = jsonRecords("session_records", // session ID
		func(k []byte, r *mediation.SessionRecord) string {
			return fmt.Sprintf("record of session %d", r.SessionID)
		},
		func(r *mediation.SessionRecord) []byte { return idKey(r.SessionID) })
	feedRecords = jsonRecords("feeds", // token hash
		func(k []byte, f *mediation.Feed) string { return "feed " + hashPrefix(k) },
		func(f *mediation.Feed) []byte { return f.TokenHash })
	// The audit chain's order is VerifyAudit's to check, not the key's.
	auditRecords = jsonRecords("audit", // sequence number
		func(k []byte, ch *chained) string { return fmt.Sprintf("audit entry %d", ch.Entry.Seq) }, nil).kept(decodedAudit).appended()
	// user ID + case ID → the last submission ID the user has seen on the
	// case: the ID itself, not JSON.
	seenRecords = idRecords("seen")
	// scoped key hash → what the keyed mutation made.
	idempotencyRecords = jsonRecords[idempotencyRecord]("idempotency", nil, nil)
)

// Indexes, in the order tiaojie check reports them.
var (
	casesByMediator = declare(caseRecords, indexOf[mediation.Case]{
		bucket: "cases_by_mediator",
		key:    []part{idPart("mediator", "is mediated by"), idPart("case", "")}, points: 1,
		entries: func(k []byte, c *mediation.Case) []entry {
			es := make([]entry, len(c.Mediators))
			for i, m := range c.Mediators {
				es[i] = entry{key: under(m, k)}
			}
			return es
		},
		absent: "has no mediator",
	})
	casesByStatus = declare(caseRecords, indexOf[mediation.Case]{
		bucket: "cases_by_status",
		key:    []part{wordPart("status", "has status"), idPart("case", "")}, points: 1,
		entries: func(k []byte, c *mediation.Case) []entry { return []entry{{key: statusKey(c.Status, k)}} },
		what: func(k []byte, c *mediation.Case) string {
			return fmt.Sprintf("case %d (status %s)", c.ID, c.Status)
		},
	})
	partiesByCase = declare(partyRecords, indexOf[mediation.Party]{
		bucket: "parties_by_case",
		key:    []part{idPart("case", "is a party of"), idPart("party", "")}, points: 1,
		entries: func(k []byte, p *mediation.Party) []entry { return []entry{{key: under(p.CaseID, k)}} },
		what: func(k []byte, p *mediation.Party) string {
			return fmt.Sprintf("party %d of case %d", p.ID, p.CaseID)
		},
	})
	// The entry carries the author, so that a party's own submissions are
	// found among its case's entries: an index of their own (by party, up
	// to schema version 3) put one more page, in a place of its own, into
	// every commit for each submission it carried.
	submissionsByCase = declare(submissionRecords, indexOf[mediation.Submission]{
		bucket: "submissions_by_case",
		key:    []part{idPart("case", "belongs to"), idPart("submission", "")}, points: 1,
		value: holds(idPart("party", "was written by")),
		entries: func(k []byte, s *mediation.Submission) []entry {
			return []entry{{key: under(s.CaseID, k), value: idKey(s.PartyID)}}
		},
		what: describeSubmission,
	})
	// Only the submissions their authors released to all parties.
	submissionsReleased = declare(submissionRecords, indexOf[mediation.Submission]{
		bucket: "submissions_released",
		key:    []part{idPart("case", "belongs to"), idPart("submission", "")}, points: 1,
		entries: func(k []byte, s *mediation.Submission) []entry {
			if !s.Released {
				return nil
			}
			return []entry{{key: under(s.CaseID, k)}}
		},
		what:   func(k []byte, s *mediation.Submission) string { return "released " + describeSubmission(k, s) },
		absent: "is not released: its author never consented to show it to the other parties",
	})
	// A party has one invitation: the entry names it.
	invitationsByParty = declare(invitationRecords, indexOf[mediation.Invitation]{
		bucket: "invitations_by_party",
		key:    []part{idPart("party", "belongs to")},
		value:  holds(hashPart("invitation", "")), points: inValue,
		entries: func(k []byte, inv *mediation.Invitation) []entry {
			return []entry{{key: idKey(inv.PartyID), value: k}}
		},
		what: func(k []byte, inv *mediation.Invitation) string {
			return fmt.Sprintf("invitation %s of party %d", hashPrefix(k), inv.PartyID)
		},
	})
	// A mediator has one calendar feed: the entry names it.
	feedsByUser = declare(feedRecords, indexOf[mediation.Feed]{
		bucket: "feeds_by_user",
		key:    []part{idPart("user", "belongs to")},
		value:  holds(hashPart("feed", "")), points: inValue,
		entries: func(k []byte, f *mediation.Feed) []entry {
			return []entry{{key: idKey(f.UserID), value: k}}
		},
		what: func(k []byte, f *mediation.Feed) string {
			return fmt.Sprintf("feed %s of user %d", hashPrefix(k), f.UserID)
		},
	})
	usersByName = declare(userRecords, indexOf[storedUser]{
		bucket: "users_by_name",
		key:    []part{textPart("username", "has username")},
		value:  holds(idPart("user", "")), points: inValue,
		entries: func(k []byte, u *storedUser) []entry { return []entry{{key: []byte(u.Username), value: k}} },
	})
	// Only the logins of parties: a new invitation ends them.
	loginsByParty = declare(loginRecords, indexOf[Login]{
		bucket: "logins_by_party",
		key:    []part{idPart("party", "belongs to"), hashPart("login", "")}, points: 1,
		entries: func(k []byte, l *Login) []entry {
			if l.PartyID == 0 {
				return nil
			}
			return []entry{{key: under(l.PartyID, k)}}
		},
		what:   func(k []byte, l *Login) string { return fmt.Sprintf("a login of party %d", l.PartyID) },
		absent: "is a staff user's, not a party's",
	})
	// Sessions by start time, under each of their mediators, their case, and
	// (caucuses only) their party; joint sessions apart, for a party's list;
	// sessions in a configured room under the room. The overlap check seeks
	// each from a start 8 hours (MaxSessionLength) before the new session's.
	sessionsByMediator = declare(sessionRecords, indexOf[mediation.Session]{
		bucket: "sessions_by_mediator",
		key:    []part{idPart("mediator", "is attended by"), timePart("start", "starts at"), idPart("session", "")}, points: 2,
		entries: func(k []byte, s *mediation.Session) []entry {
			es := make([]entry, len(s.MediatorIDs))
			for i, m := range s.MediatorIDs {
				es[i] = entry{key: at(m, s.StartsAt, k)}
			}
			return es
		},
		what:   describeSession,
		absent: "has no mediator",
	})
	sessionsByCase = declare(sessionRecords, indexOf[mediation.Session]{
		bucket: "sessions_by_case",
		key:    []part{idPart("case", "belongs to"), timePart("start", "starts at"), idPart("session", "")}, points: 2,
		entries: func(k []byte, s *mediation.Session) []entry {
			return []entry{{key: at(s.CaseID, s.StartsAt, k)}}
		},
		what: describeSession,
	})
	sessionsJoint = declare(sessionRecords, indexOf[mediation.Session]{
		bucket: "sessions_joint",
		key:    []part{idPart("case", "is a joint session of"), timePart("start", "starts at"), idPart("session", "")}, points: 2,
		entries: func(k []byte, s *mediation.Session) []entry {
			if s.Kind != mediation.SessionJoint {
				return nil
			}
			return []entry{{key: at(s.CaseID, s.StartsAt, k)}}
		},
		what:   func(k []byte, s *mediation.Session) string { return "joint " + describeSession(k, s) },
		absent: "is a caucus",
	})
	sessionsByParty = declare(sessionRecords, indexOf[mediation.Session]{
		bucket: "sessions_by_party",
		key:    []part{idPart("party", "is a caucus with"), timePart("start", "starts at"), idPart("session", "")}, points: 2,
		entries: func(k []byte, s *mediation.Session) []entry {
			if s.Kind != mediation.SessionCaucus {
				return nil
			}
			return []entry{{key: at(s.PartyID, s.StartsAt, k)}}
		},
		what:   func(k []byte, s *mediation.Session) string { return "caucus " + describeSession(k, s) },
		absent: "is a joint session",
	})
	sessionsByRoom = declare(sessionRecords, indexOf[mediation.Session]{
		bucket: "sessions_by_room",
		key:    []part{wordPart("room", "takes place in"), timePart("start", "starts at"), idPart("session", "")}, points: 2,
		entries: func(k []byte, s *mediation.Session) []entry {
			if !s.Room {
				return nil
			}
			return []entry{{key: roomKey(s.Location, s.StartsAt, k)}}
		},
		what:   describeSession,
		absent: "is not in a configured room",
	})
	// Only the entries about a case, except a submission's creation: its
	// sequence number is the submission's ID (submissionID), and the
	// submission's entry in submissions_by_case stands for it (caseEntries).
	auditByCase = declare(auditRecords, indexOf[chained]{
		bucket: "audit_by_case",
		key:    []part{idPart("case", "is about"), idPart("audit entry", "")}, points: 1,
		entries: func(k []byte, ch *chained) []entry {
			if ch.Entry.CaseID == 0 || createsItsSubmission(&ch.Entry) {
				return nil
			}
			return []entry{{key: under(ch.Entry.CaseID, k)}}
		},
		what: func(k []byte, ch *chained) string {
			return fmt.Sprintf("audit entry %d about case %d", ch.Entry.Seq, ch.Entry.CaseID)
		},
		absent: "is about no case, or creates the submission whose ID is its number (listed through submissions_by_case)",
	})
)

func describeSubmission(k []byte, s *mediation.Submission) string {
	return fmt.Sprintf("submission %d of case %d by party %d", s.ID, s.CaseID, s.PartyID)
}

func describeSession(k []byte, s *mediation.Session) string {
	return fmt.Sprintf("session %d of case %d", s.ID, s.CaseID)
}

// Attachments: photos and documents of submissions, and their content.
var (
	attachmentRecords = jsonRecords("attachments", // attachment ID
		func(k []byte, a *storedAttachment) string { return fmt.Sprintf("attachment %d", a.ID) },
		func(a *storedAttachment) []byte { return idKey(a.ID) })
	// SHA-256 → the content (a re-encoded photo, its preview, a PDF), as
	// is: stored once however many attachments name it. tiaojie check
	// verifies each against its key (CheckBlobs).
	blobRecords             = rawRecords("blobs")
	attachmentsBySubmission = declare(attachmentRecords, indexOf[storedAttachment]{
		bucket: "attachments_by_submission",
		key:    []part{idPart("submission", "is attached to"), idPart("attachment", "")}, points: 1,
		entries: func(k []byte, a *storedAttachment) []entry { return []entry{{key: under(a.SubmissionID, k)}} },
		what:    describeAttachment,
	})
	attachmentsByCase = declare(attachmentRecords, indexOf[storedAttachment]{
		bucket: "attachments_by_case",
		key:    []part{idPart("case", "belongs to"), idPart("attachment", "")}, points: 1,
		entries: func(k []byte, a *storedAttachment) []entry { return []entry{{key: under(a.CaseID, k)}} },
		what:    describeAttachment,
	})
)

// Agreements (调解协议书) and return visits (回访).
var (
	agreementRecords = jsonRecords("agreements", // agreement ID
		func(k []byte, a *mediation.Agreement) string { return fmt.Sprintf("agreement %d", a.ID) },
		func(a *mediation.Agreement) []byte { return idKey(a.ID) })
	visitRecords = jsonRecords("return_visits", // visit ID ("visits" was the seen-markers of schema 1)
		func(k []byte, v *mediation.Visit) string { return fmt.Sprintf("visit %d", v.ID) },
		func(v *mediation.Visit) []byte { return idKey(v.ID) })

	agreementsByCase = declare(agreementRecords, indexOf[mediation.Agreement]{
		bucket: "agreements_by_case",
		key:    []part{idPart("case", "is an agreement of"), idPart("agreement", "")}, points: 1,
		entries: func(k []byte, a *mediation.Agreement) []entry { return []entry{{key: under(a.CaseID, k)}} },
		what: func(k []byte, a *mediation.Agreement) string {
			return fmt.Sprintf("agreement %d of case %d", a.ID, a.CaseID)
		},
	})
	visitsByCase = declare(visitRecords, indexOf[mediation.Visit]{
		bucket: "return_visits_by_case",
		key:    []part{idPart("case", "is a return visit of"), idPart("visit", "")}, points: 1,
		entries: func(k []byte, v *mediation.Visit) []entry { return []entry{{key: under(v.CaseID, k)}} },
		what: func(k []byte, v *mediation.Visit) string {
			return fmt.Sprintf("visit %d of case %d", v.ID, v.CaseID)
		},
	})
)

// Closing a case, the mediator's own neutrality and recusals (回避).
var (
	// case ID → what its file holds beyond the case's own records: each
	// party's notice of rights and identity check, the record of a failed
	// mediation, the overrides of conflict checks.
	dossierRecords = jsonRecords("dossiers", // case ID
		func(k []byte, d *mediation.Dossier) string { return fmt.Sprintf("file of case %d", d.CaseID) },
		func(d *mediation.Dossier) []byte { return idKey(d.CaseID) })
	// user ID → the mediator's conflict-of-interest profile.
	interestRecords = jsonRecords("interests", // user ID
		func(k []byte, in *mediation.Interests) string { return fmt.Sprintf("interests of user %d", in.UserID) },
		func(in *mediation.Interests) []byte { return idKey(in.UserID) })
	recusalRecords = jsonRecords("recusals", // recusal ID
		func(k []byte, r *mediation.Recusal) string { return fmt.Sprintf("recusal %d", r.ID) },
		func(r *mediation.Recusal) []byte { return idKey(r.ID) })
	recusalsByCase = declare(recusalRecords, indexOf[mediation.Recusal]{
		bucket: "recusals_by_case",
		key:    []part{idPart("case", "is a recusal request of"), idPart("recusal", "")}, points: 1,
		entries: func(k []byte, r *mediation.Recusal) []entry { return []entry{{key: under(r.CaseID, k)}} },
		what: func(k []byte, r *mediation.Recusal) string {
			return fmt.Sprintf("recusal %d of case %d", r.ID, r.CaseID)
		},
	})
)
