package web

import (
	"tiaojie/internal/mediation"
)

// A party's page of its case.

// sharedSubmission is another party's submission that it released.
type sharedSubmission struct {
	Author     string
	Submission mediation.Submission
}

// myCasePageData is a party's page of its case.
type myCasePageData struct {
	Case   caseOverview
	Me     partyFull
	Others []partyPublic
	Mine   []mediation.Submission
	Shared []sharedSubmission
	Kinds  []mediation.SubmissionKind
	Open   bool
	// Entry says who reset the party's PIN and when, if anyone did.
	Entry *mediation.Entry
	// Sessions are the joint sessions and the party's own caucuses.
	Sessions []sessionRow
	// Phones are the mediators' numbers, for the party to call.
	Phones map[mediation.ID]string
	// Evidence is each submission's attachments; the party attaches to its own.
	Evidence map[mediation.ID]*evidenceView
	// Agreements are the proposed agreements the party reads and signs.
	Agreements *agreementSection
	// Recusals are the party's own requests that a mediator step aside.
	Recusals *partyRecusals
}

// partyCaseView is a party's page: its own submissions, what others released,
// the other parties' names and sides, and the form to add a submission.
func (s *Server) partyCaseView(p mediation.Principal, cs *mediation.Case) (*myCasePageData, error) {
	parties, err := s.cw.Parties(p, cs.ID)
	if err != nil {
		return nil, err
	}
	entry, err := s.cw.OwnEntry(p)
	if err != nil {
		return nil, err
	}
	data := &myCasePageData{Case: s.caseOverviewOf(cs), Others: publicParties(parties),
		Kinds: mediation.SubmissionKinds, Open: cs.AcceptsSubmissions() == nil, Entry: entry,
		Phones: map[mediation.ID]string{}}
	if entry != nil {
		for _, m := range entry.Mediators {
			data.Phones[m.ID] = m.Phone
		}
	}
	names := map[mediation.ID]string{}
	for _, v := range parties {
		names[v.Record.ID] = v.Record.Name
		if v.Record.ID == p.PartyID {
			data.Me = partyView(v).(partyFull)
		}
	}
	if data.Sessions, err = s.sessionRows(p, cs.ID, nil); err != nil {
		return nil, err
	}
	if data.Agreements, err = s.agreementSection(p, cs, parties, false); err != nil {
		return nil, err
	}
	if data.Recusals, err = s.recusalSection(p, cs); err != nil {
		return nil, err
	}
	subs, err := s.cw.AllSubmissions(p, cs.ID)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		if sub.PartyID == p.PartyID {
			data.Mine = append(data.Mine, sub)
		} else {
			data.Shared = append(data.Shared, sharedSubmission{Author: names[sub.PartyID], Submission: sub})
		}
	}
	return data, nil
}
