package sidetone

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// scripted answers POST /events with the next scripted answer, then with 200s.
type scripted struct {
	mu       sync.Mutex
	script   []answer
	requests []request
	server   *httptest.Server
}

type answer struct {
	status  int
	headers map[string]string
	code    string
}

type request struct {
	at     time.Time
	ids    []string
	header http.Header
}

func serve(t *testing.T, script ...answer) *scripted {
	s := &scripted{script: script}
	s.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var events []map[string]any
		_ = json.Unmarshal(body, &events)
		ids := make([]string, len(events))
		for i, e := range events {
			ids[i], _ = e["id"].(string)
		}
		s.mu.Lock()
		s.requests = append(s.requests, request{time.Now(), ids, r.Header.Clone()})
		a := answer{status: 200}
		if len(s.script) > 0 {
			a, s.script = s.script[0], s.script[1:]
		}
		s.mu.Unlock()
		for k, v := range a.headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		if a.status == 200 {
			_ = json.NewEncoder(w).Encode(map[string]any{"accepted": len(events), "duplicates": 0, "rejected": 0, "errors": []any{}})
		} else {
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": a.code, "message": "scripted"}})
		}
	}))
	t.Cleanup(s.server.Close)
	return s
}

func (s *scripted) seen() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

func quiet(cfg Config) Config {
	cfg.Logger = log.New(io.Discard, "", 0)
	if cfg.FlushInterval == 0 {
		cfg.FlushInterval = 50 * time.Millisecond
	}
	return cfg
}

func flush(t *testing.T, c *Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRetryAfterOn503ResendsTheSameIDsAfterTheWait(t *testing.T) {
	s := serve(t, answer{503, map[string]string{"Retry-After": "1"}, "ST_STORE_UNAVAILABLE"})
	c := mustNew(t, quiet(Config{URL: s.server.URL, Token: "t0k3n"}))
	defer c.Close(context.Background())
	var ids []string
	for i := 0; i < 3; i++ {
		id, _ := c.Emit(CallAnswered{CallID: "c"})
		ids = append(ids, id)
	}
	flush(t, c)
	r := s.seen()
	check(t, "requests", len(r), 2)
	check(t, "first ids", r[0].ids, ids)
	check(t, "second ids", r[1].ids, ids)
	if w := r[1].at.Sub(r[0].at); w < 950*time.Millisecond {
		t.Errorf("retried after %s, before Retry-After's second", w)
	}
	check(t, "authorization", r[0].header.Get("Authorization"), "Bearer t0k3n")
	st := c.Stats()
	check(t, "accepted, retries, dropped", []int64{st.Accepted, st.Retries, st.Dropped}, []int64{3, 1, 0})
}

func TestRetryAfterOn429AsAnHTTPDate(t *testing.T) {
	when := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
	s := serve(t, answer{429, map[string]string{"Retry-After": when}, "ST_TOO_MANY"})
	c := mustNew(t, quiet(Config{URL: s.server.URL}))
	defer c.Close(context.Background())
	c.Emit(Heartbeat{})
	flush(t, c)
	r := s.seen()
	// An HTTP date has one-second resolution: at least a second, at most the two asked for.
	if w := r[1].at.Sub(r[0].at); w < 900*time.Millisecond || w > 2500*time.Millisecond {
		t.Errorf("retried after %s", w)
	}
}

func Test413HalvesTheBatchAndKeepsTheOrder(t *testing.T) {
	s := serve(t, answer{413, nil, "ST_BODY_TOO_LARGE"})
	c := mustNew(t, quiet(Config{URL: s.server.URL, MaxBatch: 10, FlushInterval: 5 * time.Second}))
	defer c.Close(context.Background())
	var ids []string
	for i := 0; i < 10; i++ {
		id, _ := c.Emit(Heartbeat{})
		ids = append(ids, id)
	}
	flush(t, c)
	r := s.seen()
	check(t, "batch sizes", []int{len(r[0].ids), len(r[1].ids), len(r[2].ids)}, []int{10, 5, 5})
	check(t, "order", append(r[1].ids, r[2].ids...), ids)
}

func Test401DropsTheBatchAndSaysWhy(t *testing.T) {
	s := serve(t, answer{401, nil, "ST_UNAUTHORIZED"})
	c := mustNew(t, quiet(Config{URL: s.server.URL}))
	defer c.Close(context.Background())
	c.Emit(Heartbeat{})
	c.Emit(Heartbeat{})
	flush(t, c)
	st := c.Stats()
	check(t, "dropped, accepted", []int64{st.Dropped, st.Accepted}, []int64{2, 0})
	check(t, "last error", st.LastError, "401 ST_UNAUTHORIZED: scripted")
	c.Emit(Heartbeat{})
	flush(t, c)
	check(t, "accepted after", c.Stats().Accepted, 1)
}

func TestABatchLeavesWhenFullOrWhenItsOldestEventHasWaitedTheInterval(t *testing.T) {
	s := serve(t)
	c := mustNew(t, quiet(Config{URL: s.server.URL, MaxBatch: 5, FlushInterval: 500 * time.Millisecond}))
	defer c.Close(context.Background())
	start := time.Now()
	for i := 0; i < 5; i++ {
		c.Emit(Heartbeat{})
	}
	waitUntil(t, "a full batch", func() bool { return len(s.seen()) == 1 })
	if w := s.seen()[0].at.Sub(start); w > 400*time.Millisecond {
		t.Errorf("a full batch left after %s", w)
	}
	c.Emit(Heartbeat{})
	waitUntil(t, "the interval", func() bool { return len(s.seen()) == 2 })
	if w := s.seen()[1].at.Sub(start); w < 450*time.Millisecond {
		t.Errorf("a lone event left after %s, before the interval", w)
	}
}

func TestAFullBufferRefusesTheNewestAndCountsIt(t *testing.T) {
	c := mustNew(t, quiet(Config{URL: "http://127.0.0.1:9", MaxBuffer: 5, FlushInterval: 10 * time.Millisecond, BackoffBase: 10 * time.Second}))
	var refused []bool
	for i := 0; i < 8; i++ {
		_, ok := c.Emit(Heartbeat{})
		refused = append(refused, !ok)
	}
	check(t, "refused", refused, []bool{false, false, false, false, false, true, true, true})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := c.Close(ctx); err == nil {
		t.Error("Close said everything was sent")
	}
	st := c.Stats()
	check(t, "overflow, dropped, emitted", []int64{st.Overflow, st.Dropped, st.Emitted}, []int64{3, 5, 5})
}

func TestEmitStampsIDAndTimeAndKeepsGivenOnes(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	data, err := encode(CallStarted{Meta: Meta{TS: at, ID: "mine", Source: "pbx-1"}, CallID: "c1", Direction: "inbound", Channel: "sip"},
		"mine", at.UnixMilli(), "pbx-1")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "wire", string(data),
		`{"type":"call.started","id":"mine","ts":1714564800000,"source":"pbx-1","callId":"c1","direction":"inbound","channel":"sip"}`)
	s := serve(t)
	c := mustNew(t, quiet(Config{URL: s.server.URL}))
	defer c.Close(context.Background())
	id, _ := c.Emit(CallAnswered{CallID: "c1"})
	given, _ := c.Emit(CallAnswered{Meta: Meta{ID: "given"}, CallID: "c1"})
	check(t, "given id kept", given, "given")
	if len(id) != 36 || id[14] != '4' {
		t.Errorf("not a v4 UUID: %q", id)
	}
}
