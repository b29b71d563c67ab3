package web

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"net/http"

	"github.com/labstack/echo/v4"
)

// favicon is the site's icon, drawn once at start: the header's blue with a
// white speech mark (two voices meeting), as a 32×32 PNG inside an ICO, so
// that /favicon.ico is found and not a 404 in every browser's log.
var favicon = drawFavicon()

func drawFavicon() []byte {
	const n = 32
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	blue := color.NRGBA{0x0b, 0x5c, 0xad, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	for y := range n {
		for x := range n {
			// A square with rounded corners.
			dx, dy := min(x, n-1-x), min(y, n-1-y)
			if dx < 4 && dy < 4 && (4-dx)*(4-dx)+(4-dy)*(4-dy) > 16 {
				continue
			}
			img.Set(x, y, blue)
		}
	}
	// Two bars, left and right, that meet in the middle: 调, to mediate.
	for y := 9; y < 14; y++ {
		for x := 6; x < 19; x++ {
			img.Set(x, y, white)
		}
	}
	for y := 18; y < 23; y++ {
		for x := 13; x < 26; x++ {
			img.Set(x, y, white)
		}
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		panic(err)
	}
	var ico bytes.Buffer
	// ICONDIR: reserved, type 1 (icon), one image.
	_ = binary.Write(&ico, binary.LittleEndian, [3]uint16{0, 1, 1})
	// ICONDIRENTRY: width, height, colours, reserved, planes, bits, size, offset.
	ico.Write([]byte{n, n, 0, 0})
	_ = binary.Write(&ico, binary.LittleEndian, [2]uint16{1, 32})
	_ = binary.Write(&ico, binary.LittleEndian, [2]uint32{uint32(pngData.Len()), 6 + 16})
	ico.Write(pngData.Bytes())
	return ico.Bytes()
}

func (s *Server) serveFavicon(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/x-icon", favicon)
}
