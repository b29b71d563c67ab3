package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// createUser makes a staff account (admin only).
func (s *Server) createUser(c echo.Context) error {
	if err := s.require(c, authz.ObjUser, authz.ActCreate); err != nil {
		return err
	}
	if err := s.authz.Check(principal(c), authz.ActCreate, authz.GlobalObject(authz.ObjUser)); err != nil {
		return err
	}
	var in mediation.UserInput
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.auth.CreateUser(&in, actor(c))
	if err != nil {
		return err
	}
	if err := s.authz.Grant(authz.StaffGrant(u.ID, u.Role)); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newUserView(u))
}

// listUsers lists staff accounts (admin only).
func (s *Server) listUsers(c echo.Context) error {
	if err := s.require(c, authz.ObjUser, authz.ActRead); err != nil {
		return err
	}
	if err := s.authz.Check(principal(c), authz.ActRead, authz.GlobalObject(authz.ObjUser)); err != nil {
		return err
	}
	cursor, limit, err := page(c)
	if err != nil {
		return err
	}
	users, next, err := s.db.Users(cursor, limit)
	if err != nil {
		return err
	}
	views := make([]userView, len(users))
	for i := range users {
		views[i] = newUserView(&users[i])
	}
	return c.JSON(http.StatusOK, newList(views, next))
}
