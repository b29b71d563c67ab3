package web

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzhttp/writer"
	"github.com/klauspost/compress/gzip"
	"github.com/prometheus/client_golang/prometheus"
)

// compressMin is the smallest answer worth compressing: one that already
// fits a packet gains nothing.
const compressMin = 1024

// compression wraps the server in gzip for pages, JSON and CSS, outside
// everything else so that what the idempotency keys record is the answer
// itself. klauspost/compress's gzip at its fastest level: the standard
// library's, even at its fastest, spent a sixth of a party's list answer
// compressing. An answer sent again byte for byte is not compressed again
// (gzipCache). What noGzip names is sent as it is.
func compression(cache *gzipCache) (func(http.Handler) http.Handler, error) {
	wrap, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.BestSpeed), gzhttp.MinSize(compressMin),
		gzhttp.EnableZstd(false), gzhttp.Implementation(cache.factory()))
	if err != nil {
		return nil, fmt.Errorf("web: compression: %w", err)
	}
	return func(h http.Handler) http.Handler {
		gz := wrap(h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if noGzip(r.URL.Path) {
				h.ServeHTTP(w, r)
				return
			}
			gz.ServeHTTP(w, r)
		})
	}, nil
}

// noGzip leaves uncompressed what is streamed or read by machines that may
// not ask for it: the backup (a database file, sent with its length), the
// calendar feeds, the metrics, and the icon (already compressed).
func noGzip(p string) bool {
	return p == "/api/v1/admin/backup" || p == "/metrics" || p == "/favicon.ico" ||
		strings.HasPrefix(p, "/feeds/") || strings.HasSuffix(p, ".ics")
}

// A gzipCache keeps the compressed form of answers that are sent again as
// they were: a resident's list asked for again before anything in it
// changed, a page reloaded. An answer is found by its hash and then compared
// whole, so the cache can only ever give an answer's own compressed bytes;
// there is nothing to invalidate, and a changed answer is simply another
// entry. An answer is kept the second time it is compressed, so that what is
// sent once (a page carrying a fresh CSRF token) does not push out what is
// sent often. Compressing a party's 7 KB list took a sixth of the server's
// processor; finding it here hashes it once.
type gzipCache struct {
	mu      sync.RWMutex
	answers map[uint64]*gzipped
	size    int // bytes held by answers
	max     int
	// once holds the hashes of answers compressed once and not kept; it
	// is emptied when full.
	once map[uint64]struct{}
	seed maphash.Seed

	hits, misses atomic.Uint64
}

// gzipped is an answer and its compressed form.
type gzipped struct{ answer, z []byte }

const (
	// gzipCacheBytes bounds what the cache holds.
	gzipCacheBytes = 8 << 20
	// gzipCacheLargest is the largest answer kept (a mediator's case page
	// of 50 submissions is some 80 KB); a larger one is compressed as it is
	// written, not held whole first.
	gzipCacheLargest = 128 << 10
	// gzipOnceMax bounds the hashes of answers seen once.
	gzipOnceMax = 1 << 14
)

func newGzipCache() *gzipCache {
	return &gzipCache{answers: make(map[uint64]*gzipped), max: gzipCacheBytes,
		once: make(map[uint64]struct{}), seed: maphash.MakeSeed()}
}

// lookup is the answer's hash, and its compressed form if kept.
func (c *gzipCache) lookup(answer []byte) (h uint64, z []byte, ok bool) {
	h = maphash.Bytes(c.seed, answer)
	c.mu.RLock()
	e := c.answers[h]
	c.mu.RUnlock()
	if e == nil || !bytes.Equal(e.answer, answer) {
		return h, nil, false
	}
	return h, e.z, true
}

// offer keeps the compressed form z of the answer of hash h if the answer
// was compressed before, making room by letting other answers go.
func (c *gzipCache) offer(h uint64, answer, z []byte) {
	need := len(answer) + len(z)
	if need > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, seen := c.once[h]; !seen {
		if len(c.once) >= gzipOnceMax {
			clear(c.once)
		}
		c.once[h] = struct{}{}
		return
	}
	delete(c.once, h)
	if old := c.answers[h]; old != nil { // kept meanwhile, or another answer of the same hash
		delete(c.answers, h)
		c.size -= len(old.answer) + len(old.z)
	}
	for k, e := range c.answers { // map order: an arbitrary one goes
		if c.size+need <= c.max {
			break
		}
		delete(c.answers, k)
		c.size -= len(e.answer) + len(e.z)
	}
	c.answers[h] = &gzipped{answer: bytes.Clone(answer), z: bytes.Clone(z)}
	c.size += need
}

var gzipCacheDesc = prometheus.NewDesc("tiaojie_gzip_answers_total",
	"Compressed answers sent, by whether their compressed form was kept from an identical earlier answer (kept) or made for this one (compressed).",
	[]string{"from"}, nil)

// Describe and Collect make the cache a collector of /metrics.
func (c *gzipCache) Describe(ch chan<- *prometheus.Desc) { ch <- gzipCacheDesc }

func (c *gzipCache) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(gzipCacheDesc, prometheus.CounterValue, float64(c.hits.Load()), "kept")
	ch <- prometheus.MustNewConstMetric(gzipCacheDesc, prometheus.CounterValue, float64(c.misses.Load()), "compressed")
}

// factory is the gzip writer gzhttp compresses an answer with: one that
// holds the answer until it is closed, then sends its kept compressed form
// or compresses it.
func (c *gzipCache) factory() writer.GzipWriterFactory {
	return writer.GzipWriterFactory{
		Levels: func() (int, int) { return gzip.BestSpeed, gzip.BestSpeed },
		New: func(w io.Writer, level int) writer.GzipWriter {
			cw := cachingWriters.Get().(*cachingWriter)
			cw.cache, cw.w = c, w
			return cw
		},
	}
}

// A cachingWriter holds an answer being written. One flushed or grown past
// gzipCacheLargest is compressed as it comes from then on, and not kept.
type cachingWriter struct {
	cache *gzipCache
	w     io.Writer
	buf   []byte
	gz    *gzip.Writer // compressing as it comes
	out   bytes.Buffer // a held answer's compressed form
}

var (
	cachingWriters = sync.Pool{New: func() any { return new(cachingWriter) }}
	gzipWriters    = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // a valid level: no error
		return w
	}}
)

func (cw *cachingWriter) Write(p []byte) (int, error) {
	if cw.gz == nil && len(cw.buf)+len(p) > gzipCacheLargest {
		if err := cw.stream(); err != nil {
			return 0, err
		}
	}
	if cw.gz != nil {
		return cw.gz.Write(p)
	}
	cw.buf = append(cw.buf, p...)
	return len(p), nil
}

// stream compresses what is held to the client and all that follows.
func (cw *cachingWriter) stream() error {
	cw.gz = gzipWriters.Get().(*gzip.Writer)
	cw.gz.Reset(cw.w)
	_, err := cw.gz.Write(cw.buf)
	cw.buf = cw.buf[:0]
	return err
}

func (cw *cachingWriter) Flush() error {
	if cw.gz == nil {
		if err := cw.stream(); err != nil {
			return err
		}
	}
	return cw.gz.Flush()
}

// Close sends the held answer, compressed, and lets the writer go.
func (cw *cachingWriter) Close() error {
	defer cw.release()
	if cw.gz != nil {
		cw.cache.misses.Add(1)
		return cw.gz.Close()
	}
	h, z, ok := cw.cache.lookup(cw.buf)
	if ok {
		cw.cache.hits.Add(1)
		_, err := cw.w.Write(z)
		return err
	}
	cw.cache.misses.Add(1)
	gz := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(gz)
	cw.out.Reset()
	gz.Reset(&cw.out)
	if _, err := gz.Write(cw.buf); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	z = cw.out.Bytes()
	cw.cache.offer(h, cw.buf, z)
	_, err := cw.w.Write(z)
	return err
}

func (cw *cachingWriter) release() {
	if cw.gz != nil {
		gzipWriters.Put(cw.gz)
	}
	cw.cache, cw.w, cw.gz, cw.buf = nil, nil, nil, cw.buf[:0]
	if cap(cw.buf) > gzipCacheLargest || cw.out.Cap() > gzipCacheLargest {
		return // grown for a long answer: let it go
	}
	cachingWriters.Put(cw)
}
