package evidence

import (
	"image"
	"testing"
)

// FuzzOrientation: the EXIF reader takes any bytes after a JPEG's start and
// answers an orientation from 1 to 8, reading nothing beyond them; turning a
// small image by it keeps every pixel.
func FuzzOrientation(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\xff\xd8\xff\xe1\xff\xffExif\x00\x00II*\x00\xff\xff\xff\xff"))
	f.Add([]byte("\xff\xd8\xff\xff\xff\xda"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := orientation(data)
		if o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		src := image.NewRGBA(image.Rect(0, 0, 3, 2))
		for i := range src.Pix {
			src.Pix[i] = byte(i)
		}
		got := turnRGBA(src, o)
		seen := map[[4]byte]bool{}
		for i := 0; i < len(got.Pix); i += 4 {
			seen[[4]byte(got.Pix[i:i+4])] = true
		}
		if len(seen) != 6 || got.Rect.Dx()*got.Rect.Dy() != 6 {
			t.Fatalf("orientation %d lost pixels: %v", o, got.Pix)
		}
	})
}

func TestOrientationTag(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want int
	}{
		{"little-endian 6", "\xff\xd8\xff\xe1\x00\x22Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00", 6},
		{"big-endian 8", "\xff\xd8\xff\xe1\x00\x22Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00\x00", 8},
		{"out of range 9", "\xff\xd8\xff\xe1\x00\x22Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x09\x00\x00\x00\x00\x00\x00\x00", 1},
		{"segment longer than the file", "\xff\xd8\xff\xe1\xff\xffExif\x00\x00II*\x00\xff\xff\xff\xff", 1},
		{"no EXIF", "\xff\xd8\xff\xda", 1},
	} {
		if got := orientation([]byte(tc.data)); got != tc.want {
			t.Errorf("%s: orientation %d, want %d", tc.name, got, tc.want)
		}
	}
}
