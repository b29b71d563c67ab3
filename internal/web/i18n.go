package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
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
	for _, name := range []string{"locales/active.zh-Hans.json", "locales/active.en.json"} {
		if _, err := b.LoadMessageFileFS(localeFiles, name); err != nil {
			return nil, fmt.Errorf("web: load %s: %w", name, err)
		}
	}
	cat := &catalogue{bundle: b, matcher: language.NewMatcher(languages), translators: map[language.Tag]translator{}}
	for _, tag := range languages {
		cat.translators[tag] = translator{loc: i18n.NewLocalizer(b, tag.String()), tag: tag, plain: &sync.Map{}}
	}
	return cat, nil
}

// translator speaks one language. A message without arguments is
// translated once and then remembered.
type translator struct {
	loc   *i18n.Localizer
	tag   language.Tag
	plain *sync.Map // key → text
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
