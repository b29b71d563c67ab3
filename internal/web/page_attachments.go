package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// The pages' side of attachments: previews beside each submission on the
// case pages, a download link with its size for a document, and the form
// that attaches a photo (a phone's file input offers the camera).

// attachmentView is one attachment as a case page shows it.
type attachmentView struct {
	mediation.Attachment
	URL, PreviewURL string
	// Size is the file's size for a reader: "1.4 MB", "320 KB".
	Size string
}

// evidenceView is what a case page shows of one submission's attachments,
// with the form to add one where the reader may.
type evidenceView struct {
	Items     []attachmentView
	CanAttach bool
	CSRF      string
	// Error is what was wrong with the last upload to this submission.
	Error string
	// Action is where the attach form posts, FileID its file input's id:
	// written once here rather than by the template per submission.
	Action, FileID string
}

// humanSize writes a number of bytes as a reader expects it.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// evidence is the attachments of the submissions the page shows, as the
// principal may read them, with an upload form on those canAttach allows
// while the case takes submissions. st is the form shown again, if any.
func (s *Server) evidence(c echo.Context, p mediation.Principal, cs *mediation.Case, subs []mediation.Submission,
	canAttach func(mediation.Submission) bool, st *formState) (map[mediation.ID]*evidenceView, error) {
	all, err := s.cw.CaseAttachments(p, cs.ID)
	if err != nil {
		return nil, err
	}
	open := cs.AcceptsSubmissions() == nil
	out := make(map[mediation.ID]*evidenceView, len(subs))
	csrf := s.csrfToken(c)
	for _, sub := range subs {
		v := &evidenceView{CSRF: csrf,
			Action: "/cases/" + cs.ID.String() + "/submissions/" + sub.ID.String() + "/attachments", FileID: "file-" + sub.ID.String()}
		for _, a := range all[sub.ID] {
			base := fmt.Sprintf("/cases/%s/submissions/%s/attachments/%s", cs.ID, sub.ID, a.ID)
			av := attachmentView{Attachment: a, URL: base, Size: humanSize(a.Size)}
			if a.IsPhoto() {
				av.PreviewURL = base + "?preview=1"
			}
			v.Items = append(v.Items, av)
		}
		v.CanAttach = open && len(v.Items) < mediation.MaxAttachments && canAttach(sub)
		if st != nil && st.err != nil && st.values["form"] == "attach" && st.values["for"] == sub.ID.String() {
			v.Error = s.uploadMessage(c, st.err)
		}
		out[sub.ID] = v
	}
	return out, nil
}

// uploadMessage is the problem of an upload in the reader's language: what
// is wrong with the file, or the message as a whole.
func (s *Server) uploadMessage(c echo.Context, e *mediation.Error) string {
	t := s.cat.forRequest(c.Request())
	if fe, ok := e.Fields["file"]; ok {
		return t.T(fe.Key, map[string]any{"Param": fe.Param})
	}
	return t.T(e.Message, e.Args)
}

// sameCSRF checks a form's CSRF value against the cookie (pageForm's check,
// for a multipart form, which pageForm does not parse).
func (s *Server) sameCSRF(c echo.Context, value string) error {
	ck, err := c.Cookie(s.csrfCookieName())
	if err != nil || len(ck.Value) != csrfLen || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(value)) != 1 {
		return mediation.Errorf(mediation.EFORBIDDEN, "error.csrf")
	}
	return nil
}

// attachmentSubmit attaches the form's file, then back to the submission on
// the case page; a file refused is said beside the form it came from.
func (s *Server) attachmentSubmit(c echo.Context) error {
	up := readUpload(c, csrfField)
	if up.err != nil && mediation.ErrorCode(up.err) == mediation.EMALFORMED {
		return up.err
	}
	if err := s.sameCSRF(c, up.fields[csrfField]); err != nil {
		return err
	}
	caseID, subID := idParam(c, "case"), idParam(c, "submission")
	_, err := s.cw.Attach(call(c), caseID, subID, up.input())
	if e, ok := failedUpload(err); ok {
		st := &formState{values: map[string]string{"form": "attach", "for": subID.String()}, err: e}
		return s.showCasePage(c, st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s?done=attached#submission-%s", caseID, subID))
}

// failedUpload is failed, and a file too large too: the reader mends it by
// choosing another.
func failedUpload(err error) (*mediation.Error, bool) {
	if e, ok := failed(err); ok {
		return e, true
	}
	if e, ok := err.(*mediation.Error); ok && e.Code == mediation.ETOOLARGE {
		return e, true
	}
	return nil, false
}
