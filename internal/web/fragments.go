package web

import (
	"bytes"
	clist "container/list"
	"fmt"
	"html/template"
	"sync"

	"golang.org/x/text/language"

	"tiaojie/templates"
)

// A page's hot loops (a case's fifty submissions, its trail, the fifty rows
// of a case list) are the same HTML from view to view while their records
// stay as they are. Each such part is a template of its own, defined in its
// page's set, executed once for a record as it is in a language, and its
// HTML kept under a key made of everything it shows: a record that changes
// makes another key, and so another fragment, on the next view. Nothing that
// differs between viewers is part of a fragment: the page is still rendered
// for each request after its access decision, from the records that request
// read, and a viewer's own values (the CSRF token) are put in per request.
//
// The cache is bounded in bytes and drops the least recently used
// fragments first.

// fragmentBytes bounds the cache: the fragments' HTML and their keys' text.
const fragmentBytes = 8 << 20

// fragments are the page sets' cached fragments, for every kind of key.
type fragments struct {
	mu    sync.Mutex
	max   int
	size  int
	items map[any]*clist.Element
	order *clist.List // of *fragment, most recently used first
}

type fragment struct {
	key  any
	html template.HTML
	cost int
}

func newFragments(max int) *fragments {
	return &fragments{max: max, items: map[any]*clist.Element{}, order: clist.New()}
}

// fragmentKey is a key of the cache: comparable, and saying roughly how many
// bytes it holds beside the HTML.
type fragmentKey interface {
	comparable
	cost() int
}

// cached is the fragment under key, made by render when absent.
func cached[K fragmentKey](f *fragments, key K, render func() (template.HTML, error)) (template.HTML, error) {
	f.mu.Lock()
	if el, ok := f.items[key]; ok {
		f.order.MoveToFront(el)
		html := el.Value.(*fragment).html
		f.mu.Unlock()
		return html, nil
	}
	f.mu.Unlock()
	html, err := render()
	if err != nil {
		return "", err
	}
	f.put(key, html, len(html)+key.cost()+fragmentOverhead)
	return html, nil
}

// fragmentOverhead is what an entry costs besides its HTML and key text:
// the list element, the map entry, the key's fixed fields.
const fragmentOverhead = 256

func (f *fragments) put(key any, html template.HTML, cost int) {
	if cost > f.max {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.items[key]; ok {
		return // made meanwhile by another request, the same
	}
	f.items[key] = f.order.PushFront(&fragment{key: key, html: html, cost: cost})
	f.size += cost
	for f.size > f.max {
		last := f.order.Back()
		fr := last.Value.(*fragment)
		f.order.Remove(last)
		delete(f.items, fr.key)
		f.size -= fr.cost
	}
}

// stats are the cache's fragments and bytes, for tests.
func (f *fragments) stats() (n, size int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.items), f.size
}

// fragmentEntries are the fragments each page's set defines: escaped as
// entries of their own at start, as the page is, and their translations
// folded alike.
var fragmentEntries = map[templates.Page][]string{
	templates.PageCase:  {"submission", "trailline", "checkitem"},
	templates.PageCases: {"caserow", "filters"},
}

// fragment executes a fragment template of a page's set in a language.
func (v *pageSet) fragment(tag language.Tag, page templates.Page, name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := v.pages[tag][page].ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("web: render %s of %s: %w", name, page, err)
	}
	return template.HTML(buf.String()), nil
}
