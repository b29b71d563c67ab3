package store

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// Each kept kind's clone copies every field, and shares no slice, map or
// pointer with what it copied: checked on a record whose every field, at
// every depth, is set, so that a field added later without its copy fails
// here.
func TestDecodedClonesAreDeep(t *testing.T) {
	checkClone(t, decodedCases)
	checkClone(t, decodedSubmissions)
	checkClone(t, decodedParties)
	checkClone(t, decodedAudit)
}

func checkClone[T any](t *testing.T, c *decodedCache[T]) {
	t.Helper()
	var r T
	fill(t, reflect.ValueOf(&r).Elem(), 1)
	cp := c.clone(&r)
	if !reflect.DeepEqual(r, cp) {
		t.Errorf("%T: the clone differs:\n %+v\n %+v", r, r, cp)
	}
	if path := shared(reflect.ValueOf(r), reflect.ValueOf(cp), reflect.TypeOf(r).String()); path != "" {
		t.Errorf("%T: the clone shares %s", r, path)
	}
}

var timeType = reflect.TypeFor[time.Time]()

// fill sets every field of v, at every depth, to something not zero.
func fill(t *testing.T, v reflect.Value, n int) {
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(time.Date(2026, 3, n, 9, 0, 0, 0, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(n))
	case reflect.Uint64, reflect.Uint32, reflect.Uint:
		v.SetUint(uint64(n))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 4))
		for i := range 2 {
			fill(t, v.Index(i), n+i)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, n)
		fill(t, e, n)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n+i)
			}
		}
	default:
		t.Fatalf("fill: no value for a %s", v.Type())
	}
}

// shared names the first slice, map or pointer that a and b have in common,
// or returns "".
func shared(a, b reflect.Value, path string) string {
	if a.Type() == timeType {
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shared(a.Elem(), b.Elem(), "*"+path)
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), path+"[i]"); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// A record read again unchanged comes from the cache, as a copy of its own;
// changed, it is decoded anew.
func TestDecodedCacheAnswersTheStoredBytes(t *testing.T) {
	c := newDecodedCache(1<<20, cloneCase)
	stored := func(title string, mediators ...mediation.ID) []byte {
		b, err := json.Marshal(mediation.Case{ID: 3, Title: title, Mediators: mediators})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b := stored("车位", 1, 2)
	var first, second mediation.Case
	if err := c.decode(b, &first); err != nil {
		t.Fatal(err)
	}
	first.Mediators[0] = 99 // a caller changing its copy
	if err := c.decode(b, &second); err != nil {
		t.Fatal(err)
	}
	if second.Title != "车位" || second.Mediators[0] != 1 {
		t.Errorf("a second read gave %+v: a caller's change reached the cache", second)
	}
	var changed mediation.Case
	if err := c.decode(stored("噪音", 1), &changed); err != nil {
		t.Fatal(err)
	}
	if changed.Title != "噪音" || len(changed.Mediators) != 1 {
		t.Errorf("changed bytes gave %+v", changed)
	}
	if err := c.decode([]byte(`{"id":`), &changed); err == nil {
		t.Error("broken bytes decoded")
	}
}

// A record read for a field is decoded once and kept: read again, the same
// kept record answers, and changed bytes (a case closed) answer the change,
// so that a submission to a case closed meanwhile is refused.
func TestDecodedCacheSharesTheKeptRecord(t *testing.T) {
	c := newDecodedCache(1<<20, cloneCase)
	stored := func(status mediation.Status) []byte {
		b, err := json.Marshal(mediation.Case{ID: 3, Title: "漏水", Status: status, Mediators: []mediation.ID{1}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	open := stored(mediation.StatusMediating)
	first, err := c.shared(open)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.shared(bytes.Clone(open))
	if err != nil {
		t.Fatal(err)
	}
	if again != first || again.Status != mediation.StatusMediating {
		t.Errorf("read again: %p %+v, not the kept %p", again, again, first)
	}
	var copied mediation.Case
	if err := c.decode(open, &copied); err != nil || copied.Title != "漏水" {
		t.Errorf("the record kept for a field decodes as %+v, %v", copied, err)
	}
	closed, err := c.shared(stored(mediation.StatusClosed))
	if err != nil {
		t.Fatal(err)
	}
	if closed.Status != mediation.StatusClosed {
		t.Errorf("the changed case reads as %s, not closed", closed.Status)
	}
	if _, err := c.shared([]byte(`{"status":`)); err == nil {
		t.Error("broken bytes decoded")
	}
}

// The cache holds at most two generations of its size: what is not read
// again is dropped, what is read again stays.
func TestDecodedCacheIsBounded(t *testing.T) {
	c := newDecodedCache(4096, cloneCase)
	var kept []byte
	for i := range 1000 {
		b, _ := json.Marshal(mediation.Case{ID: mediation.ID(i + 1), Title: "纠纷"})
		if i == 0 {
			kept = b
		}
		var r mediation.Case
		if err := c.decode(b, &r); err != nil {
			t.Fatal(err)
		}
		if err := c.decode(kept, &r); err != nil || r.ID != 1 {
			t.Fatalf("the case read every time: %+v, %v", r, err)
		}
	}
	size := 0
	for k := range c.cur {
		size += 2 * len(k)
	}
	for k := range c.old {
		size += 2 * len(k)
	}
	if size > 2*4096 {
		t.Errorf("the cache holds %d bytes, above twice its size 4096", size)
	}
	if _, ok := c.cur[string(kept)]; !ok {
		t.Error("the case read every time is not in the newer generation")
	}
}
