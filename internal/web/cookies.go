package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// The login cookie: its value is auth's (an id and a secret); its name and
// attributes are HTTP's, and so are here.

// CookieName returns the login cookie name; browsers accept the __Host-
// prefix only on Secure cookies, so the dev --insecure-cookies mode drops it.
func CookieName(secure bool) string {
	if secure {
		return "__Host-tiaojie"
	}
	return "tiaojie"
}

// newLoginCookie builds the login cookie; maxAge <= 0 makes it last until the
// browser closes.
func newLoginCookie(value string, secure bool, maxAge time.Duration) *http.Cookie {
	c := baseCookie(secure)
	c.Value = value
	if maxAge > 0 {
		// Round up so that a sub-second lifetime is not mistaken for "no
		// Max-Age", which would outlive the server-side login.
		c.MaxAge = int((maxAge + time.Second - 1) / time.Second)
	}
	return c
}

// expiredLoginCookie builds the cookie that makes the browser drop the login.
func expiredLoginCookie(secure bool) *http.Cookie {
	c := baseCookie(secure)
	c.MaxAge = -1
	// Expires in the past as well, for clients that ignore Max-Age.
	c.Expires = time.Unix(1, 0).UTC()
	return c
}

// baseCookie holds the attributes the __Host- prefix demands (Secure, Path=/,
// no Domain) plus the ones we want everywhere.
func baseCookie(secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName(secure),
		Path:     "/",
		Secure:   secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// signedOut tells the browser that the login ended: its cookie expires, and
// the browser drops what it kept of the origin's pages (the back/forward
// cache of a shared phone among them) and its cookies.
func signedOut(c echo.Context, secure bool) {
	c.SetCookie(expiredLoginCookie(secure))
	c.Response().Header().Set("Clear-Site-Data", `"cache", "cookies"`)
}

// The device cookie (OWASP's "device cookies" against lockout): a browser
// that signed in as an account carries a cookie naming the account, with a
// nonce, signed by the server. Its failed sign-ins to that account are
// counted by the cookie alone, so failures from elsewhere never lock it out.

// DeviceCookieName returns the device cookie's name.
func DeviceCookieName(secure bool) string {
	if secure {
		return "__Host-tiaojie-device"
	}
	return "tiaojie-device"
}

// deviceCookieAge is how long a browser stays a known device without
// signing in again.
const deviceCookieAge = 365 * 24 * time.Hour

func newDeviceCookie(value string, secure bool) *http.Cookie {
	return &http.Cookie{Name: DeviceCookieName(secure), Value: value, Path: "/", MaxAge: int(deviceCookieAge.Seconds()),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
}
