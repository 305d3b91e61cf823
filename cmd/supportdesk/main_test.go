package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lastWord returns the last whitespace-separated word of s.
func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func runCmd(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("supportdesk %v: exit %d: %s", args, code, errb.String())
	}
	return out.String()
}

type client struct {
	t     testing.TB
	base  string
	token string
}

func (c *client) do(method, path string, body any, hdr ...string) (*http.Response, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestServeInProcess runs the wiring in this process on a random port:
// migrate, seed, serve, a token from the token command, and the API.
func TestServeInProcess(t *testing.T) {
	dir := t.TempDir()
	runCmd(t, "migrate", "--data", dir)
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", dir, true
	a := &App{Config: cfg, Logger: discardLogger()}
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	go a.Serve()
	defer a.Close()

	c := &client{t: t, base: a.URL()}
	for _, p := range []string{"/healthz", "/readyz"} {
		if resp, _ := c.do("GET", p, nil); resp.StatusCode != 200 {
			t.Fatalf("%s = %d", p, resp.StatusCode)
		}
	}
	out := runCmd(t, "token", "--data", dir, "--user", "Carl@Contoso.example")
	c.token = lastWord(out)
	if !strings.HasPrefix(c.token, "sdk_") {
		t.Fatalf("token output %q does not end in a token", out)
	}
	resp, body := c.do("GET", "/api/v1/me", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "carl@contoso.example") {
		t.Fatalf("/me = %d %s", resp.StatusCode, body)
	}
	// A token for a user who does not exist is refused with a message.
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"token", "--data", dir, "--user", "nobody@nowhere.example"}, io.Discard, &errb); code == 0 {
		t.Fatal("token for an unknown user succeeded")
	}
}

func TestUnknownCommand(t *testing.T) {
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

// buildBinary builds the command once per test run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "supportdesk-bin")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "supportdesk")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer starts the binary and waits until it is ready.
func startServer(t *testing.T, dir, addr string, extra ...string) *exec.Cmd {
	t.Helper()
	args := append([]string{"serve", "--data", dir, "--addr", addr}, extra...)
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "SUPPORTDESK_LOG_LEVEL=error")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server did not become ready")
	return nil
}

func tokenFor(t *testing.T, dir, email string) string {
	t.Helper()
	out, err := exec.Command(binary(t), "token", "--data", dir, "--user", email).Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return lastWord(string(out))
}

// TestSIGTERMDrains starts an upload, sends SIGTERM while it is in flight,
// and checks that the upload still succeeds and the process exits cleanly.
func TestSIGTERMDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	cmd := startServer(t, dir, addr, "--demo")
	c := &client{t: t, base: "http://" + addr, token: tokenFor(t, dir, "carl@contoso.example")}
	resp, body := c.do("POST", "/api/v1/cases", map[string]any{
		"product": "mail", "category": "technical", "severity": "normal",
		"title": "Slow upload", "description": "A file that arrives slowly.",
	})
	if resp.StatusCode != 201 {
		t.Fatalf("open case = %d %s", resp.StatusCode, body)
	}
	var cs struct{ ID int64 }
	json.Unmarshal(body, &cs)

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments?name=log.txt", c.base, cs.ID), pr)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "text/plain")
	result := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	pw.Write([]byte("first half of the log\n"))
	time.Sleep(200 * time.Millisecond) // let the request reach the handler
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	pw.Write([]byte("second half of the log\n"))
	pw.Close()
	if code := <-result; code != 201 {
		t.Fatalf("in-flight upload during shutdown = %d, want 201", code)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("process did not exit after SIGTERM")
	}
	// New connections are refused once it has gone.
	if _, err := http.Get(c.base + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

// TestKillDuringConcurrentCreates kills the server with SIGKILL while 16
// clients create cases, restarts it, and checks that every case that was
// acknowledged with 201 is there, whole, and that no case is half-written.
func TestKillDuringConcurrentCreates(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	cmd := startServer(t, dir, addr, "--demo")
	tok := tokenFor(t, dir, "carl@contoso.example")
	base := "http://" + addr

	var mu sync.Mutex
	acked := map[int64]string{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				title := fmt.Sprintf("crash test %d-%d", w, i)
				b, _ := json.Marshal(map[string]any{"product": "mail", "title": title, "description": "kill -9 while writing"})
				req, _ := http.NewRequest("POST", base+"/api/v1/cases", bytes.NewReader(b))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the server is gone
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 201 {
					continue
				}
				var c struct{ ID int64 }
				if json.Unmarshal(body, &c) == nil && c.ID != 0 {
					mu.Lock()
					acked[c.ID] = title
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d cases were acknowledged before the kill; the test proves nothing", len(acked))
	}

	startServer(t, dir, addr)
	c := &client{t: t, base: base, token: tok}
	found := map[int64]bool{}
	cursor := ""
	for {
		resp, body := c.do("GET", "/api/v1/cases?limit=100&cursor="+cursor, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("list = %d %s", resp.StatusCode, body)
		}
		var page struct {
			Items []struct {
				ID    int64
				Title string
			}
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			found[it.ID] = true
			if want, ok := acked[it.ID]; ok && want != it.Title {
				t.Errorf("case %d has title %q, want %q", it.ID, it.Title, want)
			}
			if strings.HasPrefix(it.Title, "crash test") {
				// Every stored case has its opening timeline entry: nothing
				// was half-written.
				resp, body := c.do("GET", fmt.Sprintf("/api/v1/cases/%d/messages", it.ID), nil)
				if resp.StatusCode != 200 || !strings.Contains(string(body), "case opened") {
					t.Errorf("case %d timeline = %d %s", it.ID, resp.StatusCode, body)
				}
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	lost := 0
	for id := range acked {
		if !found[id] {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged cases were lost", lost, len(acked))
	}
	t.Logf("%d acknowledged cases all survived kill -9", len(acked))
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
