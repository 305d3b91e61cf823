package ui

import (
	"io"
	"net/http"
	"testing"
)

// TestPortalHomeIsSmall: the portal's home page with its stylesheet and
// script weighs under 100 KB compressed on first load, so that it opens
// quickly on a phone on a poor connection.
func TestPortalHomeIsSmall(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	total := 0
	for _, path := range []string{"/", "/static/app.css", "/static/app.js"} {
		req, _ := http.NewRequest("GET", s.ts.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		// The client's transport would decompress; count the wire bytes.
		for _, c := range b.c.Jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: %d, encoding %q", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		t.Logf("%s: %d bytes compressed", path, n)
		total += int(n)
	}
	if total > 100<<10 {
		t.Fatalf("portal home with assets: %d bytes compressed, want under 100 KB", total)
	}
}
