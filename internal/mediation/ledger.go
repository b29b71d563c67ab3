package mediation

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// History (补录): an organisation's paper register brought into the file.

// LedgerHeader is the header a register's CSV file must have.
var LedgerHeader = []string{"accepted_on", "closed_on", "category", "community", "source", "outcome",
	"sessions", "applicant", "respondent", "summary"}

// LedgerEntry is one case of a paper register.
type LedgerEntry struct {
	Line       int
	AcceptedOn time.Time // midnight of the day, in the zone
	ClosedOn   *time.Time
	Category   Category
	Community  string
	Source     Source
	Outcome    Status
	Sessions   int
	Applicant  string
	Respondent string
	Summary    string
}

// LedgerError names the line and the field of a bad register row.
type LedgerError struct {
	Line    int
	Field   string
	Problem string
}

func (e *LedgerError) Error() string {
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Problem)
}

// ParseLedger reads a register (UTF-8 CSV, a byte-order mark accepted, the
// header LedgerHeader), checking every row against the configured places:
// dates YYYY-MM-DD no later than today, closed no earlier than accepted,
// codes known, an outcome exactly when closed, sessions a count. The first
// bad row is returned as a *LedgerError; a good file gives every entry.
func ParseLedger(r io.Reader, places *Places, zone *time.Location, now time.Time) ([]LedgerEntry, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	if !utf8.Valid(raw) {
		return nil, errors.New("the register is not UTF-8 text")
	}
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	if !slices.Equal(head, LedgerHeader) {
		return nil, fmt.Errorf("line 1: the header must be %s", strings.Join(LedgerHeader, ","))
	}
	today := time.Date(now.In(zone).Year(), now.In(zone).Month(), now.In(zone).Day(), 0, 0, 0, 0, zone)
	var out []LedgerEntry
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		bad := func(field, format string, args ...any) error {
			return &LedgerError{Line: line, Field: field, Problem: fmt.Sprintf(format, args...)}
		}
		if len(rec) != len(LedgerHeader) {
			return nil, bad("row", "%d fields, want %d", len(rec), len(LedgerHeader))
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		e := LedgerEntry{Line: line}
		day := func(field, v string) (time.Time, error) {
			d, err := time.ParseInLocation(time.DateOnly, v, zone)
			if err != nil {
				return time.Time{}, bad(field, "%q is not a date YYYY-MM-DD", v)
			}
			if d.After(today) {
				return time.Time{}, bad(field, "%s is after today", v)
			}
			return d, nil
		}
		if e.AcceptedOn, err = day("accepted_on", rec[0]); err != nil {
			return nil, err
		}
		if rec[1] != "" {
			c, err := day("closed_on", rec[1])
			if err != nil {
				return nil, err
			}
			if c.Before(e.AcceptedOn) {
				return nil, bad("closed_on", "%s is before accepted_on %s", rec[1], rec[0])
			}
			e.ClosedOn = &c
		}
		e.Category, e.Community, e.Source = Category(rec[2]), rec[3], Source(rec[4])
		if !slices.Contains(Categories, e.Category) {
			return nil, bad("category", "unknown code %q", rec[2])
		}
		if _, ok := places.Community(e.Community); !ok {
			return nil, bad("community", "unknown code %q", rec[3])
		}
		if !slices.Contains(Sources, e.Source) {
			return nil, bad("source", "unknown code %q", rec[4])
		}
		switch e.Outcome = Status(rec[5]); {
		case e.ClosedOn == nil && rec[5] != "":
			return nil, bad("outcome", "%q given for a case not closed (closed_on is empty)", rec[5])
		case e.ClosedOn != nil && rec[5] == "":
			return nil, bad("outcome", "required for a closed case")
		case rec[5] != "" && !slices.Contains(Outcomes, e.Outcome):
			return nil, bad("outcome", "unknown code %q", rec[5])
		}
		if rec[6] != "" {
			n, err := strconv.Atoi(rec[6])
			if err != nil || n < 0 || n > 999 {
				return nil, bad("sessions", "%q is not a count of sessions (0 to 999)", rec[6])
			}
			e.Sessions = n
		}
		for i, f := range []string{"applicant", "respondent"} {
			switch v := rec[7+i]; {
			case v == "":
				return nil, bad(f, "required")
			case utf8.RuneCountInString(v) > 100 || strings.ContainsAny(v, "\r\n"):
				return nil, bad(f, "at most 100 characters on one line")
			}
		}
		e.Applicant, e.Respondent = rec[7], rec[8]
		if utf8.RuneCountInString(rec[9]) > 4000 {
			return nil, bad("summary", "at most 4000 characters")
		}
		e.Summary = rec[9]
		out = append(out, e)
	}
	return out, nil
}

// Case is the case an entry brings into the file: closed with its outcome
// on its closing day, or mediating; with no mediator (the register names
// none), its sessions held counted from the register.
func (e *LedgerEntry) Case(places *Places) *Case {
	com, _ := places.Community(e.Community)
	c := &Case{Title: "登记簿补录 " + e.AcceptedOn.Format(time.DateOnly), Category: e.Category,
		Community: e.Community, Street: com.Street, Summary: e.Summary, Source: e.Source,
		Status: StatusMediating, Mediators: []ID{}, OpenedAt: e.AcceptedOn.UTC(), UpdatedAt: e.AcceptedOn.UTC(),
		RegisterSessions: e.Sessions}
	if e.ClosedOn != nil {
		t := e.ClosedOn.UTC()
		c.Status, c.Outcome, c.ClosedAt, c.UpdatedAt = StatusClosed, e.Outcome, &t, t
	}
	return c
}

// Parties are the two principal parties an entry names.
func (e *LedgerEntry) Parties() []*Party {
	return []*Party{
		{Name: e.Applicant, Kind: PartyPerson, Side: SideApplicant, CreatedAt: e.AcceptedOn.UTC()},
		{Name: e.Respondent, Kind: PartyPerson, Side: SideRespondent, CreatedAt: e.AcceptedOn.UTC()},
	}
}
