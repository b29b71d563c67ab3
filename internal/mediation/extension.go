package mediation

import (
	"slices"
	"strings"
	"time"
)

// TermExtension is the one further month of mediation that both sides of a
// case consented to (the term is then two months from acceptance).
type TermExtension struct {
	Reason string `json:"reason"`
	// ConsentedBy are the parties who consented: at least one of each side.
	ConsentedBy []ID      `json:"consented_by"`
	RecordedBy  ID        `json:"recorded_by"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// ExtensionInput is what a mediator records of an extension.
type ExtensionInput struct {
	Reason      string `json:"reason"`
	ConsentedBy []ID   `json:"consented_by"`
}

// Extend records the extension on the case while its mediation runs, once:
// the consenting parties must be parties of the case, among them an
// applicant and a respondent.
func (c *Case) Extend(in ExtensionInput, parties []Party, by ID, now time.Time) error {
	switch {
	case c.Status != StatusIntake && c.Status != StatusMediating:
		return &Error{Code: ECONFLICT, Message: "error.extension_status"}
	case c.Extension != nil:
		return &Error{Code: ECONFLICT, Message: "error.extension_twice"}
	}
	f := fieldErrors{}
	reason := strings.TrimSpace(in.Reason)
	switch {
	case reason == "":
		f.add("reason", "validation.required", "")
	case !printable(reason, true):
		f.add("reason", "validation.text", "")
	case len([]rune(reason)) > 1000:
		f.add("reason", "validation.max", "1000")
	}
	sides := map[Side]bool{}
	var consented []ID
	for _, id := range in.ConsentedBy {
		i := slices.IndexFunc(parties, func(p Party) bool { return p.ID == id })
		if i < 0 {
			f.add("consented_by", "validation.party", "")
			break
		}
		if !slices.Contains(consented, id) {
			consented = append(consented, id)
			sides[parties[i].Side] = true
		}
	}
	if _, bad := f["consented_by"]; !bad && (!sides[SideApplicant] || !sides[SideRespondent]) {
		f.add("consented_by", "validation.both_sides", "")
	}
	if err := f.err(); err != nil {
		return err
	}
	slices.Sort(consented)
	c.Extension = &TermExtension{Reason: reason, ConsentedBy: consented, RecordedBy: by, RecordedAt: now}
	c.UpdatedAt = now
	return nil
}
