package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
)

// blobCast is a server's mediator, a case and a party's submission on it.
type blobCast struct {
	base, caseID, subID string
	party               *http.Client
}

func castOn(t *testing.T, m *Main, password string) blobCast {
	t.Helper()
	base := "http://" + m.Addr()
	admin, mediator, party := newHTTPClient(), newHTTPClient(), newHTTPClient()
	want := func(status int, body map[string]any) map[string]any {
		t.Helper()
		if status/100 != 2 {
			t.Fatalf("%d %v", status, body)
		}
		return body
	}
	want(post(t, admin, base+"/api/v1/login", map[string]string{"username": "admin", "password": password}))
	want(post(t, admin, base+"/api/v1/users", map[string]string{"username": "wang.fang", "display_name": "王芳",
		"role": "mediator", "password": "mediator-password-1"}))
	want(post(t, mediator, base+"/api/v1/login", map[string]string{"username": "wang.fang", "password": "mediator-password-1"}))
	cs := want(post(t, mediator, base+"/api/v1/cases", map[string]string{"title": "漏水", "category": "noise",
		"community": "dongfeng", "source": "party_application"}))
	caseID := cs["id"].(string)
	p := want(post(t, mediator, base+"/api/v1/cases/"+caseID+"/parties", map[string]string{"name": "张三",
		"kind": "person", "side": "applicant"}))
	token := p["invitation"].(map[string]any)["token"].(string)
	want(post(t, party, base+"/api/v1/access", map[string]string{"token": token, "pin": "246810"}))
	sub := want(post(t, party, base+"/api/v1/cases/"+caseID+"/submissions", map[string]string{"kind": "position", "body": "见附件"}))
	return blobCast{base: base, caseID: caseID, subID: sub["id"].(string), party: party}
}

// upload posts file as an attachment of the cast's submission.
func (c blobCast) upload(t *testing.T, file []byte) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "evidence.pdf")
	fw.Write(file)
	mw.Close()
	resp, err := c.party.Post(c.base+"/api/v1/cases/"+c.caseID+"/submissions/"+c.subID+"/attachments",
		mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func (c blobCast) download(t *testing.T, id string) []byte {
	t.Helper()
	resp, err := c.party.Get(c.base + "/api/v1/cases/" + c.caseID + "/submissions/" + c.subID + "/attachments/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download %s: %d %s", id, resp.StatusCode, raw)
	}
	return raw
}

func bigPDF(n int) []byte {
	b := bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
	copy(b, "%PDF-1.4\n")
	return b
}

// On etcd with --blobs an attachment larger than one etcd request (3 MiB)
// uploads and downloads whole, its file in the directory; check verifies it,
// and backup copies it beside the copy, which checks with it and fails,
// saying why, without it. On etcd without --blobs the same upload is refused
// with 413 naming the limit, and a small one is kept in etcd.
func TestBlobsOnEtcd(t *testing.T) {
	const password = "管理员的开机口令-2026"
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", password)
	big := bigPDF(3 << 20)

	member := etcdtest.New(t)
	endpoints := strings.Join(member.Endpoints, ",")
	blobs := filepath.Join(t.TempDir(), "blobs")
	m, _ := runConfigured(t, Config{Store: "etcd", EtcdEndpoints: endpoints, Blobs: blobs, InsecureCookies: true})
	c := castOn(t, m, password)
	status, a := c.upload(t, big)
	if status != http.StatusCreated {
		t.Fatalf("upload of 3 MiB with --blobs: %d %v", status, a)
	}
	sum := a["sha256"].(string)
	if got := c.download(t, a["id"].(string)); !bytes.Equal(got, big) {
		t.Errorf("download: %d bytes, not the %d uploaded", len(got), len(big))
	}
	if fi, err := os.Stat(filepath.Join(blobs, sum[:2], sum)); err != nil || fi.Size() != int64(len(big)) {
		t.Errorf("the file in --blobs: %v %v", fi, err)
	}

	var out bytes.Buffer
	if err := checkCommand(&out, []string{"--store", "etcd", "--etcd-endpoints", endpoints, "--blobs", blobs}); err != nil {
		t.Fatalf("check: %v", err)
	}
	file := filepath.Join(t.TempDir(), "copy.db")
	out.Reset()
	if err := backupCommand(context.Background(), &out, []string{"--store", "etcd", "--etcd-endpoints", endpoints, "--blobs", blobs, file}); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(out.String(), "copied from "+blobs+" to "+file+".blobs") {
		t.Errorf("backup said %q", out.String())
	}
	if raw, err := os.ReadFile(filepath.Join(file+".blobs", sum[:2], sum)); err != nil || !bytes.Equal(raw, big) {
		t.Errorf("the copied file: %d bytes, %v", len(raw), err)
	}
	out.Reset()
	if err := checkCommand(&out, []string{"--db", file, "--blobs", file + ".blobs"}); err != nil {
		t.Errorf("check of the copy with its files: %v", err)
	}
	err := checkCommand(&out, []string{"--db", file})
	if err == nil || !strings.Contains(err.Error(), "is missing") || !strings.Contains(err.Error(), "--blobs DIR") {
		t.Errorf("check of the copy without its files: %v", err)
	}
	// The copied file damaged: the check of the copy names it.
	os.WriteFile(filepath.Join(file+".blobs", sum[:2], sum), big[:len(big)-1], 0o640)
	if err := checkCommand(&out, []string{"--db", file, "--blobs", file + ".blobs"}); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("check of a damaged copy: %v", err)
	}
	// A second backup to the same file mends it.
	if err := backupCommand(context.Background(), &out, []string{"--store", "etcd", "--etcd-endpoints", endpoints, "--blobs", blobs, file}); err != nil {
		t.Fatalf("second backup: %v", err)
	}
	if err := checkCommand(&out, []string{"--db", file, "--blobs", file + ".blobs"}); err != nil {
		t.Errorf("check after the second backup: %v", err)
	}

	// Without --blobs.
	other := etcdtest.New(t)
	m2, _ := runConfigured(t, Config{Store: "etcd", EtcdEndpoints: strings.Join(other.Endpoints, ","), InsecureCookies: true})
	c2 := castOn(t, m2, password)
	status, body := c2.upload(t, big)
	e, _ := body["error"].(map[string]any)
	if status != http.StatusRequestEntityTooLarge || e["code"] != "too_large" || !strings.Contains(fmt.Sprint(e["message"]), "MiB") {
		t.Errorf("upload of 3 MiB on etcd without --blobs: %d %v", status, body)
	}
	small := bigPDF(200 << 10)
	status, a = c2.upload(t, small)
	if status != http.StatusCreated {
		t.Fatalf("upload of 200 KiB on etcd without --blobs: %d %v", status, a)
	}
	if got := c2.download(t, a["id"].(string)); !bytes.Equal(got, small) {
		t.Errorf("download: %d bytes", len(got))
	}
	if has, err := m2.DB.Blobs().Has(store.Sum(small)); !has || err != nil {
		t.Errorf("the file is not in etcd: %v", err)
	}
}
