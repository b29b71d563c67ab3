package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFiles embed.FS

// Languages the interface speaks; the first is the default.
var languages = []language.Tag{language.SimplifiedChinese, language.English}

// langCookie remembers a chosen language.
const langCookie = "lang"

// catalogue holds every user-visible string in every language, with one
// translator per language made at start.
type catalogue struct {
	bundle      *i18n.Bundle
	matcher     language.Matcher
	translators map[language.Tag]translator
}

func newCatalogue() (*catalogue, error) {
	b := i18n.NewBundle(languages[0])
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, tag := range languages {
		if _, err := b.LoadMessageFileFS(localeFiles, localeFile(tag)); err != nil {
			return nil, fmt.Errorf("web: load %s: %w", localeFile(tag), err)
		}
	}
	cat := &catalogue{bundle: b, matcher: language.NewMatcher(languages), translators: map[language.Tag]translator{}}
	for _, tag := range languages {
		filled, err := fillables(tag)
		if err != nil {
			return nil, err
		}
		cat.translators[tag] = translator{loc: i18n.NewLocalizer(b, tag.String()), tag: tag, plain: &sync.Map{},
			filled: filled}
	}
	return cat, nil
}

// translator speaks one language. A message without arguments is
// translated once and then remembered; one whose arguments are only put in
// is filled in directly (fillable).
type translator struct {
	loc    *i18n.Localizer
	tag    language.Tag
	plain  *sync.Map // key → text
	filled map[string]fillable
}

// A fillable is a message whose every action is an argument put in as is
// ("{{.Name}}"), as the catalogue's all are: the text between them, and the
// arguments' names. Filling it in is what go-i18n's template would do, in a
// small part of its time: the case page translates one per submission in
// its trail. TestFillablesAsGoI18n holds the two equal on every message.
type fillable struct {
	text []string // len(args)+1 pieces around the arguments
	args []string
}

var argument = regexp.MustCompile(`\{\{\.([A-Za-z][A-Za-z0-9]*)\}\}`)

// localeFile is the catalogue's file of a language.
func localeFile(tag language.Tag) string { return "locales/active." + tag.String() + ".json" }

// fillables are the messages of the language's own file that are fillable.
// A message that is not plain text (go-i18n's plural forms) is not.
func fillables(tag language.Tag) (map[string]fillable, error) {
	b, err := localeFiles.ReadFile(localeFile(tag))
	if err != nil {
		return nil, err
	}
	var msgs map[string]any
	if err := json.Unmarshal(b, &msgs); err != nil {
		return nil, fmt.Errorf("web: load %s: %w", localeFile(tag), err)
	}
	out := map[string]fillable{}
	for key, v := range msgs {
		msg, ok := v.(string)
		if !ok {
			continue
		}
		var f fillable
		last := 0
		for _, m := range argument.FindAllStringSubmatchIndex(msg, -1) {
			f.text = append(f.text, msg[last:m[0]])
			f.args = append(f.args, msg[m[2]:m[3]])
			last = m[1]
		}
		f.text = append(f.text, msg[last:])
		if len(f.args) > 0 && !strings.Contains(strings.Join(f.text, ""), "{{") {
			out[key] = f
		}
	}
	return out, nil
}

// fill puts the arguments in, when each is a string or an integer (which a
// template prints as fmt does); ok is false otherwise.
func (f fillable) fill(args map[string]any) (string, bool) {
	var b strings.Builder
	for i, name := range f.args {
		b.WriteString(f.text[i])
		switch v := args[name].(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			return "", false
		}
	}
	b.WriteString(f.text[len(f.args)])
	return b.String(), true
}

// forRequest picks the language: ?lang= first, then the remembered choice,
// then Accept-Language, then Simplified Chinese.
func (cat *catalogue) forRequest(r *http.Request) translator {
	var prefs []string
	if l := r.URL.Query().Get("lang"); l != "" {
		prefs = append(prefs, l)
	}
	if c, err := r.Cookie(langCookie); err == nil {
		prefs = append(prefs, c.Value)
	}
	prefs = append(prefs, r.Header.Get("Accept-Language"))
	tag, _ := language.MatchStrings(cat.matcher, prefs...)
	base, _ := tag.Base()
	for _, l := range languages {
		if b, _ := l.Base(); b == base {
			return cat.translators[l]
		}
	}
	return cat.translators[languages[0]]
}

// T translates a catalogue key. A key missing from the catalogue is a bug that
// the catalogue test catches; at run time it shows the key rather than failing.
func (t translator) T(key string, args map[string]any) string {
	if args == nil {
		if s, ok := t.plain.Load(key); ok {
			return s.(string)
		}
	} else if f, ok := t.filled[key]; ok {
		if s, ok := f.fill(args); ok {
			return s
		}
	}
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: args})
	if err != nil {
		return key
	}
	if args == nil {
		t.plain.Store(key, s)
	}
	return s
}
