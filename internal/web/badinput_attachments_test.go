package web_test

import (
	"net/http"
	"strings"

	"tiaojie/internal/evidence/evidencetest"
	"tiaojie/internal/mediation"
)

// The bad uploads: multipart bodies written out by hand, so that each shows
// exactly what is wrong with it.

const badBoundary = "tiaojie-bad-input"

// multipartText is a multipart/form-data body of the given parts, each
// [name, filename, content]; an empty filename makes a text field.
func multipartText(parts ...[3]string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("--" + badBoundary + "\r\n")
		if p[1] == "" {
			b.WriteString(`Content-Disposition: form-data; name="` + p[0] + "\"\r\n\r\n")
		} else {
			b.WriteString(`Content-Disposition: form-data; name="` + p[0] + `"; filename="` + p[1] + "\"\r\n")
			b.WriteString("Content-Type: image/jpeg\r\n\r\n")
		}
		b.WriteString(p[2] + "\r\n")
	}
	b.WriteString("--" + badBoundary + "--\r\n")
	return b.String()
}

func fileBody(name string, content []byte) string {
	return multipartText([3]string{"file", name, string(content)})
}

func attachmentBadInputs() []badInputCase {
	var rows []badInputCase
	add := func(cs ...badInputCase) { rows = append(rows, cs...) }
	up := badRoute{"Attach", "a1", "POST", "/api/v1/cases/{caseA}/submissions/{subA1}/attachments"}
	multipart := func(tc badInputCase) badInputCase {
		tc.contentType = "multipart/form-data; boundary=" + badBoundary
		return tc
	}
	photo := evidencetest.PhonePhoto(evidencetest.Picture(64, 48, false), 90, 1)
	valid := fileBody("photo.jpg", evidencetest.PDF())
	add(
		multipart(up.invalid("ShellScriptNamedPhotoJPG", fileBody("photo.jpg", evidencetest.Script()), "file")),
		multipart(up.invalid("HTMLNamedPhotoJPG", fileBody("photo.jpg", []byte("<!doctype html><script>alert(1)</script>")), "file")),
		multipart(up.invalid("GIF", fileBody("a.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")), "file")),
		multipart(up.invalid("HEIC", fileBody("IMG_0001.HEIC", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")), "file")),
		multipart(up.invalid("EmptyFile", fileBody("photo.jpg", nil), "file")),
		multipart(up.invalid("NoFile", multipartText(), "file")),
		multipart(up.invalid("TruncatedJPEG", fileBody("photo.jpg", photo[:len(photo)/2]), "file")),
		multipart(up.invalid("PNGHeader50000x50000", fileBody("huge.png", evidencetest.HugePNGHeader(50000, 50000)), "file")),
		multipart(up.row("FileOver10MiB", fileBody("big.pdf", append(evidencetest.PDF(), make([]byte, 10<<20)...)),
			http.StatusRequestEntityTooLarge, mediation.ETOOLARGE, "")),
		multipart(up.row("BodyOver10MiB", fileBody("big.pdf", make([]byte, 11<<20)),
			http.StatusRequestEntityTooLarge, mediation.ETOOLARGE, "")),
		multipart(up.row("TwoFiles", multipartText([3]string{"file", "a.pdf", string(evidencetest.PDF())},
			[3]string{"file", "b.pdf", string(evidencetest.PDF())}), http.StatusBadRequest, mediation.EMALFORMED, "file")),
		multipart(up.row("UnknownField", multipartText([3]string{"note", "", "看这张"},
			[3]string{"file", "a.pdf", string(evidencetest.PDF())}), http.StatusBadRequest, mediation.EMALFORMED, "note")),
		multipart(up.row("CutOff", strings.TrimSuffix(valid, "--"+badBoundary+"--\r\n"), http.StatusBadRequest, mediation.EMALFORMED, "")),
		up.row("JSONBody", `{"file":"JVBERi0="}`, http.StatusBadRequest, mediation.EMALFORMED, ""),
		func() badInputCase {
			tc := up.row("NoBoundary", valid, http.StatusBadRequest, mediation.EMALFORMED, "")
			tc.contentType = "multipart/form-data"
			return tc
		}(),
		multipart(up.at("/api/v1/cases/{caseA}/submissions/{subA2}/attachments").notFound("SubmissionOfAnotherParty", valid)),
		multipart(up.at("/api/v1/cases/{caseA}/submissions/{subB1}/attachments").notFound("SubmissionOfAnotherCase", valid)),
		multipart(up.at("/api/v1/cases/{caseB}/submissions/{subA1}/attachments").notFound("CaseMismatch", valid)),
		multipart(up.at("/api/v1/cases/{caseA}/submissions/"+mxAbsentID+"/attachments").notFound("SubmissionNotFound", valid)),
		// Judged only after the decision: another party's submission is
		// absent, whatever the body.
		multipart(up.at("/api/v1/cases/{caseA}/submissions/{subA2}/attachments").notFound("AnotherPartysWithAScript",
			fileBody("photo.jpg", evidencetest.Script()))),
	)
	// GET …/attachments/{attachment}?preview=, by the author.
	get := badRoute{"AttachmentFile", "a1", "GET", "/api/v1/cases/{caseA}/submissions/{subA1}/attachments/{attA1}"}
	add(
		get.at(get.path+"?preview=yes").invalid("PreviewNotOne", "", "preview"),
		get.at("/api/v1/cases/{caseA}/submissions/{subA2}/attachments/{attA1}").notFound("UnderAnotherSubmission", ""),
	)
	return rows
}
