package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// addUser makes a staff account (admin only).
func (s *Server) addUser(c echo.Context, read reader) (*mediation.User, error) {
	if err := s.require(c, authz.ObjUser, authz.ActCreate); err != nil {
		return nil, err
	}
	if err := s.authz.Check(principal(c), authz.ActCreate, authz.GlobalObject(authz.ObjUser)); err != nil {
		return nil, err
	}
	var in mediation.UserInput
	if err := read(&in); err != nil {
		return nil, err
	}
	u, err := s.auth.CreateUser(&in, actor(c), keyed(c)...)
	if r, ok := replayed(c, err); ok {
		return s.db.User(r.ID())
	} else if err != nil {
		return nil, err
	}
	return u, s.authz.Grant(authz.StaffGrant(u.ID, u.Role))
}

// listedUsers lists staff accounts (admin only), a page at a time.
func (s *Server) listedUsers(c echo.Context) ([]mediation.User, mediation.ID, error) {
	if err := s.require(c, authz.ObjUser, authz.ActRead); err != nil {
		return nil, 0, err
	}
	if err := s.authz.Check(principal(c), authz.ActRead, authz.GlobalObject(authz.ObjUser)); err != nil {
		return nil, 0, err
	}
	cursor, limit, err := page(c)
	if err != nil {
		return nil, 0, err
	}
	return s.db.Users(cursor, limit)
}

func (s *Server) apiCreateUser(c echo.Context) error {
	u, err := s.addUser(c, jsonReader(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newUserView(u))
}

func (s *Server) apiListUsers(c echo.Context) error {
	users, next, err := s.listedUsers(c)
	if err != nil {
		return err
	}
	views := make([]userView, len(users))
	for i := range users {
		views[i] = newUserView(&users[i])
	}
	return c.JSON(http.StatusOK, newList(views, next))
}
