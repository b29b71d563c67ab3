package web

import (
	"errors"
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
			if k != csrfField && k != "password" && k != "pin" && k != "pin2" && len(v) > 0 {
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
		if rv.Field(i).Type() == idsType {
			// A list of IDs is a field repeated, e.g. checkboxes.
			ids := make([]mediation.ID, len(vals))
			for j, val := range vals {
				if err := setField(reflect.ValueOf(&ids[j]).Elem(), name, val); err != nil {
					return err
				}
			}
			rv.Field(i).Set(reflect.ValueOf(ids))
			continue
		}
		if err := setField(rv.Field(i), name, vals[0]); err != nil {
			return err
		}
	}
	return nil
}

var (
	idType  = reflect.TypeFor[mediation.ID]()
	idsType = reflect.TypeFor[[]mediation.ID]()
)

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
