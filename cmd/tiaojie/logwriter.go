package main

import (
	"io"
	"strconv"
	"sync"
	"time"
)

// logWriter buffers the log on its way to w, so that the line every request
// writes costs a copy rather than a system call under the log's lock. A
// goroutine writes the buffer out every interval (and at once when it grows
// past flushAt); Close writes what is left. If w stops taking lines, the
// buffer stops growing at maxHeld and newer lines are dropped and counted,
// rather than holding requests up.
type logWriter struct {
	w        io.Writer
	interval time.Duration

	mu      sync.Mutex
	buf     []byte
	dropped int
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

const (
	logFlushAt = 64 << 10
	logMaxHeld = 4 << 20
)

func newLogWriter(w io.Writer, interval time.Duration) *logWriter {
	l := &logWriter{w: w, interval: interval, kick: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	go l.run()
	return l
}

// Write takes a copy of p; it never waits for w.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	if len(l.buf)+len(p) > logMaxHeld {
		l.dropped++
	} else {
		l.buf = append(l.buf, p...)
	}
	full := len(l.buf) >= logFlushAt
	l.mu.Unlock()
	if full {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

func (l *logWriter) run() {
	defer close(l.done)
	t := time.NewTicker(l.interval)
	defer t.Stop()
	var spare []byte
	for {
		select {
		case <-l.stop:
			l.flush(&spare)
			return
		case <-t.C:
		case <-l.kick:
		}
		l.flush(&spare)
	}
}

// flush writes the buffer out, swapping it with spare so that writers go on
// appending meanwhile.
func (l *logWriter) flush(spare *[]byte) {
	l.mu.Lock()
	out, dropped := l.buf, l.dropped
	l.buf, l.dropped = (*spare)[:0], 0
	l.mu.Unlock()
	if dropped > 0 {
		out = append(out, []byte("log: "+strconv.Itoa(dropped)+" lines dropped: the log output did not keep up\n")...)
	}
	if len(out) > 0 {
		l.w.Write(out)
	}
	*spare = out
}

// Close writes what is buffered and stops.
func (l *logWriter) Close() error {
	close(l.stop)
	<-l.done
	return nil
}
