package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// The JSON API on attachments: photos and documents of a submission, sent as
// multipart/form-data with the field "file".

func (s *Server) apiCreateAttachment(c echo.Context) error {
	up := readUpload(c)
	r := call(c)
	up.keyed(r)
	a, err := s.cw.Attach(r, idParam(c, "case"), idParam(c, "submission"), up.input())
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusCreated, a)
}

func (s *Server) apiListAttachments(c echo.Context) error {
	as, err := s.cw.Attachments(principal(c), idParam(c, "case"), idParam(c, "submission"))
	if err != nil {
		return err
	}
	return ok(c, newList(as, 0))
}

// showAttachment serves an attachment's file (?preview=1: a photo's
// preview), to the API and to the pages alike.
func (s *Server) showAttachment(c echo.Context) error {
	f, err := s.cw.AttachmentFile(principal(c), idParam(c, "case"), idParam(c, "submission"),
		idParam(c, "attachment"), attachmentQuery(c))
	if err != nil {
		return err
	}
	return serveAttachment(c, f)
}

// The policies an attachment is served under: never run as a page of this
// origin, whatever a file manages to make a browser think it is. A PDF is
// always a download; a photo (re-encoded, so only ever a JPEG) is shown as an
// image, in a sandbox too.
const (
	documentPolicy = "sandbox; default-src 'none'"
	photoPolicy    = "sandbox; default-src 'none'; img-src 'self'"
)

// serveAttachment writes the file with the headers that keep it inert.
func serveAttachment(c echo.Context, f *mediation.AttachmentFile) error {
	h := c.Response().Header()
	h.Set("X-Content-Type-Options", "nosniff")
	name := fmt.Sprintf("attachment-%s", f.ID)
	switch {
	case f.Preview:
		h.Set("Content-Security-Policy", photoPolicy)
		h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-preview.jpg"`, name))
		return c.Blob(http.StatusOK, "image/jpeg", f.Data)
	case f.IsPhoto():
		h.Set("Content-Security-Policy", photoPolicy)
		h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.jpg"`, name))
		return c.Blob(http.StatusOK, "image/jpeg", f.Data)
	}
	h.Set("Content-Security-Policy", documentPolicy)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.pdf"`, name))
	return c.Blob(http.StatusOK, "application/pdf", f.Data)
}
