package web_test

import (
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tiaojie/internal/evidence/evidencetest"
	"tiaojie/internal/mediation"
)

// heapPeak samples the live heap every millisecond while it runs and keeps
// the highest value seen.
type heapPeak struct {
	max  atomic.Uint64
	stop chan struct{}
	done sync.WaitGroup
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startHeapPeak() *heapPeak {
	p := &heapPeak{stop: make(chan struct{})}
	p.max.Store(heapNow())
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				if h := heapNow(); h > p.max.Load() {
					p.max.Store(h)
				}
			}
		}
	}()
	return p
}

func (p *heapPeak) end() uint64 { close(p.stop); p.done.Wait(); return p.max.Load() }

// cpuTime is the processor time the process has used, user and system: on a
// machine shared with other work it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAttachPhoto is the upload path of a phone's photo, end to end: a
// 12-megapixel JPEG of about 4 MB, with EXIF and turned sideways (orientation
// 6), posted by its party through the HTTP API to a real store, decoded,
// turned, re-encoded with its preview and committed with its audit entry.
// Each upload is a different photo (content is stored once by its hash).
// It reports the time and bytes allocated per upload (the whole process:
// client and server), and the live heap's peak above its level before the
// upload (peak-heap-MB, the largest of the uploads), and the processor time
// per upload (cpu-ms/op), which a busy machine does not inflate as it does
// the wall clock.
func BenchmarkAttachPhoto(b *testing.B) {
	s := newScene(b)
	s.app.attachmentQuota = 1 << 40
	s.app.restart()
	var sub string
	var sent int
	var peak uint64
	var cpu time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		photo := evidencetest.PhonePhoto(evidencetest.Frame(4000, 3000, uint64(i+1)), 88, 6)
		sent = len(photo)
		if i%mediation.MaxAttachments == 0 {
			var out idOnly
			s.a1.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "evidence",
				"body": "照片。"}, http.StatusCreated, &out)
			sub = out.ID
		}
		body, ct := multipartFile(b, "IMG.jpg", "image/jpeg", photo, nil)
		photo = nil
		runtime.GC()
		base := heapNow()
		p := startHeapPeak()
		c0 := cpuTime()
		b.StartTimer()
		resp, raw := s.a1.send(b, http.MethodPost, "/api/v1/cases/"+s.caseA+"/submissions/"+sub+"/attachments", body, ct)
		b.StopTimer()
		cpu += cpuTime() - c0
		if top := p.end(); top > base && top-base > peak {
			peak = top - base
		}
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("upload: %d %s", resp.StatusCode, raw)
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(sent)/1e6, "MB-sent")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}
