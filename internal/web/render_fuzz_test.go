package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/casework"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
	"tiaojie/templates"
)

// FuzzRenderUserText renders the pages that show what people wrote with
// fuzzed text in every such place, and checks that none of it becomes markup
// that runs: no script element, no event-handler attribute, no javascript:
// URL, and no element the templates do not write themselves.
func FuzzRenderUserText(f *testing.F) {
	for _, seed := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`,
		`javascript:alert(1)`, `</textarea><svg onload=alert(1)>`, `{{.CSRF}}`, "第一行\n第二行", `' onmouseover='x`} {
		f.Add(seed)
	}
	db, err := store.Open(filepath.Join(f.TempDir(), "t.db"), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	az, err := authz.New(nil)
	if err != nil {
		f.Fatal(err)
	}
	cw := casework.New(casework.Config{DB: db, Authz: az, Auth: &auth.Service{DB: db}, Places: mediation.DefaultPlaces()})
	s, err := New(Config{Casework: cw, Places: mediation.DefaultPlaces(),
		InsecureCookies: true, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		now := time.Date(2026, 11, 26, 6, 30, 0, 0, time.UTC)
		people := []mediation.Person{{ID: 1, DisplayName: text}}
		cs := caseFull{caseOverview: caseOverview{caseMeta: caseMeta{ID: 1, Reference: "2026-0001",
			Category: mediation.CategoryNoise, Status: mediation.StatusMediating, Community: "dongfeng", Street: text,
			Mediators: people, OpenedAt: now}, Title: text}, Summary: text, Source: mediation.SourceReferredPolice,
			NextStatuses: []mediation.Status{mediation.StatusAgreement}}
		party := mediation.Party{ID: 1, CaseID: 1, Name: text, Side: mediation.SideApplicant, Phone: text, Address: text, Represents: text}
		sub := mediation.Submission{ID: 1, CaseID: 1, PartyID: 1, Kind: mediation.SubmissionPosition, Body: text, CreatedAt: now}
		form := &formState{values: map[string]string{"title": text, "body": text, "reason": text, "name": text},
			err: &mediation.Error{Code: mediation.EINVALID, Message: "error.invalid",
				Fields: map[string]mediation.FieldError{"title": {Key: "validation.max", Param: text}}}}
		pages := map[templates.Page]any{
			templates.PageCase: &casePageData{Case: cs, CommunityName: text, Parties: []partyFull{{Party: party}},
				Columns: []partyColumn{{Party: party, Groups: []kindGroup{{Kind: sub.Kind, Items: []mediation.Submission{sub}}}}},
				Kinds:   mediation.SubmissionKinds, Trail: []auditView{{At: now, ActorName: text, Action: mediation.AuditCaseCreate, Object: text}}},
			templates.PageMyCase: &myCasePageData{Case: cs.caseOverview, Me: partyFull{Party: party}, Others: []partyPublic{{ID: 1, Name: text, Side: party.Side}},
				Mine: []mediation.Submission{sub}, Shared: []sharedSubmission{{Author: text, Submission: sub}},
				Kinds: mediation.SubmissionKinds, Open: true},
			templates.PageCaseNew: s.newCaseForm(),
			templates.PageRelease: releasePageData{Submission: &sub, Others: []partyPublic{{ID: 1, Name: text, Side: party.Side}}},
		}
		for page, data := range pages {
			rec := httptest.NewRecorder()
			c := s.echo.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
			if err := s.render(c, http.StatusOK, page, data, form); err != nil {
				t.Fatalf("%s: %v", page, err)
			}
			inert(t, string(page), rec.Body.Bytes())
		}
	})
}

// inert fails when a rendered page holds anything that would run.
func inert(t *testing.T, page string, b []byte) {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "img", "math":
				t.Fatalf("%s: a <%s> element", page, tok.Data)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(v, "javascript:") {
					t.Fatalf("%s: <%s %s=%q>", page, tok.Data, a.Key, a.Val)
				}
			}
		}
	}
}
