package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// backupWriteTimeout replaces the server's write timeout for a backup, which
// may take longer to send than any other answer.
const backupWriteTimeout = time.Hour

// backup streams a consistent hot copy of the database (admin only), while
// writes go on; the client checks the copy (tiaojie backup --server verifies
// it before keeping it).
func (s *Server) backup(c echo.Context) error {
	res := c.Response()
	name := "tiaojie-" + time.Now().UTC().Format("20060102-150405") + ".db"
	n, err := s.cw.Backup(principal(c), func(size int64) (io.Writer, error) {
		if err := http.NewResponseController(res).SetWriteDeadline(time.Now().Add(backupWriteTimeout)); err != nil {
			s.log.Warn("backup: cannot extend the write deadline", "request_id", requestID(c), "err", err)
		}
		h := res.Header()
		h.Set(echo.HeaderContentType, echo.MIMEOctetStream)
		h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
		res.WriteHeader(http.StatusOK)
		return res, nil
	})
	if err != nil && res.Committed {
		// The status is sent; the client sees a short body and discards it.
		s.log.Warn("backup: sending the copy failed", "request_id", requestID(c), "bytes", n, "err", err)
		return nil
	}
	return err
}
