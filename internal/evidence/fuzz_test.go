package evidence_test

import (
	"bytes"
	"image/jpeg"
	"testing"

	"tiaojie/internal/evidence"
	"tiaojie/internal/evidence/evidencetest"
	"tiaojie/internal/mediation"
)

// FuzzProcess: whatever is uploaded, Process does not panic, refuses with a
// 422 naming the file or a 413, or keeps either a PDF exactly as sent or a
// JPEG that decodes to the size it reports, with a preview, and without any
// APP1 (EXIF) segment or anything after the image's end.
func FuzzProcess(f *testing.F) {
	f.Add(evidencetest.PhonePhoto(evidencetest.Picture(16, 12, false), 80, 6))
	f.Add(evidencetest.PNG(evidencetest.Picture(9, 7, false)))
	f.Add(evidencetest.PDF())
	f.Add(evidencetest.Script())
	f.Add(evidencetest.HugePNGHeader(50000, 50000))
	f.Fuzz(func(t *testing.T, data []byte) {
		kept, err := evidence.Process(data)
		if err != nil {
			switch e, _ := err.(*mediation.Error); {
			case e == nil:
				t.Fatalf("not a mediation error: %v", err)
			case e.Code == mediation.EINVALID && e.Fields["file"].Key != "":
			case e.Code == mediation.ETOOLARGE:
			default:
				t.Fatalf("unexpected refusal %v", err)
			}
			return
		}
		switch kept.ContentType {
		case evidence.PDF:
			if !bytes.Equal(kept.Data, data) || !bytes.HasPrefix(data, []byte("%PDF-")) || kept.Preview != nil {
				t.Fatal("a PDF not kept as sent")
			}
		case evidence.JPEG:
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(kept.Data))
			if err != nil || cfg.Width != kept.Width || cfg.Height != kept.Height {
				t.Fatalf("kept %d×%d, which decodes as %+v, %v", kept.Width, kept.Height, cfg, err)
			}
			if uint64(cfg.Width)*uint64(cfg.Height) > evidence.MaxPixels {
				t.Fatalf("kept %d×%d, over the budget", cfg.Width, cfg.Height)
			}
			if _, err := jpeg.Decode(bytes.NewReader(kept.Preview)); err != nil {
				t.Fatalf("the preview does not decode: %v", err)
			}
			if bytes.Contains(kept.Data, []byte("Exif\x00\x00")) || !bytes.HasSuffix(kept.Data, []byte{0xFF, 0xD9}) {
				t.Fatal("the kept photo carries EXIF or bytes after its end")
			}
		default:
			t.Fatalf("kept a %q", kept.ContentType)
		}
	})
}
