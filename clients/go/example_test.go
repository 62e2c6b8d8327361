package sidetone_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"sidetone/clients/go"
)

// The README's examples, each the body of one function below between its markers (a test keeps
// the two texts equal), compiled here and run against a real sidecar.

func quickStart(url, token string) error {
	// README:begin
	c, err := sidetone.New(sidetone.Config{URL: url, Token: token})
	if err != nil {
		return err
	}
	defer c.Close(context.Background()) // flushes what is buffered, then stops
	c.Emit(sidetone.CallStarted{CallID: "c1", Direction: "inbound", Channel: "sip", Trunk: "trunk-a"})
	c.Emit(sidetone.CallRinging{CallID: "c1"})
	c.Emit(sidetone.CallAnswered{CallID: "c1"})
	c.Emit(sidetone.CallEnded{CallID: "c1", HangupBy: "caller", DurationSeconds: sidetone.Float(42.5)})
	// README:end
	return nil
}

func smsGateway(url, token string) error {
	// README:begin
	c, err := sidetone.New(sidetone.Config{URL: url, Token: token}) // one per process
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	c.Emit(sidetone.Heartbeat{IntervalSeconds: sidetone.Float(30)}) // "source alive"
	c.Emit(sidetone.ModemSignal{Modem: "modem0", CSQ: &sidetone.ModemSignalCSQ{Rssi: 18, BER: 99}})
	c.Emit(sidetone.ModemReconnected{Modem: "modem0", Attempt: sidetone.Int(2)}) // flapping
	c.Emit(sidetone.SMSSent{To: "+447700900123", Reference: 42, Modem: "modem0"})
	c.Emit(sidetone.SMSDeliveryReport{Reference: 42, TPStatus: sidetone.Int(0), Modem: "modem0"})
	// README:end
	return nil
}

func voiceAgent(url, token, callSid string) error {
	// README:begin
	c, err := sidetone.New(sidetone.Config{URL: url, Token: token, FlushInterval: time.Second})
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	c.Emit(sidetone.CallStarted{CallID: callSid, Direction: "inbound", Channel: "webrtc"})
	c.Emit(sidetone.VoiceAIFirstByte{Stage: "end_to_end", Seconds: 0.62, CallID: callSid})
	c.Emit(sidetone.VoiceAIToolCall{OK: true, Seconds: 0.18, Tool: "lookup_order", CallID: callSid})
	c.Emit(sidetone.VoiceAIBargeIn{CallID: callSid})
	c.Emit(sidetone.CallEnded{CallID: callSid, HangupBy: "caller"})
	// README:end
	return nil
}

func sipStack(url, token, cid string) error {
	// README:begin
	c, err := sidetone.New(sidetone.Config{URL: url, Token: token})
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	c.Emit(sidetone.SIPRequest{Method: "INVITE", Direction: "outbound", CallID: cid})
	c.Emit(sidetone.CallStarted{CallID: cid, Direction: "outbound", Channel: "sip", Transport: "tls", Trunk: "trunk-b"})
	c.Emit(sidetone.SIPResponse{Method: "INVITE", Code: 486, Direction: "inbound", CallID: cid})
	c.Emit(sidetone.CallEnded{CallID: cid, SIPCode: sidetone.Int(486), HangupBy: "callee"})
	c.Emit(sidetone.TrunkStatus{Trunk: "trunk-b", Up: true, Code: sidetone.Int(200), RTTSeconds: sidetone.Float(0.034)})
	// README:end
	return nil
}

func TestTheReadmeExamplesAreTheseAndRun(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	bodies := regexp.MustCompile(`(?s)\t// README:begin\n(.*?)\t// README:end\n`).FindAllStringSubmatch(string(self), -1)
	if len(blocks) != 4 || len(bodies) != 4 {
		t.Fatalf("%d README blocks, %d example bodies: want 4 and 4", len(blocks), len(bodies))
	}
	for i := range blocks {
		body := strings.ReplaceAll("\n"+bodies[i][1], "\n\t", "\n")[1:]
		if blocks[i][1] != body {
			t.Errorf("README block %d differs from example %d:\n%s\nwant:\n%s", i+1, i+1, blocks[i][1], body)
		}
		if n := strings.Count(body, "\n"); n > 10 {
			t.Errorf("README block %d has %d lines, more than ten", i+1, n)
		}
	}
	url, calls, sms := sidetone.StartSidecarForExamples(t)
	before := calls()
	for name, run := range map[string]func() error{
		"quick start": func() error { return quickStart(url, sidetone.IngestToken) },
		"SMS gateway": func() error { return smsGateway(url, sidetone.IngestToken) },
		"voice agent": func() error { return voiceAgent(url, sidetone.IngestToken, "CA-readme") },
		"SIP stack":   func() error { return sipStack(url, sidetone.IngestToken, "sip-readme") },
	} {
		if err := run(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if got := calls() - before; got != 3 {
		t.Errorf("calls stored by the examples: %d, want 3", got)
	}
	if got := sms(); got != 1 {
		t.Errorf("SMS stored by the examples: %d, want 1", got)
	}
}
