package web

import (
	"crypto/rand"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// The fragments of the case page and the case list (fragments.go): each key
// holds everything its fragment shows, so that the fragment is a function of
// its key alone, whoever asked.

// submissionFragment is what the case page's "submission" fragment shows.
type submissionFragment struct {
	Submission mediation.Submission
	Evidence   *evidenceView
}

// submissionKey is a submission as its fragment shows it: the record (its
// times as instants), the attachments, whether the form to attach is there.
type submissionKey struct {
	lang              language.Tag
	sub               mediation.Submission
	created, released int64
	canAttach         bool
	attachments       string
}

func (k submissionKey) cost() int { return len(k.sub.Body) + len(k.attachments) }

// csrfHole stands in a kept fragment for the CSRF token, which is put in per
// view: random for each process, and made as a token is, so that it is
// escaped as one is.
var csrfHole = rand.Text()

// plainToken says whether a token is written as is in an attribute (as
// csrfHole is): only then is it put in a kept fragment.
func plainToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// submissionHTML is a submission of the case page with its evidence, as the
// "submission" fragment, the reader's CSRF token put in.
func (s *Server) submissionHTML(tag language.Tag, sub mediation.Submission, ev *evidenceView) (template.HTML, error) {
	if ev == nil || ev.Error != "" {
		return s.views.fragment(tag, templates.PageCase, "submission", submissionFragment{sub, ev})
	}
	key := submissionKey{lang: tag, sub: sub, created: sub.CreatedAt.UnixNano(), canAttach: ev.CanAttach,
		attachments: attachmentsKey(ev.Items)}
	key.sub.CreatedAt, key.sub.ReleasedAt = time.Time{}, nil
	if sub.ReleasedAt != nil {
		key.released = sub.ReleasedAt.UnixNano()
	}
	return tokened(s.views.frags, key, ev.CSRF, func(csrf string) (template.HTML, error) {
		kept := *ev
		kept.CSRF = csrf
		return s.views.fragment(tag, templates.PageCase, "submission", submissionFragment{sub, &kept})
	})
}

// withToken puts the reader's CSRF token in a kept fragment's csrfHole.
func withToken(html template.HTML, csrf string) template.HTML {
	if i := strings.LastIndex(string(html), csrfHole); i >= 0 {
		return html[:i] + template.HTML(csrf) + html[i+len(csrfHole):]
	}
	return html
}

// tokened is a fragment kept under key with csrfHole for the reader's CSRF
// token, which is put in per view; render makes it with the token it is
// given. A token that could not be put in as is (plainToken) is rendered
// with, and nothing is kept.
func tokened[K fragmentKey](f *fragments, key K, csrf string, render func(csrf string) (template.HTML, error)) (template.HTML, error) {
	if !plainToken(csrf) {
		return render(csrf)
	}
	html, err := cached(f, key, func() (template.HTML, error) { return render(csrfHole) })
	if err != nil {
		return "", err
	}
	return withToken(html, csrf), nil
}

// attachmentsKey is what the evidence shows of the attachments.
func attachmentsKey(items []attachmentView) string {
	if len(items) == 0 {
		return ""
	}
	var b []byte
	for _, a := range items {
		b = strconv.AppendUint(b, uint64(a.ID), 10)
		b = append(b, ' ')
		b = append(b, a.ContentType...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, a.Attachment.Size, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(a.Width), 10)
		b = append(b, 'x')
		b = strconv.AppendInt(b, int64(a.Height), 10)
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(a.EnteredBy), 10)
		b = append(b, ';')
	}
	return string(b)
}

// trailKey is a line of the trail as its fragment shows it.
type trailKey struct {
	lang                                language.Tag
	what, object, link, by, stamp, when string
	reads                               string
}

func (k trailKey) cost() int {
	return len(k.what) + len(k.object) + len(k.link) + len(k.by) + len(k.stamp) + len(k.when) + len(k.reads)
}

// trailHTML puts each line of the trail in its fragment.
func (s *Server) trailHTML(tag language.Tag, lines []trailLine) error {
	for i := range lines {
		l := &lines[i]
		key := trailKey{lang: tag, what: l.What, object: l.Object, link: l.Link, by: l.By, stamp: l.Stamp, when: l.When}
		if len(l.Reads) > 0 {
			var b strings.Builder
			for _, r := range l.Reads {
				for _, x := range [...]string{r.Clock, r.Object, r.Link} {
					b.WriteString(strconv.Itoa(len(x)))
					b.WriteByte(':')
					b.WriteString(x)
				}
			}
			key.reads = b.String()
		}
		html, err := cached(s.views.frags, key, func() (template.HTML, error) {
			return s.views.fragment(tag, templates.PageCase, "trailline", l)
		})
		if err != nil {
			return err
		}
		l.HTML = html
	}
	return nil
}

// caseRowKey is a row of the case list as its fragment shows it.
type caseRowKey struct {
	lang   language.Tag
	row    caseRow
	opened int64
}

func (k caseRowKey) cost() int { return len(k.row.Reference) + len(k.row.Title) + len(k.row.Community) }

// caseRowsHTML is the rows of the case list, each the "caserow" fragment,
// as the page writes them: on a line of its own, indented. They are one
// piece, so that the page's template does not walk 50 of them.
func (s *Server) caseRowsHTML(tag language.Tag, rows []caseRow) (template.HTML, error) {
	var b strings.Builder
	for _, r := range rows {
		key := caseRowKey{lang: tag, row: r, opened: r.OpenedAt.UnixNano()}
		key.row.OpenedAt, key.row.activity = time.Time{}, time.Time{}
		html, err := cached(s.views.frags, key, func() (template.HTML, error) {
			return s.views.fragment(tag, templates.PageCases, "caserow", r)
		})
		if err != nil {
			return "", err
		}
		if b.Len() == 0 {
			b.Grow(len(rows) * (len(html) + 4))
		}
		b.WriteString("\n  ")
		b.WriteString(string(html))
		b.WriteString("\n")
	}
	return template.HTML(b.String()), nil
}

// partyRowFragment is what the case page's "partyrow" fragment shows: the
// party, when it first entered (zero: not yet), the form's token.
type partyRowFragment struct {
	mediation.Party
	Entered time.Time
	CSRF    string
}

// partyRowKey is a party's row as its fragment shows it (its times as
// instants).
type partyRowKey struct {
	lang             language.Tag
	party            mediation.Party
	created, entered int64
}

func (k partyRowKey) cost() int {
	return len(k.party.Name) + len(k.party.Phone) + len(k.party.Address) + len(k.party.Represents)
}

// partyRowsHTML is each row of the case page's parties table, the reader's
// CSRF token put in.
func (s *Server) partyRowsHTML(tag language.Tag, data *casePageData, csrf string) error {
	data.PartyRows = make([]template.HTML, len(data.Parties))
	for i, pt := range data.Parties {
		row := partyRowFragment{Party: pt.Party, Entered: data.entered[pt.ID]}
		key := partyRowKey{lang: tag, party: pt.Party, created: pt.CreatedAt.UnixNano()}
		key.party.CreatedAt = time.Time{}
		if !row.Entered.IsZero() {
			key.entered = row.Entered.UnixNano()
		}
		html, err := tokened(s.views.frags, key, csrf, func(csrf string) (template.HTML, error) {
			row.CSRF = csrf
			return s.views.fragment(tag, templates.PageCase, "partyrow", row)
		})
		if err != nil {
			return err
		}
		data.PartyRows[i] = html
	}
	return nil
}

// caseFragments puts the case page's parties, submissions, trail lines and
// checklist items in their fragments.
func (s *Server) caseFragments(tr translator, data *casePageData, csrf string, st *formState) error {
	tag := tr.tag
	if err := s.partyRowsHTML(tag, data, csrf); err != nil {
		return err
	}
	if data.Closing != nil {
		if err := s.checklistHTML(tr, data, csrf, st); err != nil {
			return err
		}
	}
	for i := range data.Columns {
		for j := range data.Columns[i].Groups {
			g := &data.Columns[i].Groups[j]
			g.HTML = make([]template.HTML, len(g.Items))
			for k, sub := range g.Items {
				html, err := s.submissionHTML(tag, sub, data.Evidence[sub.ID])
				if err != nil {
					return err
				}
				g.HTML[k] = html
			}
		}
	}
	return s.trailHTML(tag, data.Lines)
}

// filtersKey is the case list's filters form as asked. The lists it offers
// (categories, statuses, the configured communities) are the same for the
// server's life.
type filtersKey struct {
	lang                        language.Tag
	search                      bool
	category, community, status string
}

func (k filtersKey) cost() int { return len(k.category) + len(k.community) + len(k.status) }

// filtersHTML is the case list's filters form; a search's, or one asked
// with a value not offered, is made anew, so that what readers type does
// not fill the cache.
func (s *Server) filtersHTML(tag language.Tag, d *casesPageData) (template.HTML, error) {
	direct := func() (template.HTML, error) { return s.views.fragment(tag, templates.PageCases, "filters", d) }
	offered := func(v string, codes []string) bool { return v == "" || slices.Contains(codes, v) }
	var communities []string
	for _, c := range d.Communities {
		communities = append(communities, c.Code)
	}
	if d.Q != "" || !offered(d.Category, codes(d.Categories)) || !offered(d.Status, codes(d.Statuses)) ||
		!offered(d.Community, communities) {
		return direct()
	}
	return cached(s.views.frags, filtersKey{lang: tag, search: d.Search, category: d.Category,
		community: d.Community, status: d.Status}, direct)
}

func codes[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// checkItemFragment is what the checklist's "checkitem" fragment shows: the
// item, the case, and the form that ticks it (the form as typed and its
// problems after a refusal).
type checkItemFragment struct {
	Item         checkItem
	CaseID       mediation.ID
	Closed       bool
	CSRF         string
	Form, Errors map[string]string
}

// checkItemKey is an item of the checklist as its fragment shows it.
type checkItemKey struct {
	lang   language.Tag
	item   checkItem
	at     int64
	caseID mediation.ID
	closed bool
}

func (k checkItemKey) cost() int { return len(k.item.Note) + len(k.item.PartyName) + len(k.item.Code) }

// checklistHTML puts each item of the checklist in its fragment; after a
// refused form the items are made anew, with what was typed.
func (s *Server) checklistHTML(tr translator, data *casePageData, csrf string, st *formState) error {
	cl := data.Closing
	cl.ItemsHTML = make([]template.HTML, len(cl.Items))
	var errs map[string]string
	if st != nil && st.err != nil {
		errs = fieldErrors(tr, st.err)
	}
	for i, it := range cl.Items {
		f := checkItemFragment{Item: it, CaseID: data.Case.ID, Closed: data.Case.ClosedAt != nil, CSRF: csrf}
		var html template.HTML
		var err error
		if st != nil {
			f.Form, f.Errors = st.values, errs
			html, err = s.views.fragment(tr.tag, templates.PageCase, "checkitem", f)
		} else {
			key := checkItemKey{lang: tr.tag, item: it, caseID: f.CaseID, closed: f.Closed}
			if it.At != nil {
				key.at = it.At.UnixNano()
			}
			key.item.At = nil
			html, err = tokened(s.views.frags, key, csrf, func(csrf string) (template.HTML, error) {
				f.CSRF = csrf
				return s.views.fragment(tr.tag, templates.PageCase, "checkitem", f)
			})
		}
		if err != nil {
			return err
		}
		cl.ItemsHTML[i] = html
	}
	return nil
}
