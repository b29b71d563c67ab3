package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// TestPagesForEveryReader renders every page for each kind of user who may see
// it, in Chinese (the default) and in English (Accept-Language), and checks
// what each reader relies on.
func TestPagesForEveryReader(t *testing.T) {
	t.Parallel()
	w := newPageWorld(t)
	rs := w.readers()
	seen := map[templates.Page]bool{}
	for _, p := range templates.Pages {
		if pageMarks[p] == "" {
			t.Errorf("page %s: no mark to tell it apart in pageMarks", p)
		}
	}
	for _, lang := range []string{"zh-Hans", "en"} {
		t.Run(lang, func(t *testing.T) {
			w.speak(rs, lang)
			for _, v := range append(w.agreementVisits(lang), w.visits(lang)...) {
				t.Run(v.name, func(t *testing.T) {
					r := rs[v.who]
					if v.method == "" {
						v.method = http.MethodGet
					}
					if v.status == 0 {
						v.status = http.StatusOK
					}
					var s *pageAnswer
					if v.method == http.MethodPost {
						s = sendForm(t, r.c, v.path, v.form)
						if v.follow {
							s.wantStatus(t, http.StatusSeeOther)
							s = openPage(t, r.c, s.header.Get("Location"))
						}
					} else {
						s = openPage(t, r.c, v.path)
					}
					w.checkPage(t, s, r, v, lang)
					if lang == "en" {
						if han := untranslated(s.doc, w.data()); han != "" {
							t.Errorf("%s: Chinese left on the English page: %s", s.where, han)
						}
					}
					seen[v.page] = true
					if v.check != nil {
						v.check(t, w, r, s, lang)
					}
				})
			}
		})
	}
	for _, p := range templates.Pages {
		if !seen[p] {
			t.Errorf("page %s was rendered for no one", p)
		}
	}
}

// data are the strings the scene stores (names, titles, texts, places): they
// stay as written in any language.
func (w *pageWorld) data() []string {
	d := slices.Concat(everySceneSecret, []string{bodyA1b, bodyA2m, nameB2pg, "何新zh-Hans", "何新en", "5号楼101", "名 ", "车位是我的，有合同。"},
		agreementPageStrings)
	for _, c := range mediation.DefaultPlaces().Communities {
		d = append(d, c.Name, c.Street)
	}
	d = append(append(d, mediation.DefaultPlaces().Rooms...), "3号楼院子")
	org := mediation.DefaultPlaces().Organisation
	d = append(d, org.Name, org.Address)
	// Longest first, so that no part of a longer one is taken away alone.
	slices.SortFunc(d, func(a, b string) int { return len(b) - len(a) })
	return d
}

// untranslated is the Chinese left on a page once the data are taken away:
// its text, the attributes people read (placeholder, aria-label, title, alt)
// and the title, but not what is marked as written in another language (the
// switch to Chinese, which names its language in that language; the Chinese
// copy of an invitation slip).
func untranslated(doc *goquery.Document, data []string) string {
	body := doc.Find("html").Clone()
	body.Find("body [lang]").FilterFunction(func(_ int, e *goquery.Selection) bool {
		return e.AttrOr("lang", "") != "en"
	}).Remove()
	texts := []string{body.Text()}
	body.Find("[placeholder], [aria-label], [title], [alt]").Each(func(_ int, e *goquery.Selection) {
		for _, a := range []string{"placeholder", "aria-label", "title", "alt"} {
			texts = append(texts, e.AttrOr(a, ""))
		}
	})
	text := strings.Join(texts, " ")
	for _, d := range data {
		text = strings.ReplaceAll(text, d, " ")
	}
	var han []string
	for _, f := range strings.Fields(text) {
		if containsHan(f) {
			han = append(han, f)
		}
	}
	return strings.Join(han, " ")
}

// apiParties is the case's parties as its mediators read them.
func (w *pageWorld) apiParties(t *testing.T, caseID string) []map[string]string {
	t.Helper()
	by := w.mediator
	if caseID == w.caseB {
		by = w.other
	}
	var l listOf[map[string]any]
	by.mustJSON("GET", "/api/v1/cases/"+caseID+"/parties", nil, http.StatusOK, &l)
	var out []map[string]string
	for _, it := range l.Items {
		m := map[string]string{}
		for k, v := range it {
			if s, ok := v.(string); ok {
				m[k] = s
			}
		}
		out = append(out, m)
	}
	return out
}

// apiSubmissions is every submission of the case, as its mediators read them.
func (w *pageWorld) apiSubmissions(t *testing.T, caseID string) []submissionJSON {
	t.Helper()
	by := w.mediator
	if caseID == w.caseB {
		by = w.other
	}
	var l listOf[submissionJSON]
	by.mustJSON("GET", "/api/v1/cases/"+caseID+"/submissions", nil, http.StatusOK, &l)
	return l.Items
}

// casesListCheck: the list shows exactly the cases named (by reference), with
// their titles where the reader may read them (true) and without where not.
func casesListCheck(refs map[string]bool) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, _ string) {
		titles := map[string]string{w.refA: titleA, w.refB: titleB}
		var got []string
		s.doc.Find("main li.case-row").Each(func(_ int, row *goquery.Selection) {
			ref := squashSpace(row.Find(".ref").Text())
			got = append(got, ref)
			hasTitle := strings.Contains(row.Text(), titles[ref])
			if showTitle, ok := refs[ref]; ok && hasTitle != showTitle {
				t.Errorf("%s: case %s pageAnswer with title %v, want %v", s.where, ref, hasTitle, showTitle)
			}
			if row.Find(".badge").Length() < 2 {
				t.Errorf("%s: case %s without status and category badges", s.where, ref)
			}
		})
		want := make([]string, 0, len(refs))
		for ref := range refs {
			want = append(want, ref)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: cases %v, want %v", s.where, got, want)
		}
	}
}

// mediatorCaseCheck: the mediators' page lists every party with phone and
// address, and shows every party's submissions in its own column, grouped by
// kind in the order of the kinds, each under its kind's heading.
func mediatorCaseCheck(caseID string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, lang string) {
		cat := w.cat[lang]
		doc := s.doc
		parties := w.apiParties(t, caseID)
		rows := doc.Find("main table.parties tbody tr")
		if rows.Length() != len(parties) {
			t.Errorf("%s: %d party rows, want %d", s.where, rows.Length(), len(parties))
		}
		for _, pt := range parties {
			row := rows.FilterFunction(func(_ int, r *goquery.Selection) bool {
				return strings.Contains(r.Find("td").First().Text(), pt["name"])
			})
			if row.Length() != 1 {
				t.Errorf("%s: party %s has %d rows", s.where, pt["name"], row.Length())
				continue
			}
			for _, want := range []string{pt["phone"], pt["address"], cat["side."+pt["side"]]} {
				if want != "" && !strings.Contains(row.Text(), want) {
					t.Errorf("%s: party %s's row lacks %q: %s", s.where, pt["name"], want, squashSpace(row.Text()))
				}
			}
			if row.Find(`a[href$="/parties/`+pt["id"]+`/invitation"]`).Length() != 1 {
				t.Errorf("%s: party %s cannot be invited anew", s.where, pt["name"])
			}
			col := doc.Find(`main .columns .column[data-party="` + pt["id"] + `"]`)
			if col.Length() != 1 || !strings.Contains(col.Find("h3").Text(), pt["name"]) {
				t.Errorf("%s: party %s has %d columns", s.where, pt["name"], col.Length())
			}
		}
		subs := w.apiSubmissions(t, caseID)
		if len(subs) == 0 {
			t.Fatalf("case %s has no submissions to show", caseID)
		}
		kinds := map[string][]string{} // party → the kinds of its groups, in page order
		doc.Find("main .columns .column").Each(func(_ int, col *goquery.Selection) {
			col.Find("h4").Each(func(_ int, h *goquery.Selection) {
				kinds[col.AttrOr("data-party", "")] = append(kinds[col.AttrOr("data-party", "")], squashSpace(h.Text()))
			})
		})
		for party, got := range kinds {
			var want []string
			for _, k := range mediation.SubmissionKinds {
				if slices.ContainsFunc(subs, func(s submissionJSON) bool { return s.PartyID == party && s.Kind == string(k) }) {
					want = append(want, cat["submission_kind."+string(k)])
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: party %s's groups %q, want %q", s.where, party, got, want)
			}
		}
		for _, sub := range subs {
			art := doc.Find("main #submission-" + sub.ID)
			if art.Length() != 1 {
				t.Errorf("%s: submission %s pageAnswer %d times", s.where, sub.ID, art.Length())
				continue
			}
			if col := art.Closest(".column").AttrOr("data-party", ""); col != sub.PartyID {
				t.Errorf("%s: submission %s of party %s in the column of %q", s.where, sub.ID, sub.PartyID, col)
			}
			if got, want := squashSpace(art.PrevAllFiltered("h4").First().Text()), cat["submission_kind."+sub.Kind]; got != want {
				t.Errorf("%s: submission %s (%s) under %q, want %q", s.where, sub.ID, sub.Kind, got, want)
			}
			if !strings.Contains(art.Find(".body").Text(), sub.Body) {
				t.Errorf("%s: submission %s does not show its text", s.where, sub.ID)
			}
			if entered := strings.Contains(art.Find(".meta").Text(), cat["submission.entered_by_mediator"]); entered != (sub.EnteredBy != "") {
				t.Errorf("%s: submission %s marked entered by a mediator: %v", s.where, sub.ID, entered)
			}
		}
		if doc.Find("main ol.trail li").Length() == 0 {
			t.Errorf("%s: no audit trail", s.where)
		}
		if doc.Find(`main form[action="/cases/`+caseID+`/transitions"]`).Length() != 1 {
			t.Errorf("%s: no form to change the status", s.where)
		}
		checkDate(t, s, lang)
	}
}
