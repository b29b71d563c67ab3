package mediation

import "time"

// MaxAttachments is the most attachments one submission may carry.
const MaxAttachments = 10

// DefaultCaseQuota is how many bytes of attachments a case may hold unless
// configured otherwise (200 MiB).
const DefaultCaseQuota = 200 << 20

// Attachment is a photo or document attached to a submission: evidence. It
// is visible exactly as its submission is. What it holds is kept apart, by
// its SHA-256; a photo is kept re-encoded (nothing of the sent file but its
// pixels), a PDF as sent.
type Attachment struct {
	ID           ID `json:"id"`
	CaseID       ID `json:"case_id"`
	SubmissionID ID `json:"submission_id"`
	// PartyID is the submission's author, whose evidence it is.
	PartyID     ID     `json:"party_id"`
	ContentType string `json:"content_type"` // image/jpeg or application/pdf
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // of what is served, hex
	// Width and Height are a photo's, upright; zero for a document.
	Width  int `json:"width"`
	Height int `json:"height"`
	// EnteredBy is the mediator who attached it on the party's behalf, or
	// zero when the party did.
	EnteredBy ID        `json:"entered_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// IsPhoto says whether the attachment is a photo (it has a preview).
func (a *Attachment) IsPhoto() bool { return a.ContentType == "image/jpeg" }

// Upload is a file as a client sent it, read into memory within the limit.
type Upload struct {
	Data []byte
}

// AttachmentFile is what is served of an attachment: its record and bytes.
type AttachmentFile struct {
	Attachment
	Data []byte
	// Preview says the bytes are the photo's small preview.
	Preview bool
}

// AttachmentQuery is what a download asks for: the file, or a photo's preview.
type AttachmentQuery struct {
	Preview bool
}
