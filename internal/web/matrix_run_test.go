package web_test

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"tiaojie/internal/mediation"
)

// withAbsent adds, for a route with path parameters, two rows per parameter,
// derived from the route's first row: one naming an ID no record has, one
// writing the first row's ID with a leading zero (which is no ID). On a page a
// signed-in principal's 303 is a success too (post-redirect-get), and becomes
// 404 likewise; the anonymous' 303 is the way to the sign-in page, decided
// before anything is loaded, and stays.
func withAbsent(route string, rows []mxRow) []mxRow {
	if len(rows) == 0 || len(rows[0].at) == 0 {
		return rows
	}
	first := rows[0]
	for _, name := range slices.Sorted(maps.Keys(first.at)) {
		for _, v := range []struct{ label, sym string }{
			{"absent " + name, "absent"},
			// The first row's own ID written with a leading zero: not an ID.
			{"zero-padded " + name, "0" + first.at[name]},
		} {
			r := first
			r.name = v.label
			r.at = maps.Clone(first.at)
			r.at[name] = v.sym
			r.setup, r.check, r.location = nil, nil, nil
			for i, s := range r.want {
				if s >= 200 && s < 300 || s == http.StatusSeeOther && mxWho(i) != pAnon {
					r.want[i] = http.StatusNotFound
				}
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// mxAnswer is one response of the matrix, kept for the checks across it.
type mxAnswer struct {
	where  string
	status int
	body   []byte
	// page marks an HTML answer, whose <main> is what the checks across the
	// matrix compare (the header names the signed-in reader, and every page
	// carries its own CSRF token).
	page  bool
	group string // the row's errorGroup
}

type mxAnswers struct {
	mu  sync.Mutex
	all []mxAnswer
}

func (a *mxAnswers) add(x mxAnswer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.all = append(a.all, x)
}

func TestMatrix(t *testing.T) {
	t.Parallel()
	table := authzMatrix()
	maps.Copy(table, pageMatrix())
	maps.Copy(table, sessionMatrix())
	maps.Copy(table, sessionPageMatrix())
	maps.Copy(table, statsMatrix()) // statistics for the street office
	maps.Copy(table, partyEditMatrix())
	maps.Copy(table, attachmentMatrix())
	maps.Copy(table, agreementMatrix())
	maps.Copy(table, agreementPageMatrix())
	// Closing, the mediator's own neutrality and recusals.
	maps.Copy(table, closingMatrix())

	// The table and the router must list the same routes.
	ref := newMxWorld(t)
	snap := ref.snapshot(t)
	registered := ref.app.Server.Routes()
	for _, r := range registered {
		if len(table[r]) == 0 {
			t.Errorf("route %q is registered but has no rows in the matrix", r)
		}
	}
	for r := range table {
		if !slices.Contains(registered, r) {
			t.Errorf("the matrix has route %q, which the router does not register", r)
		}
	}

	// The answer for an ID that does not exist at all, which every 404 must
	// repeat byte for byte.
	status, notFound := mxSend(t, ref.mediator, "GET", "/api/v1/cases/"+mxAbsentID, nil)
	if status != http.StatusNotFound {
		t.Fatalf("reference 404: got %d: %s", status, notFound)
	}
	if e := errorOf(t, notFound); e.Code != mediation.ENOTFOUND {
		t.Fatalf("reference 404: %s", notFound)
	}
	// The page for an ID that does not exist, whose title and <main> every
	// 404 page must repeat.
	status, _, notFoundPage := mxSendPage(t, ref.mediator, "GET", "/cases/"+mxAbsentID, nil)
	if status != http.StatusNotFound {
		t.Fatalf("reference 404 page: got %d: %s", status, notFoundPage)
	}

	// The page GETs change nothing any principal is answered, so they share
	// ref's scene (a scene costs a second): their setups run here, before the
	// routes run side by side.
	for _, route := range slices.Sorted(maps.Keys(table)) {
		if mxSharedScene[route] {
			mxSetup(t, ref, table[route])
		}
	}

	var got mxAnswers
	cells := 0
	t.Run("routes", func(t *testing.T) {
		for _, route := range slices.Sorted(maps.Keys(table)) {
			rows := withAbsent(route, table[route])
			cells += len(rows) * int(mxWhoCount)
			t.Run(route, func(t *testing.T) {
				t.Parallel()
				w := ref
				if !mxSharedScene[route] {
					w = snap.world(t)
					mxSetup(t, w, rows)
				}
				runMatrixRoute(t, w, route, rows, &got)
			})
		}
	})
	t.Logf("%d routes, %d rows × %d principals = %d requests", len(table), cells/int(mxWhoCount), mxWhoCount, cells)

	t.Run("every 404 looks like an absent ID", func(t *testing.T) {
		n := 0
		for _, a := range got.all {
			if a.status != http.StatusNotFound {
				continue
			}
			n++
			if a.page {
				if have, want := mxPageFace(t, a.body), mxPageFace(t, notFoundPage); have != want {
					t.Errorf("%s: 404 page differs from the one for an absent ID:\n got %s\nwant %s", a.where, have, want)
				}
				continue
			}
			if !bytes.Equal(a.body, notFound) {
				t.Errorf("%s: 404 body differs from the one for an absent ID:\n got %s\nwant %s", a.where, a.body, notFound)
			}
		}
		if n == 0 {
			t.Error("no 404 in the matrix")
		}
	})
	t.Run("401 and 403 bodies do not vary", func(t *testing.T) {
		type kind struct {
			status int
			page   bool
			group  string
		}
		first := map[kind]mxAnswer{}
		for _, a := range got.all {
			if a.status != http.StatusUnauthorized && a.status != http.StatusForbidden {
				continue
			}
			k := kind{a.status, a.page, a.group}
			f, ok := first[k]
			if !ok {
				first[k] = a
				continue
			}
			if a.page {
				if have, want := mxPageFace(t, a.body), mxPageFace(t, f.body); have != want {
					t.Errorf("%s: %d page %s differs from %s's %s", a.where, a.status, have, f.where, want)
				}
				continue
			}
			if !bytes.Equal(a.body, f.body) {
				t.Errorf("%s: %d body %s differs from %s's %s", a.where, a.status, a.body, f.where, f.body)
			}
		}
	})
	t.Run("no error body names a party or quotes a submission", func(t *testing.T) {
		for _, a := range got.all {
			if a.status < 400 {
				continue
			}
			body := a.body
			if a.page {
				// A form shown again (422, 409) is the page its reader may
				// see, checked against what it may not where it is answered;
				// an error page names no one in its <main> (its header names
				// the signed-in reader).
				if a.status == http.StatusUnprocessableEntity || a.status == http.StatusConflict {
					continue
				}
				body = []byte(pageMain(t, a.body))
			}
			for _, s := range everySceneSecret {
				if bytes.Contains(body, []byte(s)) {
					t.Errorf("%s: %d body contains %q: %s", a.where, a.status, s, body)
				}
			}
		}
	})
}

// mxSetup runs a route's setups on the scene it runs on.
func mxSetup(t *testing.T, w *mxWorld, rows []mxRow) {
	for _, r := range rows {
		if r.setup != nil {
			r.setup(t, w)
		}
	}
}

// runMatrixRoute runs every row of one route for every principal on its scene.
// Rows that turn the client into another principal run last.
func runMatrixRoute(t *testing.T, w *mxWorld, route string, rows []mxRow, got *mxAnswers) {
	method, template, _ := strings.Cut(route, " ")
	rows = slices.Concat(slices.DeleteFunc(slices.Clone(rows), func(r mxRow) bool { return r.becomes }),
		slices.DeleteFunc(slices.Clone(rows), func(r mxRow) bool { return !r.becomes }))
	for p := range mxWhoCount {
		t.Run(p.String(), func(t *testing.T) {
			for _, r := range rows {
				t.Run(r.name, func(t *testing.T) {
					path := w.path(t, template, r.at, p)
					var b any
					if r.body != nil {
						b = r.body(w, p)
					}
					where := fmt.Sprintf("%s %s [%s] as %s", method, path, r.name, p)
					if mxIsPage(template) {
						runPageCell(t, w, p, r, method, path, where, b, got)
						return
					}
					status, raw := mxSend(t, w.as(p), method, path, b)
					got.add(mxAnswer{where: where, status: status, body: raw, group: r.errorGroup})
					if status != r.want[p] {
						t.Errorf("%s: got %d, want %d: %s", where, status, r.want[p], raw)
						return
					}
					if status >= 400 {
						checkErrorShape(t, status, raw)
						return
					}
					if !r.becomes && !r.wholeDatabase {
						for _, s := range hiddenFrom[p] {
							if bytes.Contains(raw, []byte(s)) {
								t.Errorf("%s: answer shows %q to %s: %s", where, s, p, raw)
							}
						}
					}
					if r.check != nil {
						r.check(t, w, p, raw)
					}
				})
			}
		})
	}
}
