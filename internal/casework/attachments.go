package casework

import (
	"runtime"
	"strings"

	"tiaojie/internal/authz"
	"tiaojie/internal/evidence"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Attachments: photos and documents of a submission. An attachment is
// visible exactly as its submission is (the submission's own read decision);
// attaching is its own rule (authz.ObjAttachment): a party to its own
// submissions, a mediator to any party's, on its behalf.

// decoding bounds how many photos are decoded at once: a 50-megapixel photo
// takes a few hundred MiB while it is turned and encoded again.
var decoding = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// processUpload decides what the upload is and what is kept of it, with at
// most len(decoding) uploads decoded at a time.
func processUpload(data []byte) (*evidence.File, error) {
	decoding <- struct{}{}
	defer func() { <-decoding }()
	return evidence.Process(data)
}

// quota is the configured per-case total of attachments' bytes.
func (s *Service) quota() int64 {
	if s.attachmentQuota > 0 {
		return s.attachmentQuota
	}
	return mediation.DefaultCaseQuota
}

// attachable loads the submission of the case the principal may attach to:
// ENOTFOUND for another case's or one it may not attach to (another party's),
// as for an absent one.
func (s *Service) attachable(p mediation.Principal, caseID, subID mediation.ID) (*mediation.Submission, error) {
	sub, err := s.db.Submission(subID)
	if err != nil {
		return nil, err
	}
	if sub.CaseID != caseID {
		return nil, mediation.NotFound()
	}
	if err := s.authz.Check(p, authz.ActCreate, authz.AttachmentObject(sub)); err != nil {
		return nil, err
	}
	// Nothing is attached to a closed case's submissions.
	if err := s.guardOpenID(sub.CaseID); err != nil {
		return nil, err
	}
	return sub, nil
}

// Attach stores a photo or document as evidence of a submission: attached by
// its author, or by a mediator on the author's behalf (which the record
// shows). The file's type is decided by its content; a photo is kept
// re-encoded, without anything of the file but its pixels. The upload is
// judged only once the principal is found to may attach here, and decoded
// outside the membership lock, which is then taken again and the decision
// taken again before the write. EINVALID names "file" (not a JPEG, PNG or
// PDF; damaged; over the pixel budget); ETOOLARGE for a file over 10 MiB;
// ECONFLICT for a closed case, a submission with 10 attachments, or a case
// over its quota.
func (s *Service) Attach(r *mediation.Request, caseID, subID mediation.ID, in mediation.Input) (*mediation.Attachment, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjAttachment, authz.ActCreate); err != nil {
		return nil, err
	}
	unlock := s.decided()
	_, err := s.attachable(p, caseID, subID)
	unlock()
	if err != nil {
		return nil, err
	}
	var up mediation.Upload
	if err := in(&up); err != nil {
		return nil, err
	}
	f, err := processUpload(up.Data)
	if err != nil {
		return nil, err
	}
	defer s.decided()()
	sub, err := s.attachable(p, caseID, subID)
	if err != nil {
		return nil, err
	}
	a := &mediation.Attachment{CaseID: caseID, SubmissionID: sub.ID, PartyID: sub.PartyID,
		ContentType: f.ContentType, Width: f.Width, Height: f.Height, CreatedAt: s.db.Now().UTC()}
	if !p.IsParty() {
		a.EnteredBy = p.UserID
	}
	n := store.NewAttachment{Attachment: a, Content: f.Data, Preview: f.Preview, Quota: s.quota()}
	if err := s.db.CreateAttachment(n, p.Subject(), keyed(r)...); err != nil {
		rp, ok := replayed(r, err)
		if !ok {
			return nil, err
		}
		return s.db.Attachment(rp.ID())
	}
	return a, nil
}

// readableSubmission loads a submission of the case the principal may read:
// 401 or 403 for those who may never read one, ENOTFOUND as for an absent
// one otherwise.
func (s *Service) readableSubmission(p mediation.Principal, caseID, subID mediation.ID) (*mediation.Submission, error) {
	if err := s.mayReadSubmissions(p); err != nil {
		return nil, err
	}
	return s.loadSubmission(p, caseID, subID, authz.ActRead)
}

// Attachments lists the attachments of a submission the principal may read,
// oldest first, and audits the read naming them.
func (s *Service) Attachments(p mediation.Principal, caseID, subID mediation.ID) ([]mediation.Attachment, error) {
	defer s.decided()()
	sub, err := s.readableSubmission(p, caseID, subID)
	if err != nil {
		return nil, err
	}
	as, err := s.db.Attachments(sub.ID)
	if err != nil {
		return nil, err
	}
	shown := make([]string, len(as))
	for i, a := range as {
		shown[i] = a.ID.String()
	}
	s.db.RecordRead(mediation.AuditEntry{CaseID: sub.CaseID, Actor: p.Subject(), Action: mediation.AuditAttachmentRead,
		Object: "submission:" + sub.ID.String(), Detail: map[string]string{"attachments": strings.Join(shown, ",")}})
	return as, nil
}

// AttachmentFile returns an attachment of a submission the principal may
// read, as served: its content, or a photo's preview (AttachmentQuery), and
// audits the download as a read of the submission. A document has no
// preview (ENOTFOUND).
func (s *Service) AttachmentFile(p mediation.Principal, caseID, subID, id mediation.ID, in mediation.Input) (*mediation.AttachmentFile, error) {
	defer s.decided()()
	sub, err := s.readableSubmission(p, caseID, subID)
	if err != nil {
		return nil, err
	}
	a, err := s.db.Attachment(id)
	if err != nil {
		return nil, err
	}
	if a.SubmissionID != sub.ID {
		return nil, mediation.NotFound()
	}
	var q mediation.AttachmentQuery
	if err := in(&q); err != nil {
		return nil, err
	}
	data, err := s.db.AttachmentContent(a.ID, q.Preview)
	if err != nil {
		return nil, err
	}
	detail := map[string]string{"submission": sub.ID.String()}
	if q.Preview {
		detail["preview"] = "true"
	}
	s.db.RecordRead(mediation.AuditEntry{CaseID: sub.CaseID, Actor: p.Subject(), Action: mediation.AuditAttachmentRead,
		Object: "attachment:" + a.ID.String(), Detail: detail})
	return &mediation.AttachmentFile{Attachment: *a, Data: data, Preview: q.Preview}, nil
}

// CaseAttachments lists, by submission, the attachments of every submission
// of the case the principal may read, decided once for the whole case as the
// list of submissions is (scope). It is what a case page shows beside the
// submissions it has read (and audited); each file the page then loads is
// audited as it is downloaded.
func (s *Service) CaseAttachments(p mediation.Principal, caseID mediation.ID) (map[mediation.ID][]mediation.Attachment, error) {
	if err := s.mayReadSubmissions(p); err != nil {
		return nil, err
	}
	defer s.decided()()
	cs, _, err := s.visibleCase(p, caseID)
	if err != nil {
		return nil, err
	}
	f, ok := s.scope(p, cs.ID)
	if !ok {
		return map[mediation.ID][]mediation.Attachment{}, nil
	}
	return s.db.AttachmentsOfSelected(f)
}
