package webhook_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"desk/webhook"
)

// counter is a TCP listener on loopback that counts the connections it
// accepts: the proof that a refused URL was never dialled.
type counter struct {
	port string
	n    atomic.Int64
}

func newCounter(t *testing.T) *counter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &counter{}
	_, c.port, _ = net.SplitHostPort(ln.Addr().String())
	lns := []net.Listener{ln}
	// The IPv6 loopback on the same port, where the host has one, so that
	// [::1] and names resolving to it are watched too.
	if ln6, err := net.Listen("tcp", "[::1]:"+c.port); err == nil {
		lns = append(lns, ln6)
	}
	for _, l := range lns {
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					return
				}
				c.n.Add(1)
				conn.Close()
			}
		}()
	}
	return c
}

func (c *counter) check(t *testing.T) {
	t.Helper()
	if n := c.n.Load(); n != 0 {
		t.Fatalf("the loopback listener accepted %d connections, want 0", n)
	}
}

// badHosts are hosts no webhook may reach, each followed by :port. The
// numeric forms are what inet_aton reads as 127.0.0.1.
var badHosts = []string{
	"127.0.0.1", "[::1]", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
	"[fc00::1]", "[fe80::1]", "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]", "[::]", "0.0.0.0",
	"224.0.0.1", "255.255.255.255", "192.0.2.1", "[2001:db8::1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]",
	"2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001", "127.1", "127.0.0.1.", "017700000001",
	"localhost", "LOCALHOST", "api.localhost",
}

func TestCheckAddr(t *testing.T) {
	for _, s := range []string{
		"127.0.0.1", "127.255.0.1", "::1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "100.127.255.254", "fc00::1", "fd12:3456::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"::", "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "ff02::1", "255.255.255.255", "240.0.0.1",
		"192.0.2.1", "198.51.100.1", "203.0.113.1", "198.18.0.1", "2001:db8::1", "64:ff9b::a00:1", "2002:a00:1::1",
		"2001::1", "::7f00:1", "fe80::1%eth0",
	} {
		if err := webhook.CheckAddr(netip.MustParseAddr(s)); !errors.Is(err, webhook.ErrRefused) {
			t.Errorf("CheckAddr(%s) = %v, want refused", s, err)
		}
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "93.184.215.14", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8"} {
		if err := webhook.CheckAddr(netip.MustParseAddr(s)); err != nil {
			t.Errorf("CheckAddr(%s) = %v, want allowed", s, err)
		}
	}
}

// TestCheckURLRefuses: every bad destination is refused at save time,
// without a single connection to it.
func TestCheckURLRefuses(t *testing.T) {
	c := newCounter(t)
	ctx := context.Background()
	for _, h := range badHosts {
		for _, scheme := range []string{"http", "https"} {
			u := scheme + "://" + h + ":" + c.port + "/hook"
			if err := webhook.CheckURL(ctx, u); !errors.Is(err, webhook.ErrRefused) {
				t.Errorf("CheckURL(%s) = %v, want refused", u, err)
			} else if strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), c.port) {
				t.Errorf("CheckURL(%s) names the address: %v", u, err)
			}
		}
	}
	for _, u := range []string{
		"ftp://example.com/", "https://user:pass@example.com/", "https:///x", "gopher://8.8.8.8/", "https://%zz/",
		"https://name.invalid/", // RFC 6761: never resolves
	} {
		if err := webhook.CheckURL(ctx, u); !errors.Is(err, webhook.ErrRefused) {
			t.Errorf("CheckURL(%s) = %v, want refused", u, err)
		}
	}
	c.check(t)
	// A public address literal passes without a lookup.
	for _, u := range []string{"https://93.184.215.14/hook", "https://[2606:4700:4700::1111]:8443/x", "http://8.8.8.8/"} {
		if err := webhook.CheckURL(ctx, u); err != nil {
			t.Errorf("CheckURL(%s) = %v, want allowed", u, err)
		}
	}
}

// TestClientRefusesAtConnect: URLs that got past the save check (stored
// before it, or by a name that resolves differently now) are refused by
// the client's dialer before any connection is made.
func TestClientRefusesAtConnect(t *testing.T) {
	c := newCounter(t)
	client := webhook.NewClient(webhook.Options{AllowHTTP: true})
	for _, h := range badHosts {
		u := "http://" + h + ":" + c.port + "/hook"
		resp, err := client.Post(u, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			t.Errorf("POST %s went through", u)
			continue
		}
		if !errors.Is(err, webhook.ErrRefused) {
			t.Errorf("POST %s: %v, want refused", u, err)
		}
	}
	c.check(t)
}

// allowed returns a client that may reach the given test servers on
// loopback, and nothing else that is not public.
func allowed(t *testing.T, o webhook.Options, srvs ...*httptest.Server) *http.Client {
	t.Helper()
	for _, s := range srvs {
		o.AllowAddrs = append(o.AllowAddrs, netip.MustParseAddrPort(s.Listener.Addr().String()))
	}
	return webhook.NewClient(o)
}

func TestClientRedirects(t *testing.T) {
	c := newCounter(t)
	var hops atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/to-loopback", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:"+c.port+"/", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/to-localhost", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+c.port+"/", http.StatusFound)
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-decimal", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://2130706433:"+c.port+"/", http.StatusPermanentRedirect)
	})
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		hops.Add(1)
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := allowed(t, webhook.Options{AllowHTTP: true}, srv)

	for _, path := range []string{"/to-loopback", "/to-localhost", "/to-metadata", "/to-decimal"} {
		resp, err := client.Post(srv.URL+path, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: redirect followed", path)
		}
		if !errors.Is(err, webhook.ErrRefused) {
			t.Fatalf("%s: %v, want refused", path, err)
		}
	}
	c.check(t)

	// Three redirects are followed, a fourth is not.
	resp, err := client.Post(srv.URL+"/hop/3", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("three redirects: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || hops.Load() != 4 {
		t.Fatalf("three redirects: status %d after %d requests", resp.StatusCode, hops.Load())
	}
	hops.Store(0)
	if _, err := client.Post(srv.URL+"/hop/4", "application/json", strings.NewReader("{}")); !errors.Is(err, webhook.ErrRefused) {
		t.Fatalf("four redirects: %v, want refused", err)
	}
	if hops.Load() != 4 {
		t.Fatalf("four redirects: %d requests, want 4", hops.Load())
	}
}

// TestClientHTTPSOnly: without AllowHTTP, neither the first request nor a
// redirect may use http, even to an allowed address.
func TestClientHTTPSOnly(t *testing.T) {
	var plainHits atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { plainHits.Add(1) }))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/down" {
			http.Redirect(w, r, plain.URL+"/", http.StatusTemporaryRedirect)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer secure.Close()
	pool := x509.NewCertPool()
	pool.AddCert(secure.Certificate())
	client := allowed(t, webhook.Options{TLSConfig: &tls.Config{RootCAs: pool}}, plain, secure)

	resp, err := client.Post(secure.URL+"/", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("https to an allowed address: %v", err)
	}
	resp.Body.Close()
	for _, u := range []string{secure.URL + "/down", plain.URL + "/"} {
		if _, err := client.Post(u, "application/json", strings.NewReader("{}")); !errors.Is(err, webhook.ErrRefused) {
			t.Fatalf("POST %s: %v, want refused", u, err)
		}
	}
	if plainHits.Load() != 0 {
		t.Fatalf("the http server was reached %d times", plainHits.Load())
	}
}

// TestClientIgnoresProxyEnvironment: a proxy from the environment would
// choose the destination instead of the dialer; the client never uses one.
func TestClientIgnoresProxyEnvironment(t *testing.T) {
	proxy := newCounter(t)
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		t.Setenv(k, "http://127.0.0.1:"+proxy.port)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	resp, err := allowed(t, webhook.Options{AllowHTTP: true}, srv).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d", resp.StatusCode)
	}
	proxy.check(t)
}

// TestCounterCounts is the positive control of the tests above: the
// listener does count a connection that is made.
func TestCounterCounts(t *testing.T) {
	c := newCounter(t)
	conn, err := net.Dial("tcp", "127.0.0.1:"+c.port)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for c.n.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if c.n.Load() != 1 {
		t.Fatalf("counted %d connections, want 1", c.n.Load())
	}
}
