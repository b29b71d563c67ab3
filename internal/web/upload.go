package web

import (
	"crypto/sha256"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// maxUpload is the largest file accepted (evidence.MaxSize, 10 MiB: the
// operation judges the content; this bounds what is read into memory).
const maxUpload = 10 << 20

// uploadEnvelope is what a multipart body may carry beside the file: its
// boundaries and part headers, and a page's CSRF field.
const uploadEnvelope = 64 << 10

// maxUploadField is the longest text field an upload form may carry.
const maxUploadField = 1 << 10

// upload is a multipart/form-data body as read: the field "file" and the
// small text fields beside it. err is what was wrong with it, answered only
// once the operation asks for the file (after its access decision).
type upload struct {
	file   []byte
	fields map[string]string
	err    error
}

// readUpload reads a multipart/form-data body now, the body bounded before
// anything is read: the field "file" (at most maxUpload bytes, or ETOOLARGE)
// and the text fields named in allowed, each at most maxUploadField bytes.
// Any other field is malformed. Nothing is written to disk.
func readUpload(c echo.Context, allowed ...string) *upload {
	up := &upload{fields: map[string]string{}}
	up.err = up.read(c, allowed)
	return up
}

func (up *upload) read(c echo.Context, allowed []string) error {
	r := c.Request()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return errContentType
	}
	body := http.MaxBytesReader(c.Response(), r.Body, maxUpload+uploadEnvelope)
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return readProblem(err)
		}
		name := part.FormName()
		switch {
		case name == "file":
			if up.file != nil {
				return fieldProblem(mediation.EMALFORMED, "error.malformed", "file", "validation.duplicate")
			}
			b, err := io.ReadAll(io.LimitReader(part, maxUpload+1))
			if err != nil {
				return readProblem(err)
			}
			if len(b) > maxUpload {
				return errUploadTooLarge
			}
			up.file = b
		case contains(allowed, name):
			if _, seen := up.fields[name]; seen {
				return fieldProblem(mediation.EMALFORMED, "error.malformed", name, "validation.duplicate")
			}
			b, err := io.ReadAll(io.LimitReader(part, maxUploadField+1))
			if err != nil {
				return readProblem(err)
			}
			if len(b) > maxUploadField {
				return fieldProblem(mediation.EMALFORMED, "error.malformed", name, "validation.too_long")
			}
			up.fields[name] = string(b)
		default:
			return fieldProblem(mediation.EMALFORMED, "error.malformed", name, "validation.unknown_field")
		}
	}
	if up.file == nil {
		return mediation.Invalid("file", "validation.required", "")
	}
	return nil
}

var errUploadTooLarge = mediation.Errorf(mediation.ETOOLARGE, "error.attachment_too_large")

// readProblem is a body cut off by the limit (ETOOLARGE) or not multipart.
func readProblem(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errUploadTooLarge
	}
	return errMalformed
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// input is the upload as an operation's input: the file, or what was wrong
// with the body.
func (up *upload) input() mediation.Input {
	return func(v any) error {
		if up.err != nil {
			return up.err
		}
		u, ok := v.(*mediation.Upload)
		if !ok {
			return errMalformed
		}
		u.Data = up.file
		return nil
	}
}

// keyed makes a keyed request's remembered hash the file's: a retry sends
// the same file in another envelope (a new multipart boundary), and the
// idempotency middleware hashes only the body's first MiB.
func (up *upload) keyed(r *mediation.Request) {
	if r.Key == nil || up.err != nil {
		return
	}
	sum := sha256.Sum256(append([]byte("attachment\x00"), up.file...))
	r.Body = sum[:]
}

// attachmentQuery reads ?preview= ("1": a photo's preview).
func attachmentQuery(c echo.Context) mediation.Input {
	return func(v any) error {
		q, ok := v.(*mediation.AttachmentQuery)
		if !ok {
			return errMalformed
		}
		switch c.QueryParam("preview") {
		case "":
		case "1":
			q.Preview = true
		default:
			return mediation.Invalid("preview", "validation.invalid", "")
		}
		return nil
	}
}
