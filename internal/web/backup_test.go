package web_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// backupCheck is the matrix's check of a backup answer: the bytes are a
// database that verifies and holds both of the scene's cases.
func backupCheck(t *testing.T, w *mxWorld, _ mxWho, raw []byte) {
	t.Helper()
	db := openBackupBytes(t, raw)
	for _, id := range []string{w.caseA, w.caseB} {
		cid, _ := mediation.ParseID(id)
		if _, err := db.Case(cid); err != nil {
			t.Errorf("case %s in the backup: %v", id, err)
		}
	}
}

// openBackupBytes writes a downloaded copy to a file, verifies it and opens
// it read-only.
func openBackupBytes(t *testing.T, raw []byte) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.VerifyBackup(path); err != nil {
		t.Fatalf("the downloaded copy does not verify: %v", err)
	}
	db, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// download fetches GET /api/v1/admin/backup as c.
func download(t *testing.T, c *client) (*http.Response, []byte) {
	t.Helper()
	return c.send(t, "GET", "/api/v1/admin/backup", nil, "")
}

func TestBackupDownload(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.app.DB.FlushReads() // the scene's audited reads and checks, written before the copy
	resp, raw := download(t, s.admin)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len(raw)) {
		t.Errorf("Content-Length %q, body %d bytes", cl, len(raw))
	}
	disp, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || !regexp.MustCompile(`^tiaojie-\d{8}-\d{6}\.db$`).MatchString(params["filename"]) {
		t.Errorf("Content-Disposition %q", resp.Header.Get("Content-Disposition"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	openBackupBytes(t, raw)

	// Who took a copy is on the record, committed before the copy began.
	head, err := s.app.DB.AuditHead()
	if err != nil {
		t.Fatal(err)
	}
	var last struct {
		Entry mediation.AuditEntry `json:"entry"`
	}
	err = s.app.DB.Bolt().View(func(tx *bolt.Tx) error {
		return json.Unmarshal(tx.Bucket([]byte("audit")).Get(binary.BigEndian.AppendUint64(nil, head.Seq)), &last)
	})
	if err != nil {
		t.Fatal(err)
	}
	if e := last.Entry; e.Action != mediation.AuditBackupRead || e.Actor != "u:"+adminID(t, s.app) {
		t.Errorf("last audit entry after a download: %+v", e)
	}
}

func adminID(t *testing.T, a *testApp) string {
	t.Helper()
	u, err := a.DB.UserByName("admin")
	if err != nil {
		t.Fatal(err)
	}
	return u.ID.String()
}

// sendJSON is client.do for other goroutines than the test's: it reports
// errors instead of failing the test.
func sendJSON(c *client, method, path string, body any) (int, []byte, error) {
	j, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(method, c.app.HTTP.URL+path, bytes.NewReader(j))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// allSubmissions lists every submission of a case c may see, page by page.
func allSubmissions(t *testing.T, c *client, caseID string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for {
		var l listOf[submissionJSON]
		c.mustJSON("GET", "/api/v1/cases/"+caseID+"/submissions?limit=200&cursor="+cursor, nil, http.StatusOK, &l)
		for _, s := range l.Items {
			ids = append(ids, s.ID)
		}
		if l.NextCursor == "" {
			return ids
		}
		cursor = l.NextCursor
	}
}

// TestRestoreBackupTakenUnderLoad takes a backup through the API while eight
// clients keep adding parties and submissions, restores it the way the README
// says (the verified copy becomes the database file of a server), and checks
// that every record answered 201 before the download began is there, and that
// who may see what is unchanged.
func TestRestoreBackupTakenUnderLoad(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	casePath := "/api/v1/cases/" + s.caseA

	var mu sync.Mutex
	var created []string // submissions answered 201, in order
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				status, raw, err := sendJSON(s.mediator, "POST", casePath+"/parties", map[string]string{
					"name": fmt.Sprintf("邻居%d-%d", i, n), "kind": "person", "side": "third_party"})
				if err != nil || status != http.StatusCreated {
					t.Errorf("add party: %d %v %s", status, err, raw)
					return
				}
				var p partyCreated
				json.Unmarshal(raw, &p)
				status, raw, err = sendJSON(s.mediator, "POST", casePath+"/submissions", map[string]string{
					"party_id": p.ID, "kind": "position", "body": fmt.Sprintf("第 %d-%d 号意见：请保持安静。", i, n)})
				if err != nil || status != http.StatusCreated {
					t.Errorf("add submission: %d %v %s", status, err, raw)
					return
				}
				var sub idOnly
				json.Unmarshal(raw, &sub)
				mu.Lock()
				created = append(created, sub.ID)
				mu.Unlock()
			}
		}()
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(created) }
	for deadline := time.Now().Add(30 * time.Second); count() < 40 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	before := slices.Clone(created)
	mu.Unlock()
	resp, raw := download(t, s.admin)
	close(stop)
	wg.Wait()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download: %d %s", resp.StatusCode, raw)
	}
	if len(before) < 40 {
		t.Fatalf("only %d submissions before the backup", len(before))
	}
	t.Logf("%d submissions before the download began, %d when the load stopped", len(before), count())

	// Restore: the server is stopped, the verified copy becomes its file.
	path := filepath.Join(t.TempDir(), "restored.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.VerifyBackup(path); err != nil {
		t.Fatalf("the copy does not verify: %v", err)
	}
	r := &testApp{t: t, path: path}
	r.start()
	t.Cleanup(func() {
		r.stop()
		if _, err := store.VerifyBackup(path); err != nil {
			t.Errorf("the restored file after use: %v", err)
		}
	})

	login := func(username string) *client {
		c := r.client()
		c.mustJSON("POST", "/api/v1/login", map[string]string{"username": username, "password": "pw-" + username + "-密码"},
			http.StatusOK, nil)
		return c
	}
	mediator := login("wang")
	got := allSubmissions(t, mediator, s.caseA)
	mu.Lock()
	known := append([]string{s.subA1, s.subA2}, created...)
	mu.Unlock()
	for _, id := range append([]string{s.subA1, s.subA2}, before...) {
		if !slices.Contains(got, id) {
			t.Errorf("submission %s, answered 201 before the backup began, is not in the restored copy", id)
		}
	}
	for _, id := range got {
		if !slices.Contains(known, id) {
			t.Errorf("the restored copy has submission %s, which no one created", id)
		}
	}

	// Who may see what is rebuilt from the restored file.
	a1 := r.party(s.tokenA1)
	if got := allSubmissions(t, a1, s.caseA); !slices.Equal(got, []string{s.subA1}) {
		t.Errorf("party A1 on the restored server sees %v, want only its own %s", got, s.subA1)
	}
	if status, _ := a1.do("GET", casePath+"/submissions/"+s.subA2, nil); status != http.StatusNotFound {
		t.Errorf("party A1 reads A2's submission on the restored server: %d", status)
	}
	b1 := r.party(s.tokenB1)
	if got := allSubmissions(t, b1, s.caseB); !slices.Equal(got, []string{s.subB1}) {
		t.Errorf("party B1 on the restored server sees %v", got)
	}
	if status, _ := b1.do("GET", casePath+"/submissions", nil); status != http.StatusNotFound {
		t.Errorf("party B1 lists case A's submissions on the restored server: %d", status)
	}
	if status, _ := login("li.jianguo").do("GET", casePath, nil); status != http.StatusNotFound {
		t.Errorf("the unassigned mediator reads case A on the restored server: %d", status)
	}
	admin := login("admin")
	if status, _ := admin.do("GET", casePath+"/submissions", nil); status != http.StatusForbidden {
		t.Errorf("the admin lists submissions on the restored server: %d", status)
	}
}
