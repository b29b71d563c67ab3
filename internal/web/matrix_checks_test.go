package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// checkErrorShape checks that an error answer carries the code of its status.
func checkErrorShape(t *testing.T, status int, raw []byte) {
	t.Helper()
	codes := map[int]string{401: mediation.EUNAUTHORIZED, 403: mediation.EFORBIDDEN, 404: mediation.ENOTFOUND,
		422: mediation.EINVALID}
	e := errorOf(t, raw)
	if want, ok := codes[status]; ok && e.Code != want {
		t.Errorf("status %d with code %q, want %q", status, e.Code, want)
	}
}

func mxDecode(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func mxItems(t *testing.T, raw []byte) []map[string]any {
	t.Helper()
	var l listOf[map[string]any]
	mxDecode(t, raw, &l)
	return l.Items
}

// sameIDs checks that the items are exactly the records named.
func (w *mxWorld) sameIDs(t *testing.T, items []map[string]any, syms ...string) {
	t.Helper()
	var got, want []string
	for _, it := range items {
		id, _ := it["id"].(string)
		got = append(got, id)
	}
	for _, s := range syms {
		want = append(want, w.id(t, s))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("items %v, want %v (%v)", got, want, syms)
	}
}

// mxCaseView is the view of a case each principal gets when it sees one.
var mxCaseView = [mxWhoCount]string{pAdmin: "meta", pMed: "full", pOther: "full", pA1: "overview", pA2: "overview", pB1: "overview"}

func checkCaseView(t *testing.T, c map[string]any, view string) {
	t.Helper()
	if c["view"] != view {
		t.Errorf("case %v has view %v, want %s", c["id"], c["view"], view)
	}
	_, hasTitle := c["title"]
	_, hasSummary := c["summary"]
	switch view {
	case "meta":
		if hasTitle || hasSummary {
			t.Errorf("meta view of case %v has content: %v", c["id"], c)
		}
	case "overview":
		if !hasTitle || hasSummary {
			t.Errorf("overview of case %v: %v", c["id"], c)
		}
	case "full":
		if !hasTitle || !hasSummary {
			t.Errorf("full view of case %v: %v", c["id"], c)
		}
	}
}

func caseCheck(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		var c map[string]any
		mxDecode(t, raw, &c)
		if c["id"] != w.id(t, sym) {
			t.Errorf("case %v, want %s", c["id"], sym)
		}
		checkCaseView(t, c, mxCaseView[p])
	}
}

// partiesCheck: the mediators see every record whole; a party sees its own
// record whole and the others' names and sides, never their contact details.
func partiesCheck(caseSym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		items := mxItems(t, raw)
		members := map[string][]string{"A": {"A1", "A2"}, "B": {"B1"}}[caseSym]
		w.sameIDs(t, items, members...)
		own := map[mxWho]string{pA1: w.partyA1, pA2: w.partyA2, pB1: w.partyB1}[p]
		for _, it := range items {
			_, phone := it["phone"]
			_, address := it["address"]
			full := p == pMed || p == pOther || it["id"] == own
			if full && (!phone || it["view"] != "full") {
				t.Errorf("%s should see party %v whole: %v", p, it["id"], it)
			}
			if !full && (phone || address || it["view"] != "public") {
				t.Errorf("%s sees another party's contact details: %v", p, it)
			}
			if it["name"] == nil || it["side"] == nil {
				t.Errorf("%s does not see party %v's name and side: %v", p, it["id"], it)
			}
		}
	}
}

// submissionsCheck: the mediators see every submission of their case, a
// party its own only (none is released here).
func submissionsCheck(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	w.sameIDs(t, mxItems(t, raw), map[mxWho][]string{pMed: {"subA1", "subA2"}, pOther: {"subB1"},
		pA1: {"subA1"}, pA2: {"subA2"}, pB1: {"subB1"}}[p]...)
}

func sameSubmission(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		var s submissionJSON
		mxDecode(t, raw, &s)
		if s.ID != w.id(t, sym) {
			t.Errorf("answered submission %s, want %s", s.ID, sym)
		}
	}
}

// TestMatrixNotFoundLooksAbsent compares, for a few objects that exist but
// are hidden from the principal, the answer with the one for the same path
// naming an ID that does not exist: same status, same bytes.
func TestMatrixNotFoundLooksAbsent(t *testing.T) {
	t.Parallel()
	w := newMxWorld(t)
	for _, c := range []struct {
		p              mxWho
		method         string
		hidden, absent string
		body           any
	}{
		{pOther, "GET", "/cases/A", "/cases/absent", nil},
		{pB1, "GET", "/cases/A", "/cases/absent", nil},
		{pOther, "PATCH", "/cases/A", "/cases/absent", map[string]string{"summary": "x"}},
		{pB1, "GET", "/cases/A/parties", "/cases/absent/parties", nil},
		{pOther, "GET", "/cases/A/submissions", "/cases/absent/submissions", nil},
		{pA2, "GET", "/cases/A/submissions/subA1", "/cases/A/submissions/absent", nil},
		{pB1, "GET", "/cases/A/submissions/subB1", "/cases/A/submissions/absent", nil},
		{pA2, "POST", "/cases/A/submissions/subA1/release", "/cases/A/submissions/absent/release", nil},
		{pOther, "POST", "/cases/A/parties/A1/invitation", "/cases/A/parties/absent/invitation", nil},
		{pOther, "GET", "/cases/A/audit", "/cases/absent/audit", nil},
		{pB1, "POST", "/cases/A/submissions", "/cases/absent/submissions", map[string]string{"kind": "position", "body": "x"}},
	} {
		fill := func(path string) string {
			segs := strings.Split(path, "/")
			for i, s := range segs {
				if id, ok := w.lookup(s); ok {
					segs[i] = id
				}
			}
			return "/api/v1" + strings.Join(segs, "/")
		}
		hs, hb := mxSend(t, w.as(c.p), c.method, fill(c.hidden), c.body)
		as, ab := mxSend(t, w.as(c.p), c.method, fill(c.absent), c.body)
		if hs != http.StatusNotFound || as != http.StatusNotFound || !bytes.Equal(hb, ab) {
			t.Errorf("%s %s as %s: hidden %d %s, absent %d %s", c.method, c.hidden, c.p, hs, hb, as, ab)
		}
	}
}

// The pages: the same routes without /api/v1, server-rendered.
