// Package evidence turns an uploaded file into what tiaojie keeps of it. The
// type is decided by the content alone (its magic bytes, then a full decode),
// never by the name or the declared type. A photo is decoded, turned upright
// by its EXIF orientation and encoded again as JPEG, so that nothing of the
// file but its pixels survives: no EXIF (GPS position, phone model, capture
// time), no embedded thumbnail, nothing appended after the image. A PDF is
// kept as sent, and always served as a download. It is a pure room: it
// imports the domain only, for its errors.
package evidence

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"

	xdraw "golang.org/x/image/draw"

	"tiaojie/internal/mediation"
)

// The limits of an upload.
const (
	// MaxSize is the largest file accepted, in bytes (10 MiB).
	MaxSize = 10 << 20
	// MaxPixels is the most pixels a photo may have (50 MiP: a 50-megapixel
	// phone sensor's full resolution, 8160 × 6144, fits). A larger header is
	// refused before anything is decoded: a small file can claim a huge
	// image (a decompression bomb).
	MaxPixels = 50 << 20
	// PreviewSide is the longer side of a photo's preview, in pixels.
	PreviewSide = 320
	// quality is the JPEG quality of a re-encoded photo and its preview.
	quality = 85
)

// Content types of what is kept.
const (
	JPEG = "image/jpeg"
	PDF  = "application/pdf"
)

// File is what is kept of an upload.
type File struct {
	// ContentType is JPEG (every photo, re-encoded) or PDF (as sent).
	ContentType string
	Data        []byte
	// Width and Height are the photo's, upright; zero for a PDF.
	Width, Height int
	// Preview is a small JPEG of the photo; nil for a PDF.
	Preview []byte
}

// The kinds of content recognised by their first bytes.
const (
	kindUnknown = iota
	kindJPEG
	kindPNG
	kindPDF
)

var (
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicPDF  = []byte("%PDF-")
)

// sniff recognises the content by its first bytes alone.
func sniff(data []byte) int {
	switch {
	case bytes.HasPrefix(data, magicJPEG):
		return kindJPEG
	case bytes.HasPrefix(data, magicPNG):
		return kindPNG
	case bytes.HasPrefix(data, magicPDF):
		return kindPDF
	}
	return kindUnknown
}

// The problems of an upload, each naming the field "file".
func fileProblem(key, param string) error { return mediation.Invalid("file", key, param) }

var errTooLarge = mediation.Errorf(mediation.ETOOLARGE, "error.attachment_too_large")

// Process decides what the upload is from its content and returns what is
// kept of it: a photo re-encoded as JPEG with its preview, or a PDF as sent.
// It returns EINVALID naming "file" for an empty file, a type other than
// JPEG, PNG or PDF, a photo that does not decode or has more than MaxPixels,
// and ETOOLARGE for more than MaxSize bytes.
func Process(data []byte) (*File, error) {
	if len(data) == 0 {
		return nil, fileProblem("validation.required", "")
	}
	if len(data) > MaxSize {
		return nil, errTooLarge
	}
	switch sniff(data) {
	case kindPDF:
		return &File{ContentType: PDF, Data: data}, nil
	case kindJPEG:
		return photo(data, jpeg.DecodeConfig, jpeg.Decode, orientation(data))
	case kindPNG:
		return photo(data, png.DecodeConfig, png.Decode, 1)
	}
	return nil, fileProblem("validation.file_type", "")
}

// photo checks the header's dimensions, decodes, turns the image upright and
// encodes it again.
func photo(data []byte, config func(r io.Reader) (image.Config, error), decode func(r io.Reader) (image.Image, error), orient int) (*File, error) {
	cfg, err := config(bytes.NewReader(data))
	if err != nil {
		return nil, fileProblem("validation.file_damaged", "")
	}
	if err := withinBudget(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, fileProblem("validation.file_damaged", "")
	}
	// A decoder may take a header it then contradicts; the image decides.
	b := img.Bounds()
	if err := withinBudget(b.Dx(), b.Dy()); err != nil {
		return nil, err
	}
	up := upright(img, orient)
	var out bytes.Buffer
	out.Grow(len(data))
	if err := jpeg.Encode(&out, up, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	preview, err := Preview(up)
	if err != nil {
		return nil, err
	}
	ub := up.Bounds()
	return &File{ContentType: JPEG, Data: out.Bytes(), Width: ub.Dx(), Height: ub.Dy(), Preview: preview}, nil
}

// withinBudget refuses dimensions that are empty or over MaxPixels, before
// any pixel is allocated.
func withinBudget(w, h int) error {
	if w <= 0 || h <= 0 {
		return fileProblem("validation.file_damaged", "")
	}
	if uint64(w)*uint64(h) > MaxPixels {
		return fileProblem("validation.image_pixels", strconv.Itoa(MaxPixels>>20))
	}
	return nil
}

// Preview is a JPEG of img scaled to fit PreviewSide × PreviewSide (never
// enlarged), over white where img is transparent.
func Preview(img image.Image) ([]byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > PreviewSide || h > PreviewSide {
		if w >= h {
			w, h = PreviewSide, max(1, h*PreviewSide/w)
		} else {
			w, h = max(1, w*PreviewSide/h), PreviewSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.Draw(dst, dst.Bounds(), image.White, image.Point{}, xdraw.Src)
	xdraw.BiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
