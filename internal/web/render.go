package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// views are the pages a server renders: the template sets, which are the
// same for every server of the process, and the fragments this server keeps.
type views struct {
	*pageSet
	// frags are the fragments of pages kept between requests.
	frags *fragments
}

// pageSet holds every page's template set in every language, parsed once
// with the language's functions bound, so that a request clones and binds
// nothing.
type pageSet struct {
	pages map[language.Tag]map[templates.Page]*template.Template
	// css is the stylesheet and the path it is served at, named by its
	// content hash so that it can be cached for good.
	css     []byte
	cssPath string
	zone    *time.Location
}

// pageSets are the page sets built in this process, by time zone. A set is
// made of the embedded templates and the embedded catalogue alone, so every
// server of the process with the same zone shares one: executing a parsed
// and escaped template is safe from any number of goroutines, and parsing
// them again is most of what starting a server costs.
var pageSets struct {
	sync.Mutex
	byZone map[string]*pageSet
}

// newViews gives a server the page sets of its zone, parsed at the first
// server's start, and a fragment cache of its own.
func newViews(zone *time.Location, cat *catalogue) (*views, error) {
	pageSets.Lock()
	defer pageSets.Unlock()
	ps, ok := pageSets.byZone[zone.String()]
	if !ok {
		var err error
		if ps, err = newPageSet(zone, cat); err != nil {
			return nil, err
		}
		if pageSets.byZone == nil {
			pageSets.byZone = map[string]*pageSet{}
		}
		pageSets.byZone[zone.String()] = ps
	}
	return &views{pageSet: ps, frags: newFragments(fragmentBytes)}, nil
}

// newPageSet parses the layout and partials with each page, and checks that
// every page file is declared and every declared page has a file.
func newPageSet(zone *time.Location, cat *catalogue) (*pageSet, error) {
	files, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	var found []templates.Page
	for _, f := range files {
		found = append(found, templates.Page(strings.TrimSuffix(path.Base(f), ".html")))
	}
	for _, p := range found {
		if !slices.Contains(templates.Pages, p) {
			return nil, fmt.Errorf("web: page file pages/%s.html is not declared in templates.Pages", p)
		}
	}
	v := &pageSet{pages: map[language.Tag]map[templates.Page]*template.Template{}, zone: zone}
	for _, p := range templates.Pages {
		if !slices.Contains(found, p) {
			return nil, fmt.Errorf("web: page %q has no file pages/%s.html", p, p)
		}
	}
	for tag, tr := range cat.translators {
		v.pages[tag] = map[templates.Page]*template.Template{}
		for _, p := range templates.Pages {
			t, err := template.New("base").Funcs(v.funcs(tr)).ParseFS(templates.FS,
				"layouts/*.html", "partials/*.html", "pages/"+string(p)+".html")
			if err != nil {
				return nil, fmt.Errorf("web: parse page %s: %w", p, err)
			}
			if err := foldTranslations(t, append([]string{"base"}, fragmentEntries[p]...), tr); err != nil {
				return nil, fmt.Errorf("web: page %s: %w", p, err)
			}
			v.pages[tag][p] = t
		}
	}
	if v.css, err = fs.ReadFile(templates.FS, "static/style.css"); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(v.css)
	v.cssPath = "/static/style." + hex.EncodeToString(sum[:6]) + ".css"
	return v, nil
}

// funcs are the template functions, bound to the reader's language.
func (v *pageSet) funcs(t translator) template.FuncMap {
	return template.FuncMap{
		// T translates a key; pairs of arguments fill its placeholders.
		"T": func(key string, args ...any) string {
			var data map[string]any
			for i := 0; i+1 < len(args); i += 2 {
				if data == nil {
					data = map[string]any{}
				}
				data[fmt.Sprint(args[i])] = args[i+1]
			}
			return t.T(key, data)
		},
		// missing names an item of error.missing, with the party it is
		// about: missing "notice_of_rights:party:12".
		"missing": func(m string) string {
			item, party := mediation.SplitMissing(m)
			label := t.T("missing."+item, nil)
			if party != 0 {
				label = t.T("punct.paren", map[string]any{"Text": label, "Note": t.T("closing.party_no", map[string]any{"ID": party.String()})})
			}
			return label
		},
		// final says whether a status ends the mediation (asks for a reason
		// and a confirmation on the status form).
		"final": func(st mediation.Status) bool { return slices.Contains(finalStatuses, st) },
		// label names a code of an enumeration: label "status" .Status.
		"label": func(prefix string, code any) string { return t.T(prefix+"."+fmt.Sprint(code), nil) },
		// paren writes a text with a note, in the reader's punctuation:
		// 赵明（申请人） or 赵明 (Applicant).
		"paren": func(text, note any) string { return paren(t, fmt.Sprint(text), fmt.Sprint(note)) },
		// names lists people by name, in the reader's punctuation.
		"names": func(pp []mediation.Person) string {
			names := make([]string, len(pp))
			for i, p := range pp {
				names[i] = p.DisplayName
			}
			return strings.Join(names, t.T("punct.list", nil))
		},
		"date": func(tm time.Time) string { return v.format(t, tm, false) },
		// clock is the time of day alone; weekday the day's name.
		"clock": v.clock,
		"monthday": func(tm time.Time) string {
			if t.tag == language.English {
				return tm.In(v.zone).Format("2 Jan")
			}
			return tm.In(v.zone).Format("1月2日")
		},
		"weekday": func(tm time.Time) string { return t.T(fmt.Sprintf("weekday.%d", tm.In(v.zone).Weekday()), nil) },
		// Agreements: a term's number from its index, and a partial's page
		// with other data (its form's values, errors and CSRF token kept).
		"inc":           func(i int) int { return i + 1 },
		"pageWith":      func(d pageData, data any) pageData { d.Data = data; return d },
		"performances":  func() []mediation.Performance { return mediation.Performances },
		"satisfactions": func() []int { return []int{5, 4, 3, 2, 1} },
		"datetime": func(tm any) string {
			switch x := tm.(type) {
			case time.Time:
				return v.format(t, x, true)
			case *time.Time:
				if x != nil {
					return v.format(t, *x, true)
				}
			}
			return ""
		},
	}
}

// format writes a time in the configured zone, the way the reader writes it:
// 2026年11月26日 14:30 or 26 Nov 2026 14:30.
func (v *pageSet) format(t translator, tm time.Time, withTime bool) string {
	tm = tm.In(v.zone)
	if t.tag == language.English {
		if withTime {
			return tm.Format("2 Jan 2006 15:04")
		}
		return tm.Format("2 Jan 2006")
	}
	if withTime {
		return tm.Format("2006年1月2日 15:04")
	}
	return tm.Format("2006年1月2日")
}

// pageData is what every page template receives.
type pageData struct {
	Lang      string
	OtherLang struct{ Code, Name string }
	CSS       string
	Path      string
	// LangHere makes the language link a query on the page's own address
	// (an invitation link's page: it switches without leaving the link and
	// without repeating its token).
	LangHere bool
	CSRF     string
	Who      struct{ Name, Role string }
	// The form's values and its problems, to show a form again as typed.
	Form    map[string]string
	Errors  map[string]string
	Error   string
	Allowed []string
	Missing []string
	// Conflicts are why a mediator's own interests conflict with a case.
	Conflicts []mediation.Conflict
	// Problems are the fields with something to mend, in the order of the
	// form, for the summary at its top that links to each.
	Problems []problem
	// Flash is the one line that says what the last action did.
	Flash string
	// Org is the mediation organisation: whom a resident calls.
	Org  mediation.Organisation
	Data any
}

// problem is one field's message in a form's error summary.
type problem struct{ Field, Message string }

// render writes a page in the reader's language.
func (s *Server) render(c echo.Context, status int, page templates.Page, data any, form *formState) error {
	t := s.cat.forRequest(c.Request())
	tmpl := s.views.pages[t.tag][page]
	back := c.Request().URL.Path
	here := strings.HasPrefix(back, "/a/")
	if here {
		back = "/" // an invitation link is a secret: never repeat it on the page
	}
	if b, ok := c.Get(ctxBack).(string); ok {
		back = b
	}
	d := pageData{Lang: t.tag.String(), CSS: s.views.cssPath, Path: back, LangHere: here,
		CSRF: s.csrfToken(c), Data: data, Form: map[string]string{}, Errors: map[string]string{},
		Org: s.places.Organisation}
	if key := c.QueryParam("done"); slices.Contains(flashes, key) && status < 300 {
		d.Flash = t.T("flash."+key, nil)
	}
	if t.tag == language.English {
		d.OtherLang.Code, d.OtherLang.Name = "zh-Hans", "中文"
	} else {
		d.OtherLang.Code, d.OtherLang.Name = "en", "English"
	}
	if p := principal(c); !p.Anonymous() {
		d.Who.Name, d.Who.Role = s.cw.DisplayName(p), t.T(roleKey(p), nil)
	}
	if form != nil {
		d.Form = form.values
		if form.err != nil {
			d.Error = t.T(form.err.Message, form.err.Args)
			d.Allowed, d.Missing, d.Conflicts = form.err.Allowed, form.err.Missing, form.err.Conflicts
			d.Errors = fieldErrors(t, form.err)
			for _, name := range slices.Sorted(maps.Keys(d.Errors)) {
				msg := d.Errors[name]
				if label := t.T("field."+name, nil); label != "field."+name {
					msg = label + t.T("punct.colon", nil) + msg
				}
				d.Problems = append(d.Problems, problem{Field: name, Message: msg})
			}
		}
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := tmpl.ExecuteTemplate(buf, "base", d); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// pageBuffers are the buffers pages are written into, kept between pages:
// a page (the case page is some 80 KB) otherwise grows a new one from
// nothing, copying it a dozen times. A writer keeps none of what it is
// given (io.Writer), so the buffer is free again once the page is written.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // a rare page this large is not kept
	}
	b.Reset()
	pageBuffers.Put(b)
}

// fieldErrors are a refusal's messages of its fields, in the reader's
// language.
func fieldErrors(t translator, e *mediation.Error) map[string]string {
	out := map[string]string{}
	for name, fe := range e.Fields {
		out[name] = t.T(fe.Key, map[string]any{"Param": fe.Param})
	}
	return out
}

func roleKey(p mediation.Principal) string {
	if p.IsParty() {
		return "role.party"
	}
	return "role." + string(p.Role)
}

// stylesheet serves the stylesheet under its content-hashed name.
func (s *Server) stylesheet(c echo.Context) error {
	if c.Request().URL.Path != s.views.cssPath {
		return mediation.NotFound()
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", s.views.css)
}

// paren writes a text with a note, in the reader's punctuation.
func paren(t translator, text, note string) string {
	return t.T("punct.paren", map[string]any{"Text": text, "Note": note})
}

// clock is the time of day alone, in the pages' zone.
func (v *pageSet) clock(tm time.Time) string { return tm.In(v.zone).Format("15:04") }
