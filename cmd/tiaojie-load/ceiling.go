package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	bolt "go.etcd.io/bbolt"
)

// ceilingEnv names the file of captured answers when the harness runs as the
// ceiling server.
const ceilingEnv = "TIAOJIE_LOAD_CEILING"

// serveCeiling is the bare echo server: each captured answer, byte for byte
// (status, headers, body), at its method and path, and nothing else.
func serveCeiling(file, addr string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var answers []captured
	if err := json.Unmarshal(b, &answers); err != nil {
		return err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	for _, a := range answers {
		header := a.Header.Clone()
		header.Del("Date")
		header.Set("Content-Length", strconv.Itoa(len(a.Body)))
		e.Add(a.Method, a.Path, func(c echo.Context) error {
			h := c.Response().Header()
			for k, vs := range header {
				h[k] = vs
			}
			c.Response().WriteHeader(a.Status)
			_, err := c.Response().Write(a.Body)
			return err
		})
	}
	return e.Start(addr)
}

// startCeiling runs this program again as the ceiling server, in its own
// process as the real server is, on the answers in file.
func startCeiling(dir string, answers []captured, timeout time.Duration) (*process, error) {
	file := filepath.Join(dir, "ceiling.json")
	b, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	logf, err := os.Create(filepath.Join(dir, "ceiling.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "--ceiling-addr", addr)
	cmd.Env = append(os.Environ(), ceilingEnv+"="+file)
	cmd.Stdout, cmd.Stderr = logf, logf
	p := &process{cmd: cmd, base: "http://" + addr, log: logf, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(p.done) }()
	track(p)
	deadline := time.Now().Add(timeout)
	probe := answers[0]
	for time.Now().Before(deadline) {
		if probe.Method == http.MethodGet {
			if res, err := http.Get(p.base + probe.Path); err == nil {
				res.Body.Close()
				return p, nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	return nil, errors.New("the ceiling server did not start")
}

// rawBatch is the write ceiling: writers goroutines, each putting one value
// of size bytes under a new big-endian key in its own DB.Batch call, as fast
// as they are acknowledged, for d. It answers the acknowledged puts per
// second and the percentiles of each call's wait.
func rawBatch(path string, writers, size int, d time.Duration) (Run, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return Run{}, err
	}
	defer db.Close()
	name := []byte("submissions")
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(name)
		return err
	}); err != nil {
		return Run{}, err
	}
	value := make([]byte, size)
	for i := range value {
		value[i] = 'a' + byte(i%26)
	}
	var (
		ok, errs atomic.Uint64
		commits  atomic.Uint64
		lastTx   atomic.Int64 // the transaction the last put was in
		mu       sync.Mutex
		lat      []time.Duration
		wg       sync.WaitGroup
	)
	began := time.Now()
	deadline := began.Add(d)
	for range writers {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t := time.Now()
				err := db.Batch(func(tx *bolt.Tx) error {
					// DB.Batch runs a transaction's functions one after another.
					if id := int64(tx.ID()); lastTx.Swap(id) != id {
						commits.Add(1)
					}
					b := tx.Bucket(name)
					seq, err := b.NextSequence()
					if err != nil {
						return err
					}
					return b.Put(binary.BigEndian.AppendUint64(nil, seq), value)
				})
				mine = append(mine, time.Since(t))
				if err != nil {
					errs.Add(1)
				} else {
					ok.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	r := Run{Requests: ok.Load() + errs.Load(), Errors: errs.Load(), Rate: float64(ok.Load()) / elapsed.Seconds(),
		Commits: commits.Load()}
	r.P50, r.P90, r.P99 = quantile(lat, 0.50), quantile(lat, 0.90), quantile(lat, 0.99)
	if r.Requests == 0 {
		return r, fmt.Errorf("raw batch: no writes in %s", d)
	}
	return r, nil
}
