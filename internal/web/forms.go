package web

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// formInput is a page's form as an operation's input (the JSON API's is
// jsonInput). pageForm has parsed the form before the handler runs.
func formInput(c echo.Context) mediation.Input { return func(v any) error { return bindForm(c, v) } }

// formState is what a page shows again after a form: the values as typed and
// what was wrong with them.
type formState struct {
	values map[string]string
	err    *mediation.Error
}

// typed returns the form's values as the user typed them.
func typed(c echo.Context) *formState {
	st := &formState{values: map[string]string{}}
	if form, err := c.FormParams(); err == nil {
		for k, v := range form {
			if k != csrfField && k != "password" && len(v) > 0 {
				st.values[k] = v[0]
			}
		}
	}
	return st
}

// failed says whether err is the user's to mend (shown beside the form) rather
// than an error page.
func failed(err error) (*mediation.Error, bool) {
	var e *mediation.Error
	if errors.As(err, &e) && (e.Code == mediation.EINVALID || e.Code == mediation.ECONFLICT) {
		return e, true
	}
	return nil, false
}

// bindForm fills the string, ID and pointer-to-string fields of a struct from
// form values named by the fields' JSON names. An absent value leaves a
// pointer field nil. The body was limited and parsed by pageForm.
func bindForm(c echo.Context, v any) error {
	form, err := c.FormParams()
	if err != nil {
		return errMalformed
	}
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		vals, ok := form[name]
		if !ok || len(vals) == 0 {
			continue
		}
		if err := setField(rv.Field(i), name, vals[0]); err != nil {
			return err
		}
	}
	return nil
}

var idType = reflect.TypeFor[mediation.ID]()

func setField(f reflect.Value, name, val string) error {
	switch {
	case f.Type() == idType:
		if val == "" {
			return nil
		}
		id, ok := mediation.ParseID(val)
		if !ok {
			return mediation.Invalid(name, "validation.type", "")
		}
		f.SetUint(uint64(id))
	case f.Kind() == reflect.String:
		f.SetString(val)
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String:
		p := reflect.New(f.Type().Elem())
		p.Elem().SetString(val)
		f.Set(p)
	}
	return nil
}

// csrfField and the csrf cookie carry the same random value: a form posted
// from elsewhere cannot know it (double-submit). The cross-origin check in
// front of every handler is the first line; this is the second.
const csrfField = "csrf"

// csrfLen is the length of a CSRF value (rand.Text: 128 bits in base32); a
// cookie of any other length was not made here.
const csrfLen = 26

func (s *Server) csrfCookieName() string {
	if s.secure {
		return "__Host-csrf"
	}
	return "csrf"
}

// csrfToken returns the request's CSRF value, setting the cookie when absent.
func (s *Server) csrfToken(c echo.Context) string {
	if v, ok := c.Get(csrfField).(string); ok {
		return v
	}
	if ck, err := c.Cookie(s.csrfCookieName()); err == nil && len(ck.Value) == csrfLen {
		return ck.Value
	}
	v := rand.Text()
	c.Set(csrfField, v)
	c.SetCookie(&http.Cookie{Name: s.csrfCookieName(), Value: v, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
	return v
}

// pageForm guards every form a page posts: the body is limited and parsed,
// and its CSRF token must match the cookie.
func (s *Server) pageForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBody)
		if _, err := c.FormParams(); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return errTooLarge
			}
			return errMalformed
		}
		ck, err := c.Cookie(s.csrfCookieName())
		if err != nil || len(ck.Value) != csrfLen || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.FormValue(csrfField))) != 1 {
			return mediation.Errorf(mediation.EFORBIDDEN, "error.csrf")
		}
		return next(c)
	}
}

// localPath is back if it is a path on this server, else "/". The checks
// are made on the path as the browser will follow it, after decoding, so that
// an encoded "//host" cannot lead off the site.
func localPath(back string) string {
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsAny(p, "\\\r\n") {
		return "/"
	}
	return u.EscapedPath()
}
