package web

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/templates"
)

// kindCookie remembers whether the browser last signed in as a party
// ("party") or as staff ("staff"), so that a page answered after the login
// expired can say how to get back in: a resident through the invitation
// link and PIN, staff through the sign-in page. It holds no secret.
const kindCookie = "kind"

func (s *Server) rememberKind(c echo.Context, kind string) {
	c.SetCookie(&http.Cookie{Name: kindCookie, Value: kind, Path: "/", MaxAge: 180 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// wasKind is what the browser last signed in as: "party", "staff" or "".
func wasKind(c echo.Context) string {
	if ck, err := c.Cookie(kindCookie); err == nil && (ck.Value == "party" || ck.Value == "staff") {
		return ck.Value
	}
	return ""
}

// resumeField prefixes the values of a form carried through a new sign-in.
const resumeField = "resume."

// expiredPageData is the page of a form that arrived after its login
// expired: what was typed, and the way back in.
type expiredPageData struct {
	Party bool
	// Action is where the form was posted; Fields are what was typed, in
	// the order of their names, Shown the ones worth showing as text.
	Action string
	Fields []typedField
	Shown  []typedField
	// Resumed is set once staff have signed in again: the form is offered
	// for sending as it was.
	Resumed bool
}

type typedField struct{ Name, Label, Value string }

// shownFields are the free-text fields a person typed: shown again so that
// nothing written is lost.
var shownFields = []string{"title", "summary", "body", "reason", "notes", "outcome", "next_steps", "location",
	"name", "phone", "address", "represents", "display_name", "facts", "disputed_matters", "responsibility", "remarks"}

func (s *Server) expiredData(c echo.Context, action string, values map[string]string) expiredPageData {
	t := s.cat.forRequest(c.Request())
	d := expiredPageData{Party: wasKind(c) == "party", Action: localPath(action)}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if name == "username" || name == "password" || name == "pin" || name == "pin2" || name == csrfField ||
			strings.HasPrefix(name, resumeField) {
			continue
		}
		f := typedField{Name: name, Label: t.T("field."+name, nil), Value: values[name]}
		d.Fields = append(d.Fields, f)
		if slices.Contains(shownFields, name) && strings.TrimSpace(f.Value) != "" {
			d.Shown = append(d.Shown, f)
		}
	}
	return d
}

// expiredPage answers a page that needed a login the browser no longer has:
// a resident is told how to get back in and whom to call, with what it
// typed; staff sign in again on the page, and the form comes back to be
// sent as it was. A browser that never signed in gets none of it.
func (s *Server) expiredPage(c echo.Context) (bool, error) {
	kind := wasKind(c)
	r := c.Request()
	if kind == "" || r.Method == http.MethodGet && kind != "party" {
		return false, nil
	}
	values := map[string]string{}
	if r.Method == http.MethodPost {
		values = typed(c).values
	}
	return true, s.render(c, http.StatusUnauthorized, templates.PageExpired, s.expiredData(c, r.URL.Path, values), nil)
}

// resumeAfterSignIn shows the form that brought staff to sign in again,
// with what they had typed, to be sent once more.
func (s *Server) resumeAfterSignIn(c echo.Context) (bool, error) {
	to := c.FormValue("resume_to")
	if to == "" {
		return false, nil
	}
	d := s.expiredData(c, to, resumeValues(c))
	d.Resumed = true
	return true, s.render(c, http.StatusOK, templates.PageExpired, d, nil)
}

// residentHome is where "/" leads a resident whose login ended: how to get
// back in, never the staff sign-in page.
func (s *Server) residentHome(c echo.Context) error {
	return s.render(c, http.StatusOK, templates.PageExpired, expiredPageData{Party: true}, nil)
}

// resumeValues are the values of the form carried through a sign-in.
func resumeValues(c echo.Context) map[string]string {
	values := map[string]string{}
	if form, err := c.FormParams(); err == nil {
		for k, v := range form {
			if name, ok := strings.CutPrefix(k, resumeField); ok && len(v) > 0 {
				values[name] = v[0]
			}
		}
	}
	return values
}
