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
