package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// statuses maps each error code to its one HTTP status.
var statuses = map[string]int{
	mediation.EMALFORMED:    http.StatusBadRequest,
	mediation.EUNAUTHORIZED: http.StatusUnauthorized,
	mediation.EFORBIDDEN:    http.StatusForbidden,
	mediation.ENOTFOUND:     http.StatusNotFound,
	mediation.ECONFLICT:     http.StatusConflict,
	mediation.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	mediation.EINVALID:      http.StatusUnprocessableEntity,
	mediation.ERATELIMIT:    http.StatusTooManyRequests,
	mediation.EINTERNAL:     http.StatusInternalServerError,
	mediation.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// errorBody is the JSON shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code     string            `json:"code"`
	Message  string            `json:"message"`
	Fields   map[string]string `json:"fields,omitempty"`
	Allowed  []string          `json:"allowed,omitempty"`
	Missing  []string          `json:"missing,omitempty"`
	Conflict *mediation.Clash  `json:"conflict,omitempty"`
	// Conflicts names why a mediator's own interests conflict with a case.
	Conflicts []mediation.Conflict `json:"conflicts,omitempty"`
	RequestID string               `json:"request_id,omitempty"`
}

// handleError is echo's one error handler: it turns any error into the JSON
// error shape in the client's language, and never shows an internal error's
// text (that goes to the log, under the request id).
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	c.Response().Header().Del(echo.HeaderAllow)
	e := asMediationError(err)
	if e.Code == mediation.EUNAVAILABLE {
		c.Response().Header().Set("Retry-After", "2")
		s.log.Warn("unavailable", "request_id", requestID(c), "route", c.Path(), "err", err)
	}
	if e.Code == mediation.EINTERNAL {
		s.log.Error("internal error", "request_id", requestID(c), "route", c.Path(), "err", err)
	}
	if isPage(c) {
		if err := s.errorPage(c, e); err != nil {
			s.log.Error("writing error page", "request_id", requestID(c), "err", err)
		}
		return
	}
	t := s.cat.forRequest(c.Request())
	d := errorDetail{Code: e.Code, Message: t.T(e.Message, e.Args), Allowed: e.Allowed, Missing: e.Missing,
		Conflict: e.Clash, Conflicts: e.Conflicts}
	if e.Code == mediation.EINTERNAL {
		d.RequestID = requestID(c)
	}
	if len(e.Fields) > 0 {
		d.Fields = make(map[string]string, len(e.Fields))
		for name, fe := range e.Fields {
			d.Fields[name] = t.T(fe.Key, map[string]any{"Param": fe.Param})
		}
	}
	if err := c.JSON(statuses[e.Code], errorBody{Error: d}); err != nil {
		s.log.Warn("writing error answer", "request_id", requestID(c), "err", err)
	}
}

// asMediationError finds the domain error in err, translating echo's own
// errors (unknown route, wrong method) into the same model.
func asMediationError(err error) *mediation.Error {
	var e *mediation.Error
	if errors.As(err, &e) {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return mediation.NotFound()
		case http.StatusMethodNotAllowed:
			// Answered as absent: a route's methods are no one's business.
			return mediation.NotFound()
		case http.StatusRequestEntityTooLarge:
			return mediation.Errorf(mediation.ETOOLARGE, "error.too_large")
		case http.StatusUnauthorized:
			return mediation.Unauthorized()
		case http.StatusForbidden:
			return mediation.Forbidden()
		case http.StatusBadRequest:
			return mediation.Errorf(mediation.EMALFORMED, "error.malformed")
		}
	}
	return &mediation.Error{Code: mediation.EINTERNAL, Message: "error.internal"}
}

// ServeError answers the request with err as the server answers any error
// (the JSON error, or the error page, in the client's language), for what
// stands in front of the server: the forwarding of a follower's writes to
// the store's elected writer (cmd/tiaojie).
func (s *Server) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	c := s.echo.NewContext(r, w)
	setSecurityHeaders(w.Header(), r)
	s.handleError(err, c)
}
