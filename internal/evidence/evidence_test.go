package evidence_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"runtime"
	"testing"

	"tiaojie/internal/evidence"
	"tiaojie/internal/evidence/evidencetest"
	"tiaojie/internal/mediation"
)

// meanError is the mean absolute difference of two images' RGB channels,
// per channel, on a scale of 0 to 255.
func meanError(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes differ: %v and %v", a.Bounds().Size(), b.Bounds().Size())
	}
	var sum, n float64
	ab, bb := a.Bounds(), b.Bounds()
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				sum += float64(max(d, -d))
				n++
			}
		}
	}
	return sum / n
}

func decodeJPEG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the kept photo does not decode: %v", err)
	}
	return img
}

// segments lists the markers of a JPEG's segments before its image data.
func segments(b []byte) []byte {
	var out []byte
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		m := b[i+1]
		out = append(out, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(b[i+2])<<8 | int(b[i+3])
	}
	return out
}

func TestPhotoKeepsOnlyItsPixels(t *testing.T) {
	pic := evidencetest.Picture(640, 480, false)
	sent := evidencetest.PhonePhoto(pic, 95, 1)
	f, err := evidence.Process(sent)
	if err != nil {
		t.Fatal(err)
	}
	if f.ContentType != evidence.JPEG || f.Width != 640 || f.Height != 480 {
		t.Fatalf("kept %s %d×%d", f.ContentType, f.Width, f.Height)
	}
	for _, hidden := range []string{"Exif", evidencetest.Model, evidencetest.DateTime, evidencetest.Appended, "#!/bin/sh"} {
		if bytes.Contains(f.Data, []byte(hidden)) || bytes.Contains(f.Preview, []byte(hidden)) {
			t.Errorf("the kept photo still holds %q", hidden)
		}
	}
	for _, m := range append(segments(f.Data), segments(f.Preview)...) {
		if m == 0xE1 {
			t.Errorf("the kept photo has an APP1 segment: markers %x", segments(f.Data))
		}
	}
	if !bytes.HasSuffix(f.Data, []byte{0xFF, 0xD9}) {
		t.Errorf("the kept photo does not end at its image's end")
	}
	if e := meanError(t, pic, decodeJPEG(t, f.Data)); e > 3 {
		t.Errorf("mean error %.2f against the sent pixels", e)
	}
	prev := decodeJPEG(t, f.Preview)
	if s := prev.Bounds().Size(); s != image.Pt(320, 240) {
		t.Errorf("preview %v, want 320×240", s)
	}
}

// dark says whether the pixel is the test picture's dark square.
func dark(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r>>8 < 60 && g>>8 < 60 && b>>8 < 60
}

func TestPhotoIsTurnedUpright(t *testing.T) {
	// A portrait photo as the sensor saw it (landscape, dark square top
	// left), tagged to be turned a quarter clockwise.
	pic := evidencetest.Picture(80, 60, false)
	for _, tc := range []struct {
		orientation int
		w, h        int
		darkAt      image.Point // a point inside the dark square, upright
	}{
		{1, 80, 60, image.Pt(5, 5)},
		{3, 80, 60, image.Pt(75, 55)},
		{6, 60, 80, image.Pt(55, 5)},
		{8, 60, 80, image.Pt(5, 75)},
	} {
		f, err := evidence.Process(evidencetest.PhonePhoto(pic, 95, tc.orientation))
		if err != nil {
			t.Fatal(err)
		}
		img := decodeJPEG(t, f.Data)
		if f.Width != tc.w || f.Height != tc.h || img.Bounds().Dx() != tc.w {
			t.Errorf("orientation %d: %d×%d, want %d×%d", tc.orientation, f.Width, f.Height, tc.w, tc.h)
			continue
		}
		if !dark(img, tc.darkAt.X, tc.darkAt.Y) {
			t.Errorf("orientation %d: the dark corner is not at %v", tc.orientation, tc.darkAt)
		}
		if dark(img, tc.w/2, tc.h/2) {
			t.Errorf("orientation %d: the middle is dark", tc.orientation)
		}
	}
}

func TestPNGBecomesJPEGOverWhite(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	m.Set(0, 0, color.NRGBA{255, 0, 0, 255}) // the rest is transparent
	f, err := evidence.Process(evidencetest.PNG(m))
	if err != nil {
		t.Fatal(err)
	}
	img := decodeJPEG(t, f.Data)
	if r, g, b, _ := img.At(15, 10).RGBA(); r>>8 < 240 || g>>8 < 240 || b>>8 < 240 {
		t.Errorf("a transparent pixel became %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
}

func TestPDFIsKeptAsSent(t *testing.T) {
	pdf := evidencetest.PDF()
	f, err := evidence.Process(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if f.ContentType != evidence.PDF || !bytes.Equal(f.Data, pdf) || f.Preview != nil || f.Width != 0 {
		t.Errorf("kept %s, %d bytes, preview %v", f.ContentType, len(f.Data), f.Preview != nil)
	}
}

func TestRefused(t *testing.T) {
	photo := evidencetest.PhonePhoto(evidencetest.Picture(64, 64, false), 90, 1)
	for _, tc := range []struct {
		name, code, key string
		data            []byte
	}{
		{"ShellScript", mediation.EINVALID, "validation.file_type", evidencetest.Script()},
		{"Empty", mediation.EINVALID, "validation.required", nil},
		{"HTML", mediation.EINVALID, "validation.file_type", []byte("<html><script>alert(1)</script>")},
		{"PDFNotAtStart", mediation.EINVALID, "validation.file_type", append([]byte(" "), evidencetest.PDF()...)},
		{"GIF", mediation.EINVALID, "validation.file_type", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")},
		{"TruncatedJPEG", mediation.EINVALID, "validation.file_damaged", photo[:len(photo)/2]},
		{"JPEGMagicOnly", mediation.EINVALID, "validation.file_damaged", []byte{0xFF, 0xD8, 0xFF, 0xE0}},
		{"HugePNG", mediation.EINVALID, "validation.image_pixels", evidencetest.HugePNGHeader(50000, 50000)},
		{"ZeroWidthPNG", mediation.EINVALID, "validation.file_damaged", evidencetest.HugePNGHeader(0, 10)},
		{"OverMaxSize", mediation.ETOOLARGE, "", append(bytes.Clone(photo), make([]byte, evidence.MaxSize)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := evidence.Process(tc.data)
			if f != nil || mediation.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, %v; want code %s", f, err, tc.code)
			}
			if tc.key != "" {
				e := err.(*mediation.Error)
				if e.Fields["file"].Key != tc.key {
					t.Errorf("fields %v, want file: %s", e.Fields, tc.key)
				}
			}
		})
	}
}

// A header claiming 50,000 × 50,000 pixels (7.5 GB decoded) is refused from
// the header alone: refusing it allocates a few kilobytes, not its pixels.
func TestHugeHeaderAllocatesLittle(t *testing.T) {
	huge := evidencetest.HugePNGHeader(50000, 50000)
	allocs := testing.AllocsPerRun(20, func() { evidence.Process(huge) })
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 20 {
		if _, err := evidence.Process(huge); mediation.ErrorCode(err) != mediation.EINVALID {
			t.Fatalf("got %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / 20
	t.Logf("refusing a 50000×50000 PNG header: %.0f allocations, %d bytes each time", allocs, perRun)
	if perRun > 64<<10 || allocs > 100 {
		t.Errorf("refusing it allocated %d bytes in %.0f allocations", perRun, allocs)
	}
}

// BenchmarkProcess is the cost of re-encoding alone: a 12-megapixel phone
// JPEG of about 4 MB, turned sideways, decoded, turned upright, encoded again
// and previewed.
func BenchmarkProcess(b *testing.B) {
	photo := evidencetest.PhonePhoto(evidencetest.Frame(4000, 3000, 1), 88, 6)
	b.SetBytes(int64(len(photo)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := evidence.Process(photo); err != nil {
			b.Fatal(err)
		}
	}
}
