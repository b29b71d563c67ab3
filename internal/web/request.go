package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// What a handler takes from a request for an operation: who asks, the IDs
// the path names, the query and the body.

// call is the request as an operation's call: its principal and, for a
// keyed POST, its idempotency key.
func call(c echo.Context) *mediation.Request {
	r := &mediation.Request{Principal: principal(c)}
	if k, ok := c.Get(ctxIdempotency).(idempotencyKey); ok {
		r.Key, r.Body = k.scope, k.request
	}
	return r
}

// answer writes v as JSON with status, marked as a replay when the
// operation answered from the record of an earlier call with the same key.
func answer(c echo.Context, r *mediation.Request, status int, v any) error {
	if r.Replayed {
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	return c.JSON(status, v)
}

// idParam is the ID the path names, or zero (which names nothing) when it
// cannot be one: the operation then answers as for an absent record, after
// its own decisions, so that the answer does not depend on the spelling.
func idParam(c echo.Context, name string) mediation.ID {
	id, _ := mediation.ParseID(c.Param(name))
	return id
}

// query reads ?limit= (default 50, at most 200) and ?cursor= into a
// mediation.Page, and a case list's ?status= and ?category= into a
// mediation.CaseQuery.
func query(c echo.Context) mediation.Input {
	return func(v any) error {
		switch q := v.(type) {
		case *mediation.Page:
			return readPage(c, q)
		case *mediation.CaseQuery:
			if err := readPage(c, &q.Page); err != nil {
				return err
			}
			q.Status = mediation.Status(c.QueryParam("status"))
			q.Category = mediation.Category(c.QueryParam("category"))
			q.Community, q.Text = c.QueryParam("community"), c.QueryParam("q")
			return nil
		}
		return fmt.Errorf("web: no query of type %T", v)
	}
}

func readPage(c echo.Context, pg *mediation.Page) error {
	pg.Limit = 50
	if l := c.QueryParam("limit"); l != "" {
		if _, err := fmt.Sscan(l, &pg.Limit); err != nil || pg.Limit < 1 || pg.Limit > 200 || fmt.Sprint(pg.Limit) != l {
			return mediation.Invalid("limit", "validation.limit", "")
		}
	}
	if cur := c.QueryParam("cursor"); cur != "" {
		var ok bool
		// The largest ID would wrap round to the first page.
		if pg.Cursor, ok = mediation.ParseID(cur); !ok || pg.Cursor == math.MaxUint64 {
			return mediation.Invalid("cursor", "validation.invalid", "")
		}
	}
	return nil
}

// list is the shape of every list answer.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func newList[T any](items []T, next mediation.ID) list[T] {
	l := list[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if next != 0 {
		l.NextCursor = next.String()
	}
	return l
}

// paged cuts one page out of a list an operation answered whole: the short
// lists kept in an order other than their IDs' (a case's sessions and a
// calendar by start, deadlines by day). key names an item for the cursor;
// the page starts after the item the cursor names, and a cursor that names
// none is refused rather than answered from the start again.
func paged[T any](c echo.Context, items []T, key func(i int, item T) mediation.ID) ([]T, mediation.ID, error) {
	var pg mediation.Page
	if err := readPage(c, &pg); err != nil {
		return nil, 0, err
	}
	from := 0
	if pg.Cursor != 0 {
		from = -1
		for i, it := range items {
			if key(i, it) == pg.Cursor {
				from = i + 1
				break
			}
		}
		if from < 0 {
			return nil, 0, mediation.Invalid("cursor", "validation.invalid", "")
		}
	}
	to := min(from+pg.Limit, len(items))
	var next mediation.ID
	if to < len(items) {
		next = key(to-1, items[to-1])
	}
	return items[from:to], next, nil
}

// position is the key of an item without an ID of its own: its place in the
// list, from 1.
func position[T any](i int, _ T) mediation.ID { return mediation.ID(i + 1) }

// rawList answers a list whose items are JSON already (records as stored),
// in the shape newList gives, without decoding and encoding them again. The
// answer is put together in a buffer kept for the next one: the response
// writer has its bytes once Blob returns.
func rawList(c echo.Context, items [][]byte, next mediation.ID) error {
	b := listBuffers.Get().(*[]byte)
	defer func() {
		if cap(*b) <= maxKeptList {
			listBuffers.Put(b)
		}
	}()
	out := append((*b)[:0], `{"items":[`...)
	for i, it := range items {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, it...)
	}
	out = append(out, `],"next_cursor":"`...)
	if next != 0 {
		out = strconv.AppendUint(out, uint64(next), 10)
	}
	out = append(out, "\"}\n"...)
	*b = out
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, out)
}

// listBuffers are rawList's buffers; one that grew past maxKeptList for a
// long page is let go.
var listBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxKeptList = 256 << 10

// ok is the JSON answer 200 of a read.
func ok(c echo.Context, v any) error { return c.JSON(http.StatusOK, v) }
