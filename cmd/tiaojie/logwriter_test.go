package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Every line written reaches the output whole and in order, by the interval
// while running and at once on Close.
func TestLogWriter(t *testing.T) {
	var out lockedBuffer
	lw := newLogWriter(&out, 20*time.Millisecond)
	var want strings.Builder
	for i := range 1000 {
		line := fmt.Sprintf("line %d\n", i)
		want.WriteString(line)
		lw.Write([]byte(line))
	}
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != want.String() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if out.String() != want.String() {
		t.Fatalf("after the interval the output holds %d of %d bytes", len(out.String()), want.Len())
	}
	lw.Write([]byte("last\n"))
	lw.Close()
	if !strings.HasSuffix(out.String(), "line 999\nlast\n") {
		t.Fatalf("Close did not write the last line: %q", out.String()[max(0, len(out.String())-40):])
	}
}

// stuckWriter takes nothing until released, as a full pipe or a hung disk.
type stuckWriter struct {
	release chan struct{}
	lockedBuffer
}

func (s *stuckWriter) Write(p []byte) (int, error) {
	<-s.release
	return s.lockedBuffer.Write(p)
}

// When the output stops taking lines, writing one still never waits: the
// buffer stops at its bound, newer lines are dropped, and the output is told
// how many once it takes lines again.
func TestLogWriterDropsRatherThanWaits(t *testing.T) {
	out := &stuckWriter{release: make(chan struct{})}
	lw := newLogWriter(out, time.Millisecond)
	line := []byte(strings.Repeat("x", 1023) + "\n")
	first := make([]byte, logFlushAt)
	lw.Write(first) // kicks a flush, which sticks in the output
	written := make(chan struct{})
	go func() {
		defer close(written)
		for range 2 * logMaxHeld / len(line) {
			lw.Write(line)
		}
	}()
	select {
	case <-written:
	case <-time.After(10 * time.Second):
		close(out.release)
		t.Fatal("writing lines waited for the stuck output")
	}
	close(out.release)
	lw.Close()
	got := out.String()
	n := strings.Count(got, string(line))
	dropped := 2*logMaxHeld/len(line) - n
	if dropped <= 0 || n == 0 {
		t.Fatalf("%d lines kept, %d dropped: want the buffer's bound kept and the rest dropped", n, dropped)
	}
	if want := fmt.Sprintf("log: %d lines dropped: the log output did not keep up\n", dropped); !strings.Contains(got, want) {
		t.Errorf("the output does not say %q", want)
	}
	// Held at most: the flush stuck in the output, itself within the bound,
	// and the buffer filled up to the bound behind it.
	if len(got) > 2*logMaxHeld+200 {
		t.Errorf("%d bytes reached the output, more than the stuck flush and the buffer behind it can hold (%d)", len(got), 2*logMaxHeld)
	}
}
