package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/labstack/echo/v4"
)

// deviceValue signs a device cookie for username with a fresh nonce:
// base64url(username).nonce.mac.
func (ls *limits) deviceValue(username string) string {
	nonce := make([]byte, 16)
	rand.Read(nonce)
	name, n := base64.RawURLEncoding.EncodeToString([]byte(username)), base64.RawURLEncoding.EncodeToString(nonce)
	return name + "." + n + "." + ls.deviceMAC(name, n)
}

func (ls *limits) deviceMAC(name, nonce string) string {
	m := hmac.New(sha256.New, ls.secret)
	m.Write([]byte("device\x00" + name + "\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// trustedDevice is the nonce of the browser's device cookie when it is a
// valid one for username, or "". The cookie is the server's own signature,
// so a forged or another account's cookie is no cookie.
func (s *Server) trustedDevice(c echo.Context, username string) string {
	ck, err := c.Cookie(DeviceCookieName(s.secure))
	if err != nil {
		return ""
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 3 {
		return ""
	}
	name, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || string(name) != username {
		return ""
	}
	if !hmac.Equal([]byte(parts[2]), []byte(s.limits.deviceMAC(parts[0], parts[1]))) {
		return ""
	}
	return "device:" + parts[1]
}

// rememberDevice gives the browser a new device cookie for username, after
// it signed in as that account.
func (s *Server) rememberDevice(c echo.Context, username string) {
	c.SetCookie(newDeviceCookie(s.limits.deviceValue(username), s.secure))
}
