package sidetone

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestEventsReachMetricsAndStore(t *testing.T) {
	s := startSidecar(t)
	c := mustNew(t, Config{URL: s.url, Token: ingestToken, MaxBatch: 64, FlushInterval: 50 * time.Millisecond})
	for i := 0; i < 120; i++ {
		lifecycle(c, fmt.Sprintf("go-%d", i))
	}
	for i := 0; i < 30; i++ {
		ref := fmt.Sprintf("go-%d", i)
		c.Emit(SMSSent{To: "+447700900123", Reference: ref, Modem: "modem0"})
		c.Emit(SMSDeliveryReport{Reference: ref, TPStatus: Int(0), Modem: "modem0"})
	}
	c.Emit(rawEvent{"call.startd", map[string]any{"callId": "typo"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	check(t, "emitted, accepted, duplicates", []int64{st.Emitted, st.Accepted, st.Duplicates}, []int64{541, 540, 0})
	check(t, "rejected, dropped, overflow", []int64{st.Rejected, st.Dropped, st.Overflow}, []int64{1, 0, 0})
	check(t, "the typo's answer", st.LastRejections,
		[]Rejection{{"call.startd", "type", `unknown event type: did you mean "call.started"?`}})
	check(t, "call attempts counted", s.metric("_call_attempts_total"), 120)
	calls, answered := s.storedCalls()
	check(t, "calls stored, answered", []int{calls, answered}, []int{120, 120})
	check(t, "SMS stored", s.storedSMS(), 30)
}

// Every generated type, filled with its schema's required fields by decoding JSON into it (so a
// wrong field name or tag leaves a field out and the sidecar refuses the event).
func TestEveryEventTypeIsAccepted(t *testing.T) {
	s := startSidecar(t)
	c := mustNew(t, Config{URL: s.url, Token: ingestToken, FlushInterval: 50 * time.Millisecond})
	schemas := filepath.Join(repo(), "docs", "schemas")
	for _, typ := range EventTypes {
		raw, err := os.ReadFile(filepath.Join(schemas, typ+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var schema map[string]any
		_ = json.Unmarshal(raw, &schema)
		ev := NewEvent(typ)
		sample, _ := json.Marshal(requiredSample(schema))
		if err := json.Unmarshal(sample, ev); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if ev.EventType() != typ {
			t.Fatalf("NewEvent(%q) is a %s", typ, ev.EventType())
		}
		if _, ok := c.Emit(ev); !ok {
			t.Fatalf("%s refused by the client", typ)
		}
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	check(t, "accepted, rejected", []int64{st.Accepted, st.Rejected}, []int64{int64(len(EventTypes)), 0})
	if st.Rejected > 0 {
		t.Log(st.LastRejections)
	}
	entries, _ := os.ReadDir(schemas)
	check(t, "one type per schema file (and event.json)", len(EventTypes), len(entries)-1)
}

func TestSigkillAndRestartMidStreamLosesNothingAcknowledgedAndDoublesNothing(t *testing.T) {
	s := startSidecar(t)
	c := mustNew(t, Config{
		URL: s.url, Token: ingestToken, MaxBatch: 25, FlushInterval: 20 * time.Millisecond,
		BackoffBase: 50 * time.Millisecond, BackoffMax: 500 * time.Millisecond,
	})
	const calls, sms = 400, 100
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < calls; i++ {
			lifecycle(c, fmt.Sprintf("r-%d", i))
			if i < sms {
				c.Emit(SMSSent{To: "+447700900123", Reference: fmt.Sprintf("r-%d", i), Modem: "modem0"})
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	waitUntil(t, "300 events acknowledged", func() bool { return c.Stats().Accepted >= 300 })
	s.kill()
	during := c.Stats().Accepted
	time.Sleep(300 * time.Millisecond)
	s.start()
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := c.Close(ctx); err != nil {
		t.Fatal(err, c.Stats())
	}
	st := c.Stats()
	if during >= 1700 {
		t.Fatal("the kill came after the stream ended: nothing was tested")
	}
	if st.Retries == 0 {
		t.Fatal("no request failed: the kill was not mid-stream")
	}
	check(t, "emitted, rejected, dropped, overflow",
		[]int64{st.Emitted, st.Rejected, st.Dropped, st.Overflow}, []int64{1700, 0, 0, 0})
	// Acknowledged = stored: every call and SMS is there once, whatever was retried.
	stored, answered := s.storedCalls()
	check(t, "calls stored, answered", []int{stored, answered}, []int{calls, calls})
	check(t, "SMS stored", s.storedSMS(), sms)
	t.Logf("acknowledged before the kill: %d events; retries: %d; duplicates: %d", during, st.Retries, st.Duplicates)
}

// rawEvent sends any type with any fields (a mistyped one, here).
type rawEvent struct {
	typ    string
	fields map[string]any
}

func (e rawEvent) EventType() string            { return e.typ }
func (e rawEvent) meta() Meta                   { return Meta{} }
func (e rawEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.fields) }

func repo() string {
	if r := os.Getenv("SIDETONE_REPO"); r != "" {
		return r
	}
	return filepath.Join("..", "..")
}

// requiredSample is a valid value for each required field (and the first of an anyOf's).
func requiredSample(schema map[string]any) map[string]any {
	props, _ := schema["properties"].(map[string]any)
	out := map[string]any{}
	var wanted []any
	if r, ok := schema["required"].([]any); ok {
		wanted = append(wanted, r...)
	}
	if alts, ok := schema["anyOf"].([]any); ok && len(alts) > 0 {
		wanted = append(wanted, alts[0].(map[string]any)["required"].([]any)...)
	}
	for _, k := range wanted {
		name := k.(string)
		if name != "type" {
			out[name] = sampleValue(props[name].(map[string]any))
		}
	}
	return out
}

func sampleValue(s map[string]any) any {
	if v, ok := s["const"]; ok {
		return v
	}
	if e, ok := s["enum"].([]any); ok {
		return e[0]
	}
	if alts, ok := s["anyOf"].([]any); ok {
		return sampleValue(alts[0].(map[string]any))
	}
	switch s["type"] {
	case "integer", "number":
		v := 1.0
		if hi, ok := s["maximum"].(float64); ok && hi < v {
			v = hi
		}
		if lo, ok := s["minimum"].(float64); ok && lo > v {
			v = lo
		}
		return v
	case "boolean":
		return true
	case "object":
		return requiredSample(s)
	case "array":
		return []any{sampleValue(s["items"].(map[string]any))}
	}
	return "x"
}
