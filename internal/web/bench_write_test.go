package web_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkCreateVsRawBatch is the write of cmd/tiaojie-load in process:
// parties of 16 cases create submissions over 64 keep-alive connections of
// real HTTP on the loopback, each acknowledged after its commit's fsync, and
// then raw bbolt DB.Batch, on a file of its own, from 64 writers putting
// values of the stored submission's size, as many as the server created. It
// reports both rates and their ratio (ratio, the target is ≥ 1.0), measured
// in the same run. Profile the server's side with -cpuprofile, -blockprofile
// and -mutexprofile; the raw part runs with the timer stopped.
func BenchmarkCreateVsRawBatch(b *testing.B) {
	const writers, cases = 64, 16
	s := newScene(b)
	cookies := make([]string, cases)
	var caseIDs []string
	for i := range cases {
		var cs idOnly
		s.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": fmt.Sprint("车位纠纷 ", i), "category": "parking",
			"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)
		var p partyCreated
		s.mediator.mustJSON("POST", "/api/v1/cases/"+cs.ID+"/parties", map[string]string{"name": fmt.Sprint("赵明", i),
			"kind": "person", "side": "applicant"}, http.StatusCreated, &p)
		cookies[i] = cookieOf(b, s.app.party(p.Invitation.Token))
		caseIDs = append(caseIDs, cs.ID)
	}
	const text = "车位是我 2024 年买下的，有购买合同和产权证明。对方的车一直停在里面，我每天只能停在路边，还被贴过罚单。希望对方本周内把车挪走，并赔偿停车费用。"
	bodies := make([][]byte, writers)
	for i := range bodies {
		bodies[i] = fmt.Appendf(nil, `{"kind":"proposal","body":"（%d）%s"}`, i, text)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: writers, MaxConnsPerHost: writers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := s.app.HTTP.URL

	var next atomic.Int64
	var wg sync.WaitGroup
	before := s.app.DB.GroupFigures()
	stBefore, err := s.app.DB.Stats()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	began := time.Now()
	for w := range writers {
		wg.Go(func() {
			path := url + "/api/v1/cases/" + caseIDs[w%cases] + "/submissions"
			for next.Add(1) <= int64(b.N) {
				req, _ := http.NewRequest(http.MethodPost, path, bytes.NewReader(bodies[w]))
				req.Header.Set("Cookie", cookies[w%cases])
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusCreated {
					b.Errorf("create: %d %v", resp.StatusCode, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	server := float64(b.N) / elapsed.Seconds()
	b.StopTimer()
	g := s.app.DB.GroupFigures().Minus(before)
	st, err := s.app.DB.Stats()
	if err != nil {
		b.Fatal(err)
	}

	size := 0
	if err := s.app.DB.Bolt().View(func(tx *bolt.Tx) error {
		_, v := tx.Bucket([]byte("submissions")).Cursor().Last()
		size = len(v)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	raw := rawBatchRate(b, filepath.Join(b.TempDir(), "raw.db"), writers, size, b.N)
	b.ReportMetric(server, "writes/s")
	b.ReportMetric(raw, "raw-writes/s")
	b.ReportMetric(server/raw, "ratio")
	b.ReportMetric(float64(g.Mutations)/float64(g.Transactions), "mutations/commit")
	b.Logf("%d creates: %.0f/s over HTTP, raw DB.Batch %.0f/s (%d writers, %d-byte values): ratio %.3f",
		b.N, server, raw, writers, size, server/raw)
	b.Logf("committer: %d transactions, %.1f mutations each; in write transactions %.0f%% of the time (mutations %.0f%%, %.1f µs each; commit and fsync %.0f%%, %.2f ms each)",
		g.Transactions, float64(g.Mutations)/float64(g.Transactions), 100*g.InTx.Seconds()/elapsed.Seconds(),
		100*g.InMutations.Seconds()/elapsed.Seconds(), g.InMutations.Seconds()*1e6/float64(g.Mutations),
		100*(g.InTx-g.InMutations).Seconds()/elapsed.Seconds(), (g.InTx-g.InMutations).Seconds()*1e3/float64(g.Transactions))
	txs := float64(g.Transactions)
	b.Logf("bbolt a commit: %.1f pages written in %.2f ms (writes and fsyncs), spilling %.2f ms; file %d KiB",
		float64(st.Writes-stBefore.Writes)/txs, (st.WriteTime-stBefore.WriteTime).Seconds()*1e3/txs,
		(st.SpillTime-stBefore.SpillTime).Seconds()*1e3/txs, st.Size>>10)
}

// rawBatchRate puts n values of size bytes with bbolt's DB.Batch from writers
// goroutines, each under a new big-endian key, and answers the puts a second.
func rawBatchRate(b *testing.B, path string, writers, size, n int) float64 {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	name := []byte("submissions")
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(name); return err }); err != nil {
		b.Fatal(err)
	}
	value := bytes.Repeat([]byte("x"), size)
	var next atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	for range writers {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				err := db.Batch(func(tx *bolt.Tx) error {
					bk := tx.Bucket(name)
					seq, err := bk.NextSequence()
					if err != nil {
						return err
					}
					return bk.Put(binary.BigEndian.AppendUint64(nil, seq), value)
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(n) / time.Since(began).Seconds()
}
