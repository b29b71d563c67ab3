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
