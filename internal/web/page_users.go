package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// usersPageData is the admin's list of staff accounts with the form to add one.
type usersPageData struct {
	Users []mediation.User
	Roles []mediation.Role
}

func (s *Server) usersPage(c echo.Context) error {
	return s.showUsers(c, http.StatusOK, nil)
}

func (s *Server) showUsers(c echo.Context, status int, st *formState) error {
	users, _, err := s.cw.Users(principal(c), query(c))
	if err != nil {
		return err
	}
	return s.render(c, status, templates.PageUsers, usersPageData{Users: users, Roles: mediation.Roles}, st)
}

func (s *Server) usersSubmit(c echo.Context) error {
	_, err := s.cw.CreateUser(call(c), formInput(c))
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.showUsers(c, statuses[e.Code], st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=user_created")
}
