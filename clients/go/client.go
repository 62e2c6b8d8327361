// Package sidetone sends telephony events to a sidetone sidecar (`sidetone serve`), with the
// standard library only: one struct per event type (events.go, generated from the event JSON
// Schemas), batching by count, bytes and time, retries that never count twice (every event
// carries an id the sidecar dedupes on), backpressure on 429/503 with Retry-After, and a bounded
// buffer whose overflow is counted.
//
//	c, err := sidetone.New(sidetone.Config{URL: "http://127.0.0.1:9464", Token: token})
//	if err != nil { ... }
//	defer c.Close(context.Background())
//	c.Emit(sidetone.CallStarted{CallID: "c1", Direction: "inbound", Channel: "sip"})
package sidetone

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Event is one of the generated event types (events.go).
type Event interface {
	EventType() string
	meta() Meta
}

// Meta holds the fields every event may carry. All are optional: Emit fills in ID and TS, and
// writes them (not encoding/json, hence the "-" tags) as "id", "ts" and "source".
type Meta struct {
	// TS is when it happened; zero: the time of Emit (not of sending: a batch may wait).
	TS time.Time `json:"-"`
	// Source names the emitting system, for logs.
	Source string `json:"-"`
	// ID is the id the sidecar dedupes retries on; empty: a new random UUID.
	ID string `json:"-"`
}

func (m Meta) meta() Meta { return m }

// Config holds a client's settings. Zero values take the defaults shown.
type Config struct {
	// URL of the sidecar; events go to POST {URL}/events. Default http://127.0.0.1:9464.
	URL string
	// Token from the sidecar's auth.ingest_tokens, when it has any.
	Token string
	// MaxBatch is the most events in one request. Default 500.
	MaxBatch int
	// MaxBatchBytes is the most bytes in one request (the sidecar's limit is 1 MiB). Default 512 KiB.
	MaxBatchBytes int
	// FlushInterval is how long the oldest buffered event waits for a batch to fill. Default 1s.
	FlushInterval time.Duration
	// MaxBuffer is how many events are held while the sidecar is slow or down; past it Emit
	// refuses the newest event and counts it in Stats.Overflow. Default 10000.
	MaxBuffer int
	// Timeout of one request. Default 10s.
	Timeout time.Duration
	// BackoffBase and BackoffMax bound the wait between retries when the sidecar gives no
	// Retry-After: BackoffBase doubling per attempt up to BackoffMax, with jitter. Default 0.5s, 30s.
	BackoffBase, BackoffMax time.Duration
	// RetryAfterMax caps a Retry-After the sidecar asks for. Default 300s.
	RetryAfterMax time.Duration
	// Logger for retries, refusals and drops. Default log.Default(); log.New(io.Discard, "", 0) silences.
	Logger *log.Logger
	// HTTPClient sends the requests. Default a client with Timeout.
	HTTPClient *http.Client
}

// Stats counts what happened to the events given to a client.
type Stats struct {
	Emitted    int64 // taken into the buffer
	Accepted   int64 // acknowledged as stored by the sidecar (duplicates included)
	Duplicates int64 // of those, ids it already had: a retry whose first answer was lost
	Rejected   int64 // refused by the sidecar as invalid (logged with field paths)
	Overflow   int64 // not taken: the buffer was full (the newest event is the one refused)
	Dropped    int64 // given up: 401/403/404/415, too large alone, unencodable, or unsent at Close
	Retries    int64 // requests sent again after a network error, 408, 429, 5xx or 413
	// LastRejections holds the last refusals (at most 20).
	LastRejections []Rejection
	// LastError is the last error that made a batch wait or be dropped.
	LastError string
}

// Rejection is one refused event: its type, the field path and why.
type Rejection struct{ Type, Path, Message string }

type item struct {
	eventType string
	data      []byte
	at        time.Time
}

// Client sends events from any goroutine; batches leave one at a time from a goroutine of its own.
type Client struct {
	cfg      Config
	endpoint string
	log      *log.Logger
	http     *http.Client

	mu       sync.Mutex
	items    []item
	stats    Stats
	attempt  int
	retryAt  time.Time
	limit    int
	flushing int
	closed   bool
	changed  chan struct{} // closed and replaced whenever a batch is settled
	wake     chan struct{}
	stop     context.CancelFunc
	ctx      context.Context
	finished chan struct{}
}

// New starts a client. It checks the configuration only: the sidecar may be down at first.
func New(cfg Config) (*Client, error) {
	if cfg.URL == "" {
		cfg.URL = "http://127.0.0.1:9464"
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sidetone: URL must be http(s)://host[:port], got %q", cfg.URL)
	}
	setDefault(&cfg.MaxBatch, 500)
	setDefault(&cfg.MaxBatchBytes, 512*1024)
	setDefault(&cfg.MaxBuffer, 10000)
	setDefault(&cfg.FlushInterval, time.Second)
	setDefault(&cfg.Timeout, 10*time.Second)
	setDefault(&cfg.BackoffBase, 500*time.Millisecond)
	setDefault(&cfg.BackoffMax, 30*time.Second)
	setDefault(&cfg.RetryAfterMax, 300*time.Second)
	if cfg.MaxBatch < 0 || cfg.MaxBatchBytes < 0 || cfg.MaxBuffer < 0 || cfg.FlushInterval < 0 || cfg.Timeout < 0 {
		return nil, errors.New("sidetone: batch sizes, buffer, interval and timeout must be positive")
	}
	c := &Client{
		cfg:      cfg,
		endpoint: strings.TrimSuffix(u.String(), "/") + "/events",
		log:      cfg.Logger,
		http:     cfg.HTTPClient,
		limit:    cfg.MaxBatch,
		changed:  make(chan struct{}),
		wake:     make(chan struct{}, 1),
		finished: make(chan struct{}),
	}
	if c.log == nil {
		c.log = log.Default()
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: cfg.Timeout}
	}
	c.ctx, c.stop = context.WithCancel(context.Background())
	go c.run()
	return c, nil
}

func setDefault[T int | time.Duration](v *T, d T) {
	if *v == 0 {
		*v = d
	}
}

// Emit queues one event and returns its id; ok is false when it was refused (buffer full,
// client closed, or the event cannot be encoded), each counted in Stats.
func (c *Client) Emit(ev Event) (id string, ok bool) {
	m := ev.meta()
	id = m.ID
	if id == "" {
		id = newUUID()
	}
	ts := m.TS
	if ts.IsZero() {
		ts = time.Now()
	}
	data, err := encode(ev, id, ts.UnixMilli(), m.Source)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err != nil:
		c.stats.Dropped++
		c.stats.LastError = err.Error()
		return "", false
	case c.closed:
		c.stats.Dropped++
		return "", false
	case len(c.items) >= c.cfg.MaxBuffer:
		c.stats.Overflow++
		return "", false
	}
	c.items = append(c.items, item{ev.EventType(), data, time.Now()})
	c.stats.Emitted++
	// Wake the sender for a first event (to start the interval) and for a full batch.
	if len(c.items) == 1 || len(c.items) >= c.limit {
		c.poke()
	}
	return id, true
}

// encode writes the event with "type", "id", "ts" and "source" first, then its own fields.
func encode(ev Event, id string, ts int64, source string) ([]byte, error) {
	fields, err := json.Marshal(ev)
	if err != nil || len(fields) < 2 || fields[0] != '{' {
		return nil, fmt.Errorf("sidetone: %s cannot be encoded: %v", ev.EventType(), err)
	}
	var b bytes.Buffer
	head, _ := json.Marshal(struct {
		Type   string `json:"type"`
		ID     string `json:"id"`
		TS     int64  `json:"ts"`
		Source string `json:"source,omitempty"`
	}{ev.EventType(), id, ts, source})
	b.Write(head[:len(head)-1])
	if len(fields) > 2 {
		b.WriteByte(',')
	}
	b.Write(fields[1:])
	return b.Bytes(), nil
}

// Flush sends everything buffered now and waits until the sidecar has answered for all of it,
// or ctx ends (its error is returned then).
func (c *Client) Flush(ctx context.Context) error {
	c.mu.Lock()
	c.flushing++
	c.poke()
	defer func() {
		c.mu.Lock()
		c.flushing--
		c.mu.Unlock()
	}()
	for {
		if len(c.items) == 0 {
			c.mu.Unlock()
			return nil
		}
		if c.closed {
			c.mu.Unlock()
			return errors.New("sidetone: client closed")
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
		c.mu.Lock()
	}
}

// Close flushes until ctx ends, then stops; events still unsent are counted in Stats.Dropped.
func (c *Client) Close(ctx context.Context) error {
	err := c.Flush(ctx)
	c.mu.Lock()
	c.closed = true
	c.poke()
	c.mu.Unlock()
	c.stop()
	<-c.finished
	c.mu.Lock()
	if n := len(c.items); n > 0 {
		c.dropLocked(n, "closed with events unsent")
	}
	c.mu.Unlock()
	return err
}

// Stats returns a copy of the counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.LastRejections = append([]Rejection(nil), s.LastRejections...)
	return s
}

func (c *Client) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// due says how long until a batch should leave (0: now); ok is false when nothing is buffered.
func (c *Client) due() (wait time.Duration, ok bool) {
	if len(c.items) == 0 {
		return 0, false
	}
	now := time.Now()
	if now.Before(c.retryAt) {
		return c.retryAt.Sub(now), true
	}
	if c.flushing > 0 || len(c.items) >= c.limit {
		return 0, true
	}
	if w := c.items[0].at.Add(c.cfg.FlushInterval).Sub(now); w > 0 {
		return w, true
	}
	return 0, true
}

func (c *Client) run() {
	defer close(c.finished)
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		wait, ok := c.due()
		if !ok || wait > 0 {
			c.mu.Unlock()
			var t *time.Timer
			var timer <-chan time.Time
			if ok {
				t = time.NewTimer(wait)
				timer = t.C
			}
			select {
			case <-c.wake:
			case <-timer:
			case <-c.ctx.Done():
			}
			if t != nil {
				t.Stop()
			}
			continue
		}
		n, body := c.take()
		c.mu.Unlock()
		status, header, data, err := c.post(body)
		c.mu.Lock()
		c.answered(n, status, header, data, err)
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}
}

// take returns the next batch: as many of the oldest events as the count and byte limits allow.
func (c *Client) take() (int, []byte) {
	var b bytes.Buffer
	b.WriteByte('[')
	n := 0
	for _, it := range c.items {
		if n > 0 && (n >= c.limit || b.Len()+len(it.data)+2 > c.cfg.MaxBatchBytes) {
			break
		}
		if n > 0 {
			b.WriteByte(',')
		}
		b.Write(it.data)
		n++
	}
	b.WriteByte(']')
	return n, b.Bytes()
}

func (c *Client) post(body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(c.ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sidetone-go")
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return 0, nil, nil, err
	}
	return res.StatusCode, res.Header, data, nil
}

type ingestResult struct {
	Accepted   *int64 `json:"accepted"`
	Duplicates int64  `json:"duplicates"`
	Rejected   int64  `json:"rejected"`
	Errors     []struct {
		Index  int `json:"index"`
		Issues []struct {
			Path    string `json:"path"`
			Message string `json:"message"`
		} `json:"issues"`
	} `json:"errors"`
}

// answered settles or reschedules the batch of the n oldest events (err: no answer at all).
func (c *Client) answered(n int, status int, header http.Header, body []byte, err error) {
	var result ingestResult
	if err == nil && (status == 200 || status == 400) && json.Unmarshal(body, &result) == nil && result.Accepted != nil {
		c.settle(n, &result)
		return
	}
	switch {
	case err == nil && status == 413 && n > 1:
		c.limit = max(1, n/2)
		c.stats.Retries++
	case err == nil && status == 413:
		c.dropLocked(n, "413: one event is larger than the sidecar's body limit")
	case err != nil || status == 408 || status == 429 || status >= 500:
		delay, ok := time.Duration(0), false
		if err == nil {
			delay, ok = retryAfter(header.Get("Retry-After"), time.Now())
		}
		if !ok {
			delay = c.cfg.BackoffBase << min(c.attempt, 20)
			if delay > c.cfg.BackoffMax || delay <= 0 {
				delay = c.cfg.BackoffMax
			}
			delay = delay/2 + jitter(delay/2)
		}
		if delay > c.cfg.RetryAfterMax {
			delay = c.cfg.RetryAfterMax
		}
		c.attempt++
		c.retryAt = time.Now().Add(delay)
		c.stats.Retries++
		text := errorText(status, body, err)
		if text != c.stats.LastError {
			c.log.Printf("sidetone: %s; retrying the batch in %s", text, delay.Round(time.Millisecond))
		}
		c.stats.LastError = text
	default:
		c.dropLocked(n, errorText(status, body, nil))
	}
}

func (c *Client) settle(n int, r *ingestResult) {
	batch := c.items[:n]
	for _, e := range r.Errors {
		t := "?"
		if e.Index >= 0 && e.Index < n {
			t = batch[e.Index].eventType
		}
		for _, is := range e.Issues {
			c.log.Printf("sidetone refused a %s event: %s: %s", t, orEvent(is.Path), is.Message)
			c.stats.LastRejections = append(c.stats.LastRejections, Rejection{t, is.Path, is.Message})
		}
	}
	if k := len(c.stats.LastRejections); k > 20 {
		c.stats.LastRejections = append([]Rejection(nil), c.stats.LastRejections[k-20:]...)
	}
	c.items = append(c.items[:0:0], c.items[n:]...)
	c.stats.Accepted += *r.Accepted
	c.stats.Duplicates += r.Duplicates
	c.stats.Rejected += r.Rejected
	c.attempt = 0
	c.retryAt = time.Time{}
	c.limit = min(c.cfg.MaxBatch, max(c.limit, n*2))
}

func (c *Client) dropLocked(n int, why string) {
	c.items = append(c.items[:0:0], c.items[n:]...)
	c.stats.Dropped += int64(n)
	c.stats.LastError = why
	c.log.Printf("sidetone: %s; %d events dropped", why, n)
}

// retryAfter reads delta-seconds or an HTTP date (RFC 9110 10.2.3).
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var secs int64
	if _, err := fmt.Sscanf(v, "%d", &secs); err == nil && fmt.Sprint(secs) == v && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

func errorText(status int, body []byte, err error) string {
	if err != nil {
		return "no answer (" + err.Error() + ")"
	}
	var e struct {
		Error *struct{ Code, Message string } `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != nil {
		return fmt.Sprintf("%d %s: %s", status, e.Error.Code, e.Error.Message)
	}
	return fmt.Sprintf("HTTP %d", status)
}

func orEvent(path string) string {
	if path == "" {
		return "(event)"
	}
	return path
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4 (RFC 9562 5.4)
	b[8] = b[8]&0x3f | 0x80 // variant 10
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return time.Duration(v % uint64(d))
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// Int returns a pointer to v, for optional integer fields.
func Int(v int64) *int64 { return &v }

// Float returns a pointer to v, for optional number fields.
func Float(v float64) *float64 { return &v }

// Bool returns a pointer to v, for optional true/false fields.
func Bool(v bool) *bool { return &v }
