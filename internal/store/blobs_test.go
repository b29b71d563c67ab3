package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// pdfOf is a document of n bytes (a PDF as evidence takes one: as sent).
func pdfOf(n int, seed string) []byte {
	b := bytes.Repeat([]byte(seed+" "), n/(len(seed)+1)+1)[:n]
	copy(b, "%PDF-1.4\n")
	return b
}

// attachTo stores content (and preview) as an attachment of sub.
func attachTo(db *store.DB, sub *mediation.Submission, content, preview []byte) (*mediation.Attachment, error) {
	a := &mediation.Attachment{CaseID: sub.CaseID, SubmissionID: sub.ID, PartyID: sub.PartyID,
		ContentType: "application/pdf", CreatedAt: testTime}
	if preview != nil {
		a.ContentType, a.Width, a.Height = "image/jpeg", 4, 3
	}
	err := db.CreateAttachment(store.NewAttachment{Attachment: a, Content: content, Preview: preview,
		Quota: mediation.DefaultCaseQuota}, mediation.PartySubject(sub.PartyID))
	return a, err
}

// The blob stores under the store's table of backends: in the store (the
// default) and in a directory. An attachment's content and preview come back
// as stored, verified; one larger than an etcd request is kept on etcd only
// with a directory, and without one is refused with ETOOLARGE naming the
// limit, storing nothing; the check passes on every pair.
func TestBlobStores(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		for _, inDir := range []bool{false, true} {
			name := "in-store"
			if inDir {
				name = "dir"
			}
			t.Run(name, func(t *testing.T) {
				var opt store.Options
				var dir *store.DirBlobs
				if inDir {
					var err error
					if dir, err = store.OpenBlobDir(filepath.Join(t.TempDir(), "blobs")); err != nil {
						t.Fatal(err)
					}
					opt.Blobs = dir
				}
				db := mustOpenDBWith(t, opt)
				w := &world{db: db, mediator: createUser(t, db, "wang", "王调解", mediation.RoleMediator, "13900000001")}
				c := createCase(t, db, w.mediator, "漏水", mediation.CategoryNoise)
				p := createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, "13800000001")
				sub := createSubmission(t, db, c.ID, p.ID, "照片见附件")

				small, preview := pdfOf(40<<10, "small"), pdfOf(2<<10, "preview")
				a, err := attachTo(db, sub, small, preview)
				if err != nil {
					t.Fatal(err)
				}
				if a.SHA256 != store.Sum(small) || a.Size != int64(len(small)) {
					t.Errorf("record: %+v", a)
				}
				for _, pv := range []bool{false, true} {
					got, err := db.AttachmentContent(a.ID, pv)
					if want := map[bool][]byte{false: small, true: preview}[pv]; err != nil || !bytes.Equal(got, want) {
						t.Errorf("content (preview %v): %d bytes, %v", pv, len(got), err)
					}
				}
				if inDir {
					// The files are in the directory, not the store.
					for _, b := range [][]byte{small, preview} {
						if has, err := dir.Has(store.Sum(b)); !has || err != nil {
							t.Errorf("directory has %s: %v %v", store.Sum(b)[:8], has, err)
						}
					}
					if keys := bucketKeys(t, db, "blobs"); len(keys) != 0 {
						t.Errorf("the store holds %d blobs beside the directory", len(keys))
					}
				}

				// 3 MiB: more than etcd takes in a request.
				big := pdfOf(3<<20, "big")
				before := fingerprint(t, db)
				b, err := attachTo(db, sub, big, nil)
				if backendOf(t).name == "etcd" && !inDir {
					e := wantCode(t, err, mediation.ETOOLARGE)
					if e.Message != "error.attachment_store_limit" || !strings.HasSuffix(fmt.Sprint(e.Args["Limit"]), "MiB") {
						t.Errorf("refusal: %+v", e)
					}
					sameFingerprint(t, before, fingerprint(t, db))
					// The limit named is what etcd takes: a file of
					// exactly that size is kept, one byte more is not.
					const limit = 1474560 // 1.40625 MiB
					if e.Args["Limit"] != "1.40625 MiB" {
						t.Errorf("limit named %v", e.Args["Limit"])
					}
					if _, err := attachTo(db, sub, pdfOf(limit+1, "over"), nil); mediation.ErrorCode(err) != mediation.ETOOLARGE {
						t.Errorf("one byte over the limit: %v", err)
					}
					at, err := attachTo(db, sub, pdfOf(limit, "at"), nil)
					if err != nil {
						t.Fatalf("a file at the limit: %v", err)
					}
					if got, err := db.AttachmentContent(at.ID, false); err != nil || len(got) != limit {
						t.Errorf("a file at the limit: %d bytes, %v", len(got), err)
					}
				} else {
					if err != nil {
						t.Fatal(err)
					}
					if got, err := db.AttachmentContent(b.ID, false); err != nil || !bytes.Equal(got, big) {
						t.Errorf("big content: %d bytes, %v", len(got), err)
					}
				}
				if _, err := db.Verify(nil); err != nil {
					t.Errorf("Verify: %v", err)
				}
			})
		}
	})
}

// A blob file that is damaged is never answered: the download fails, the
// check names the attachment, and putting the blob again (a new upload of
// the same file) mends it. A missing file is named missing.
func TestBlobDirDamage(t *testing.T) {
	dir, err := store.OpenBlobDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	db := mustOpenDBWith(t, store.Options{Blobs: dir})
	w := &world{db: db, mediator: createUser(t, db, "wang", "王调解", mediation.RoleMediator, "13900000001")}
	c := createCase(t, db, w.mediator, "漏水", mediation.CategoryNoise)
	p := createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, "13800000001")
	sub := createSubmission(t, db, c.ID, p.ID, "见附件")
	content := pdfOf(10<<10, "evidence")
	a, err := attachTo(db, sub, content, nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir.Dir(), a.SHA256[:2], a.SHA256)
	damaged := bytes.Clone(content)
	damaged[len(damaged)-1] ^= 1
	if err := os.WriteFile(file, damaged, 0o640); err != nil {
		t.Fatal(err)
	}
	if got, err := db.AttachmentContent(a.ID, false); !errors.Is(err, store.ErrBlobDamaged) || got != nil {
		t.Errorf("content of a damaged file: %d bytes, %v", len(got), err)
	}
	if err := db.CheckBlobs(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("attachment %d: its content is damaged", a.ID)) {
		t.Errorf("CheckBlobs: %v", err)
	}
	if err := dir.Put(a.SHA256, content); err != nil {
		t.Fatal(err)
	}
	if got, err := db.AttachmentContent(a.ID, false); err != nil || !bytes.Equal(got, content) {
		t.Errorf("content after a new put: %d bytes, %v", len(got), err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AttachmentContent(a.ID, false); !errors.Is(err, store.ErrBlobMissing) {
		t.Errorf("content of a missing file: %v", err)
	}
	if err := db.CheckBlobs(); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("CheckBlobs: %v", err)
	}
	// A put refuses bytes that are not their name's.
	if err := dir.Put(a.SHA256, damaged); !errors.Is(err, store.ErrBlobDamaged) {
		t.Errorf("put of other bytes: %v", err)
	}
}

// Two processes (two DirBlobs on one directory) putting the same blob at
// once leave it whole, and no temporary file behind.
func TestBlobDirConcurrentPut(t *testing.T) {
	root := filepath.Join(t.TempDir(), "blobs")
	content := pdfOf(1<<20, "shared")
	sum := store.Sum(content)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := store.OpenBlobDir(root)
			if err == nil {
				err = d.Put(sum, content)
			}
			if err == nil && i%2 == 0 {
				_, err = d.Get(sum)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(root, sum[:2]))
	if err != nil || len(entries) != 1 || entries[0].Name() != sum {
		t.Errorf("directory holds %v (%v)", entries, err)
	}
}

// A file whose attachments are in the store, opened later with a blob
// directory, still serves them (from the store), writes new ones to the
// directory, and passes the check.
func TestBlobDirOverOlderStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Now = newClock().Now
	u := createUser(t, db, "wang", "王调解", mediation.RoleMediator, "13900000001")
	c := createCase(t, db, u, "漏水", mediation.CategoryNoise)
	p := createParty(t, db, c, u, "张三", mediation.SideApplicant, "13800000001")
	sub := createSubmission(t, db, c.ID, p.ID, "见附件")
	old := pdfOf(8<<10, "old")
	a, err := attachTo(db, sub, old, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	dir, err := store.OpenBlobDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(path, store.Options{Blobs: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.AttachmentContent(a.ID, false); err != nil || !bytes.Equal(got, old) {
		t.Errorf("older content: %d bytes, %v", len(got), err)
	}
	fresh := pdfOf(8<<10, "new")
	if _, err := attachTo(db, sub, fresh, nil); err != nil {
		t.Fatal(err)
	}
	if has, _ := dir.Has(store.Sum(fresh)); !has {
		t.Error("the new blob is not in the directory")
	}
	if has, _ := dir.Has(store.Sum(old)); has {
		t.Error("the older blob was copied to the directory")
	}
	if _, err := db.Verify(nil); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
