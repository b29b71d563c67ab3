package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

func localeKeys(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := localeFiles.ReadFile("locales/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestCatalogueComplete fails when a key is missing in either language, or
// when the code uses a key the catalogue lacks.
func TestCatalogueComplete(t *testing.T) {
	t.Parallel()
	zh, en := localeKeys(t, "active.zh-Hans.json"), localeKeys(t, "active.en.json")
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%s: missing in English", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%s: missing in Chinese", k)
		}
	}
	for k := range zh {
		if zh[k] == "" || en[k] == "" {
			t.Errorf("%s: empty", k)
		}
	}

	// Every catalogue key the code names.
	used := map[string]bool{}
	key := regexp.MustCompile(`"((?:error|validation)\.[a-z_]+)"`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".go" || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 20 {
		t.Fatalf("found only %d keys in the code: the scan is broken", len(used))
	}
	for _, k := range slices.Sorted(maps.Keys(used)) {
		if _, ok := zh[k]; !ok {
			t.Errorf("%s: used in the code, missing from the catalogue", k)
		}
	}

	// Every label of every enumeration, and every part of a case file.
	var labels []string
	add := func(prefix string, values ...string) {
		for _, v := range values {
			labels = append(labels, prefix+"."+v)
		}
	}
	add("category", strs(mediation.Categories)...)
	add("source", strs(mediation.Sources)...)
	add("status", strs(mediation.Statuses)...)
	add("party_kind", strs(mediation.PartyKinds)...)
	add("side", strs(mediation.Sides)...)
	add("submission_kind", strs(mediation.SubmissionKinds)...)
	add("role", strs(mediation.Roles)...)
	add("missing", mediation.MissingItems...)
	add("audit", mediation.AuditActions...)
	for _, k := range mediation.SubmissionKinds {
		add("submission_kind", string(k)+".explain")
	}
	add("role", "party")
	for _, status := range statuses {
		add("error", fmt.Sprintf("title_%d", status))
	}
	// Every key a template names.
	tkey := regexp.MustCompile(`\bT "([a-z_.0-9]+)"`)
	err = fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".html" {
			return err
		}
		b, err := fs.ReadFile(templates.FS, path)
		for _, m := range tkey.FindAllStringSubmatch(string(b), -1) {
			labels = append(labels, m[1])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range labels {
		if _, ok := zh[k]; !ok {
			t.Errorf("%s: label missing from the catalogue", k)
		}
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	cat, err := newCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, cookie, accept, want string
	}{
		{"DefaultIsChinese", "/", "", "", "没有找到。"},
		{"AcceptLanguageEnglish", "/", "", "en-GB,en;q=0.9", "Not found."},
		{"AcceptLanguageChinese", "/", "", "zh-CN,zh;q=0.9,en;q=0.5", "没有找到。"},
		{"UnknownLanguageFallsBackToChinese", "/", "", "fr-FR", "没有找到。"},
		{"CookieBeatsAcceptLanguage", "/", "en", "zh-CN", "Not found."},
		{"QueryBeatsCookie", "/?lang=zh-Hans", "en", "en", "没有找到。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.url, nil)
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if tt.cookie != "" {
				r.Header.Set("Cookie", langCookie+"="+tt.cookie)
			}
			if got := cat.forRequest(r).T("error.not_found", nil); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLocalPath(t *testing.T) {
	t.Parallel()
	for back, want := range map[string]string{
		"/cases/1": "/cases/1", "/": "/", "": "/", "cases": "/", "//evil.example": "/",
		"/\\evil.example": "/", "/%2fevil.example": "/", "/%252fevil.example": "/%252fevil.example",
		"/%5cevil.example": "/", "https://evil.example/": "/", "/cases/1?x=1": "/cases/1",
		"/a b": "/a%20b", "/\r\nLocation: x": "/",
	} {
		if got := localPath(back); got != want {
			t.Errorf("localPath(%q) = %q, want %q", back, got, want)
		}
	}
}

// A message filled in directly reads as go-i18n's template makes it, in
// every language, with text and with numbers; and the catalogue's messages
// with arguments are all filled so.
func TestFillablesAsGoI18n(t *testing.T) {
	t.Parallel()
	cat, err := newCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range languages {
		tr := cat.translators[tag]
		withArgs := 0
		for _, msg := range localeKeys(t, "active."+tag.String()+".json") {
			if strings.Contains(msg, "{{") {
				withArgs++
			}
		}
		if len(tr.filled) != withArgs || withArgs == 0 {
			t.Errorf("%s: %d of the %d messages with arguments are filled in directly", tag, len(tr.filled), withArgs)
		}
		for key, f := range tr.filled {
			for i, value := range []any{"«名字» <b>&", 42, int64(-7)} {
				args := map[string]any{}
				for j, name := range f.args {
					args[name] = value
					if i == 0 {
						args[name] = fmt.Sprint(value, j)
					}
				}
				got, ok := f.fill(args)
				want, err := tr.loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: args})
				if !ok || err != nil || got != want {
					t.Errorf("%s %s with %v: filled %q (%v), go-i18n %q (%v)", tag, key, args, got, ok, want, err)
				}
				if tr.T(key, args) != want {
					t.Errorf("%s %s: T gives %q, go-i18n %q", tag, key, tr.T(key, args), want)
				}
			}
		}
	}
}
