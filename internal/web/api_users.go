package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The JSON API on staff accounts.

func (s *Server) apiCreateUser(c echo.Context) error {
	r := call(c)
	u, err := s.cw.CreateUser(r, jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusCreated, newUserView(u))
}

func (s *Server) apiListUsers(c echo.Context) error {
	users, next, err := s.cw.Users(principal(c), query(c))
	if err != nil {
		return err
	}
	views := make([]userView, len(users))
	for i := range users {
		views[i] = newUserView(&users[i])
	}
	return ok(c, newList(views, next))
}

func (s *Server) apiUpdateUser(c echo.Context) error {
	r := call(c)
	u, err := s.cw.UpdateUser(r, idParam(c, "user"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusOK, newUserView(u))
}

// apiChangePassword sets the signed-in staff user's own password; its other
// logins end, this one goes on.
func (s *Server) apiChangePassword(c echo.Context) error {
	login, _ := c.Get(ctxLogin).([]byte)
	if err := s.cw.ChangePassword(call(c), login, jsonInput(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
