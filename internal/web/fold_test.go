package web

import (
	"bytes"
	"html/template"
	"sync"
	"testing"
)

// TestFoldTranslations: a folded page set renders what the unfolded one
// renders, byte for byte, in every place a translation may stand (text, a
// quoted attribute, RCDATA, a URL, a script), and calls T only where the
// escaping is not that of text: the URL and the script.
func TestFoldTranslations(t *testing.T) {
	t.Parallel()
	tricky := `a<b & "c" 'd' +e 调解`
	plain := &sync.Map{}
	plain.Store("k", tricky)
	plain.Store("n", "第 1 份")
	tr := translator{plain: plain}
	const src = `{{define "base"}}<title>{{T "k"}}</title><p>{{T "k"}}</p>` +
		`<a href="/x?q={{T "k"}}" title="{{T "k"}}">{{T "k"}}</a><textarea>{{T "k"}}</textarea>` +
		`<script>var x = {{T "k"}};</script>{{range .}}<li data-x="{{T "n"}}">{{if .}}{{T "k"}}{{else}}{{T "n"}}{{end}}</li>{{end}}` +
		`{{with .}}{{T "n" "Count" 2}}{{end}}{{end}}`
	var calls int
	set := func() *template.Template {
		return template.Must(template.New("base").Funcs(template.FuncMap{"T": func(key string, args ...any) string {
			calls++
			return tr.T(key, nil)
		}}).Parse(src))
	}
	data := []bool{true, false}

	var want bytes.Buffer
	if err := set().ExecuteTemplate(&want, "base", data); err != nil {
		t.Fatal(err)
	}
	folded := set()
	if err := foldTranslations(folded, []string{"base"}, tr); err != nil {
		t.Fatal(err)
	}
	calls = 0
	var got bytes.Buffer
	if err := folded.ExecuteTemplate(&got, "base", data); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("folded:\n%s\nunfolded:\n%s", got.String(), want.String())
	}
	// The URL, the script and the translation with arguments.
	if calls != 3 {
		t.Errorf("the folded set called T %d times, want 3 (URL, script, with arguments)", calls)
	}
	if !bytes.Contains(got.Bytes(), []byte("a&lt;b &amp; &#34;c&#34; &#39;d&#39; &#43;e 调解")) {
		t.Errorf("the text is not escaped as html/template escapes it: %s", got.String())
	}
}
