package evidence

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
)

// orientation is the EXIF orientation (1 to 8) a JPEG's APP1 segment gives,
// or 1 when it gives none. Phones store a portrait photo as the sensor saw it
// and say in this tag how to turn it; the re-encoded photo carries no EXIF,
// so its pixels must be turned instead. Only the segments before the image
// data are read, each within its declared length.
func orientation(data []byte) int {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image
			return 1
		case marker >= 0xD0 && marker <= 0xD7 || marker == 0x01: // no length
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		if seg := data[i+4 : i+2+n]; marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			if o := exifOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		i += 2 + n
	}
	return 1
}

// exifOrientation reads tag 0x0112 of the TIFF structure's first IFD, or 0.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	off := uint64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 0
	}
	n := int(bo.Uint16(t[off:]))
	for k := range n {
		e := int(off) + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		// One SHORT, held in the entry itself.
		if bo.Uint16(t[e+2:]) != 3 || bo.Uint32(t[e+4:]) != 1 {
			return 0
		}
		if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 0
	}
	return 0
}

// source is the pixel of a w × h image that lands at (x, y) once the image
// is turned as orientation o says.
func source(o, w, h, x, y int) (int, int) {
	switch o {
	case 2: // mirrored
		return w - 1 - x, y
	case 3: // upside down
		return w - 1 - x, h - 1 - y
	case 4: // mirrored upside down
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // turned a quarter anticlockwise: turn it clockwise
		return y, h - 1 - x
	case 7: // transverse
		return w - 1 - y, h - 1 - x
	case 8: // turned a quarter clockwise: turn it anticlockwise
		return w - 1 - y, x
	}
	return x, y
}

// upright is img turned as orientation o says, opaque (a transparent PNG is
// laid over white: JPEG has no transparency).
func upright(img image.Image, o int) image.Image {
	switch m := img.(type) {
	case *image.YCbCr:
		if o == 1 {
			return m
		}
		return turnYCbCr(m, o)
	case *image.Gray:
		if o == 1 {
			return m
		}
	}
	flat := flatten(img)
	if o == 1 {
		return flat
	}
	return turnRGBA(flat, o)
}

// turned is the size of a w × h image turned by orientation o.
func turned(o, w, h int) (int, int) {
	if o >= 5 {
		return h, w
	}
	return w, h
}

// flatten draws img over white.
func flatten(img image.Image) *image.RGBA {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}

func turnRGBA(src *image.RGBA, o int) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := turned(o, w, h)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		row := dst.Pix[y*dst.Stride:]
		for x := range dw {
			sx, sy := source(o, w, h, x, y)
			si := sy*src.Stride + sx*4
			copy(row[x*4:x*4+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// turnYCbCr turns the planes of a decoded JPEG themselves, so that a turned
// photo costs no more memory than the decoded one: a quarter turn swaps the
// chroma subsampling's axes (4:2:2 becomes 4:4:0).
func turnYCbCr(src *image.YCbCr, o int) *image.YCbCr {
	b := src.Rect
	w, h := b.Dx(), b.Dy()
	dw, dh := turned(o, w, h)
	ratio := src.SubsampleRatio
	if o >= 5 {
		ratio = swapAxes(ratio)
	}
	dst := image.NewYCbCr(image.Rect(0, 0, dw, dh), ratio)
	for y := range dh {
		for x := range dw {
			sx, sy := source(o, w, h, x, y)
			sx, sy = sx+b.Min.X, sy+b.Min.Y
			dst.Y[y*dst.YStride+x] = src.Y[src.YOffset(sx, sy)]
			ci, si := dst.COffset(x, y), src.COffset(sx, sy)
			dst.Cb[ci], dst.Cr[ci] = src.Cb[si], src.Cr[si]
		}
	}
	return dst
}

// swapAxes is the subsampling of a chroma plane turned a quarter.
func swapAxes(r image.YCbCrSubsampleRatio) image.YCbCrSubsampleRatio {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return image.YCbCrSubsampleRatio440
	case image.YCbCrSubsampleRatio440:
		return image.YCbCrSubsampleRatio422
	case image.YCbCrSubsampleRatio411:
		return image.YCbCrSubsampleRatio410
	case image.YCbCrSubsampleRatio410:
		return image.YCbCrSubsampleRatio411
	}
	return r // 4:4:4 and 4:2:0 are the same both ways
}
