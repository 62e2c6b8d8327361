package sidetone

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	ingestToken = "ingest-token-for-the-go-tests"
	scrapeToken = "scrape-token-for-the-go-tests"
)

var urlLine = regexp.MustCompile(` on (http://[^\s,]+), store `)

// sidecar is a real `sidetone serve` ($SIDETONE_CLI) on 127.0.0.1, on a port the OS chose at
// first start and kept across restarts, on one SQLite file.
type sidecar struct {
	t    *testing.T
	db   string
	port int
	url  string
	cmd  *exec.Cmd
}

func startSidecar(t *testing.T) *sidecar {
	t.Helper()
	if os.Getenv("SIDETONE_CLI") == "" {
		t.Fatal("set SIDETONE_CLI to the built CLI (dist/bin/sidetone.js)")
	}
	s := &sidecar{t: t, db: filepath.Join(lettersDir(t), "events.db")}
	s.start()
	t.Cleanup(s.stop)
	return s
}

// lettersDir is a scratch directory whose name has no digits: t.TempDir's names carry long digit
// runs, and the sidecar refuses to start when its store's directory (a disk metric's label)
// looks like a phone number.
func lettersDir(t *testing.T) string {
	t.Helper()
	var b [12]byte
	_, _ = rand.Read(b[:])
	name := []byte("sidetone-go-")
	for _, x := range b {
		name = append(name, 'a'+x%26)
	}
	dir := filepath.Join(os.TempDir(), string(name))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (s *sidecar) start() {
	s.t.Helper()
	node := os.Getenv("SIDETONE_NODE")
	if node == "" {
		node = "node"
	}
	cmd := exec.Command(node, os.Getenv("SIDETONE_CLI"), "serve", "--host", "127.0.0.1",
		"--port", strconv.Itoa(s.port), "--db", s.db, "--packs.calls", "--packs.sms", "--packs.modem",
		"--packs.voiceai", "--packs.sip", "--packs.trunks")
	// The sidecar refuses SIDETONE_* variables it does not know (this harness's own).
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SIDETONE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "NO_COLOR=1", "SIDETONE_LOG_FORMAT=json",
		"SIDETONE_AUTH_INGEST_TOKENS="+ingestToken, "SIDETONE_AUTH_SCRAPE_TOKENS="+scrapeToken)
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var lines []string
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		found <- "exited:\n" + strings.Join(lines, "\n")
	}()
	select {
	case u := <-found:
		if !strings.HasPrefix(u, "http://") {
			s.t.Fatalf("sidetone serve did not start: %s", u)
		}
		s.url = u
		s.port, _ = strconv.Atoi(u[strings.LastIndex(u, ":")+1:])
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		s.t.Fatal("sidetone serve did not start in 30 s")
	}
	s.cmd = cmd
}

// kill is SIGKILL: no flush, no goodbye, as a crash or an OOM kill.
func (s *sidecar) kill() {
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

func (s *sidecar) stop() {
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

func (s *sidecar) get(path string) []byte {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+scrapeToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	if _, err := bufio.NewReader(res.Body).WriteTo(&b); err != nil {
		s.t.Fatal(err)
	}
	return []byte(b.String())
}

func (s *sidecar) json(path string, into any) {
	s.t.Helper()
	if err := json.Unmarshal(s.get(path), into); err != nil {
		s.t.Fatalf("%s: %v", path, err)
	}
}

// metric sums the samples of a metric whose name ends with suffix (any prefix).
func (s *sidecar) metric(suffix string) float64 {
	re := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*` + regexp.QuoteMeta(suffix) + `(\{[^}]*\})? (\S+)`)
	total := 0.0
	for _, line := range strings.Split(string(s.get("/metrics")), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			total += v
		}
	}
	return total
}

type dashboard struct {
	Totals struct {
		Calls    struct{ Value int } `json:"calls"`
		Answered struct{ Value int } `json:"answered"`
	} `json:"totals"`
}

func (s *sidecar) storedCalls() (calls, answered int) {
	var d dashboard
	s.json("/metrics/dashboard?hours=1", &d)
	return d.Totals.Calls.Value, d.Totals.Answered.Value
}

func (s *sidecar) storedSMS() int {
	var v struct{ Total int }
	s.json("/metrics/sms?hours=1", &v)
	return v.Total
}

func waitUntil(t *testing.T, what string, check func() bool) {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	for !check() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func lifecycle(c *Client, id string) {
	c.Emit(CallStarted{CallID: id, Direction: "inbound", Channel: "sip", Trunk: "trunk-a"})
	c.Emit(CallRinging{CallID: id})
	c.Emit(CallAnswered{CallID: id})
	c.Emit(CallEnded{CallID: id, HangupBy: "caller", DurationSeconds: Float(12.5)})
}

func mustNew(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// IngestToken and StartSidecarForExamples serve example_test.go (package sidetone_test).
const IngestToken = ingestToken

// StartSidecarForExamples starts a sidecar and returns its URL and readers of its stored calls
// and SMS.
func StartSidecarForExamples(t *testing.T) (url string, calls, sms func() int) {
	s := startSidecar(t)
	return s.url, func() int { n, _ := s.storedCalls(); return n }, s.storedSMS
}
