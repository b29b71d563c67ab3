package web

import (
	"html/template"
	"strings"
	"time"

	"tiaojie/internal/mediation"
)

// trailLine is one line of a case's trail as its mediators read it: who (by
// name and role), what in words, which record (by its title or kind, linked
// where the page shows it), when. The reads of one person on one day are
// folded into one line, their items behind it.
type trailLine struct {
	At     time.Time
	Who    string
	Role   string
	What   string
	Object string
	Link   string
	Reads  []trailRead
	// By is who in what role, as the page writes it; Stamp and When the
	// time as the datetime attribute and as the reader reads it. They are
	// worded here, once a person or a minute, not by the template per line.
	By, Stamp, When string
	// HTML is the line as the page writes it, where the page keeps it.
	HTML template.HTML
}

type trailRead struct {
	At     time.Time
	Object string
	Link   string
	// Clock is the time of day the page shows.
	Clock string
}

// trailNames are the names of the case's records the trail refers to.
type trailNames struct {
	parties     map[string]mediation.Party
	submissions map[string]mediation.Submission
	sessions    map[string]sessionRow
	mediators   map[string]bool
	// named are the submissions' names as worded for this page.
	named map[string][2]string
}

// trailLines words the entries (newest first) for the reader in its language.
// A person's reads of a day list each submission once, at its latest read:
// a mediator who opens the case page all day read its submissions, not the
// same ones again with every view, and the line does not grow with use.
func (s *Server) trailLines(t translator, entries []mediation.TrailEntry, n trailNames) []trailLine {
	out := make([]trailLine, 0, len(entries))
	folded := map[string]int{} // actor and day → index in out
	type readOf struct {
		line int
		id   string
	}
	listed := map[readOf]bool{}
	for _, e := range entries {
		who, role := s.trailActor(t, e, n)
		if e.Action == mediation.AuditSubmissionRead {
			day := e.At.In(s.views.zone).Format("2006-01-02")
			i, ok := folded[e.Actor+" "+day]
			if !ok {
				out = append(out, trailLine{At: e.At, Who: who, Role: role})
				i = len(out) - 1
				folded[e.Actor+" "+day] = i
			}
			for id := range strings.SplitSeq(e.Detail["submissions"], ",") {
				if id == "" || listed[readOf{i, id}] {
					continue
				}
				listed[readOf{i, id}] = true
				obj, link := n.submission(t, id)
				out[i].Reads = append(out[i].Reads, trailRead{At: e.At, Object: obj, Link: link})
			}
			continue
		}
		line := trailLine{At: e.At, Who: who, Role: role, What: s.trailWhat(t, e)}
		line.Object, line.Link = n.object(t, e.Object)
		out = append(out, line)
	}
	by := map[[2]string]string{}
	for i := range out {
		l := &out[i]
		if l.Reads != nil {
			l.What = t.T("audit.read_count", map[string]any{"Count": len(l.Reads)})
		}
		l.By = l.Who
		if l.Role != "" {
			var ok bool
			if l.By, ok = by[[2]string{l.Who, l.Role}]; !ok {
				l.By = paren(t, l.Who, l.Role)
				by[[2]string{l.Who, l.Role}] = l.By
			}
		}
		l.Stamp, l.When = l.At.Format(time.RFC3339), s.views.format(t, l.At, true)
		for j := range l.Reads {
			l.Reads[j].Clock = s.views.clock(l.Reads[j].At)
		}
	}
	return out
}

// trailActor names who did it, and in what role.
func (s *Server) trailActor(t translator, e mediation.TrailEntry, n trailNames) (string, string) {
	switch {
	case strings.HasPrefix(e.Actor, "p:"):
		name := e.ActorName
		if p, ok := n.parties[strings.TrimPrefix(e.Actor, "p:")]; ok {
			name = p.Name
		}
		return name, t.T("role.party", nil)
	case e.Actor == "system" || e.Actor == "":
		return t.T("audit.system", nil), ""
	case n.mediators[strings.TrimPrefix(e.Actor, "u:")]:
		return e.ActorName, t.T("role.mediator", nil)
	}
	return e.ActorName, t.T("audit.staff", nil)
}

// trailWhat says what was done, with what the entry records of it.
func (s *Server) trailWhat(t translator, e mediation.TrailEntry) string {
	what := t.T("audit."+e.Action, nil)
	d := e.Detail
	fields := func() string {
		var names []string
		for _, f := range strings.Split(d["fields"], ",") {
			if f != "" {
				names = append(names, t.T("field."+f, nil))
			}
		}
		return strings.Join(names, t.T("punct.list", nil))
	}
	switch e.Action {
	case mediation.AuditCaseTransition:
		what = t.T("audit.line.transition", map[string]any{"What": what,
			"From": t.T("status."+d["from"], nil), "To": t.T("status."+d["to"], nil)})
		if d["agreement"] != "" {
			what += t.T("audit.line.agreement_effect", nil)
		}
	case mediation.AuditCaseUpdate, mediation.AuditPartyUpdate, mediation.AuditUserUpdate:
		if f := fields(); f != "" {
			what += t.T("punct.colon", nil) + f
		}
	case mediation.AuditPartyRemove:
		what += t.T("punct.colon", nil) + d["name"]
	case mediation.AuditSessionSchedule:
		if k := d["kind"]; k != "" {
			what += t.T("punct.colon", nil) + t.T("session_kind."+k, nil)
		}
	case mediation.AuditConflictCheck:
		what += t.T("punct.colon", nil) + t.T("audit.conflict_"+d["result"], nil)
	}
	if r := d["reason"]; r != "" {
		what += t.T("audit.line.reason", map[string]any{"Reason": r})
	}
	return what
}

// object names the record an entry is about, and where the page shows it.
func (n trailNames) object(t translator, obj string) (string, string) {
	kind, id, _ := strings.Cut(obj, ":")
	switch kind {
	case "party":
		if p, ok := n.parties[id]; ok {
			return t.T("punct.paren", map[string]any{"Text": p.Name, "Note": t.T("side."+string(p.Side), nil)}), "#party-" + id
		}
		return t.T("audit.object_party_gone", nil), ""
	case "submission":
		return n.submission(t, id)
	case "session":
		if r, ok := n.sessions[id]; ok {
			return t.T("session_kind."+string(r.Kind), nil) + " " + r.Reference, "#session-" + id
		}
		return t.T("audit.object_session", nil), ""
	case "agreement":
		return t.T("audit.object_agreement", nil), "#agreements"
	case "visit":
		return t.T("audit.object_visit", nil), "#visit-" + id
	case "attachment":
		return t.T("audit.object_attachment", nil), ""
	case "case":
		return "", ""
	}
	return t.T("audit.object_other", nil), ""
}

// submission names a submission, worded once a page.
func (n trailNames) submission(t translator, id string) (string, string) {
	if name, ok := n.named[id]; ok {
		return name[0], name[1]
	}
	obj, link := n.wordSubmission(t, id)
	if n.named != nil {
		n.named[id] = [2]string{obj, link}
	}
	return obj, link
}

func (n trailNames) wordSubmission(t translator, id string) (string, string) {
	sub, ok := n.submissions[id]
	if !ok {
		return t.T("audit.object_submission", nil), ""
	}
	what := t.T("submission_kind."+string(sub.Kind), nil)
	if p, ok := n.parties[sub.PartyID.String()]; ok {
		what = t.T("audit.object_submission_of", map[string]any{"Kind": what, "Name": p.Name})
	}
	return what, "#submission-" + id
}

// trailNames gathers the names of the records the case page's trail refers to.
func (d *casePageData) trailNames(mediators []mediation.Person) trailNames {
	n := trailNames{parties: map[string]mediation.Party{}, submissions: map[string]mediation.Submission{},
		sessions: map[string]sessionRow{}, mediators: map[string]bool{}, named: map[string][2]string{}}
	for _, p := range d.Parties {
		n.parties[p.ID.String()] = p.Party
	}
	for _, sub := range d.subs {
		n.submissions[sub.ID.String()] = sub
	}
	for _, r := range d.Sessions {
		n.sessions[r.ID.String()] = r
	}
	for _, m := range mediators {
		n.mediators[m.ID.String()] = true
	}
	return n
}
