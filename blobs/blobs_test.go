package blobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"desk"
)

func open(t *testing.T) (*Dir, string) {
	t.Helper()
	dir := t.TempDir()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, dir
}

// files lists the regular files under dir, relative and slash-separated.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	d, dir := open(t)
	ctx := context.Background()
	content := []byte("Return-Path: <bounce@fabrikam.example>\r\nX-Delay: 2h\r\n")
	want := sha256.Sum256(content)

	sum, size, err := d.Put(ctx, bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if sum != hex.EncodeToString(want[:]) || size != int64(len(content)) {
		t.Fatalf("Put = %s, %d; want %x, %d", sum, size, want, len(content))
	}
	if got := files(t, dir); len(got) != 1 || got[0] != sum[:2]+"/"+sum[2:] {
		t.Fatalf("files = %v, want [%s/%s]", got, sum[:2], sum[2:])
	}

	f, err := d.Open(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Fatalf("content = %q, want %q", got, content)
	}
	// Downloads use Seek for Range requests.
	if _, err := f.Seek(13, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(f)
	if !bytes.Equal(rest, content[13:]) {
		t.Fatalf("after seek = %q, want %q", rest, content[13:])
	}
}

func TestExactlyLimit(t *testing.T) {
	d, _ := open(t)
	_, size, err := d.Put(context.Background(), strings.NewReader("12345"), 5)
	if err != nil || size != 5 {
		t.Fatalf("Put at the limit = %d, %v; want 5, nil", size, err)
	}
}

func TestDedupe(t *testing.T) {
	d, dir := open(t)
	ctx := context.Background()
	a, _, err := d.Put(ctx, strings.NewReader("same bytes"), 100)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := d.Put(ctx, strings.NewReader("same bytes"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("same content gave %s and %s", a, b)
	}
	if got := files(t, dir); len(got) != 1 {
		t.Fatalf("files = %v, want one", got)
	}
	c, _, err := d.Put(ctx, strings.NewReader("other bytes"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if c == a {
		t.Fatal("different content, same hash")
	}
	if got := files(t, dir); len(got) != 2 {
		t.Fatalf("files = %v, want two", got)
	}
}

func TestOverLimit(t *testing.T) {
	d, dir := open(t)
	_, _, err := d.Put(context.Background(), strings.NewReader(strings.Repeat("x", 1001)), 1000)
	var e *desk.Error
	if !errors.As(err, &e) || e.Kind != desk.ETOOLARGE || e.Code != "file_too_large" {
		t.Fatalf("err = %v, want ETOOLARGE file_too_large", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("files after refused upload = %v, want none", got)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("connection reset")
	}
	r.n--
	return copy(p, "partial"), nil
}

func TestFailedReadLeavesNothing(t *testing.T) {
	d, dir := open(t)
	if _, _, err := d.Put(context.Background(), &failingReader{n: 3}, 1000); err == nil {
		t.Fatal("Put succeeded on a failing reader")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := d.Put(ctx, strings.NewReader("abc"), 1000); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with cancelled context = %v, want context.Canceled", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("files = %v, want none", got)
	}
}

func TestBadHashesNotFound(t *testing.T) {
	d, dir := open(t)
	ctx := context.Background()
	sum, _, err := d.Put(ctx, strings.NewReader("secret"), 100)
	if err != nil {
		t.Fatal(err)
	}
	// A file outside the store that a traversal would reach.
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "x"), []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"",
		"../x",
		"../../etc/passwd",
		strings.ToUpper(sum),
		sum[:63],
		sum + "0",
		sum[:2] + "/" + sum[3:],
		"tmp/" + sum[5:],
		strings.Repeat("g", 64),
		strings.Repeat("0", 64), // well-formed but absent
	} {
		f, err := d.Open(ctx, s)
		if err == nil {
			f.Close()
			t.Errorf("Open(%q) succeeded", s)
			continue
		}
		var e *desk.Error
		if !errors.As(err, &e) || e.Kind != desk.ENOTFOUND || e.Code != "attachment_not_found" {
			t.Errorf("Open(%q) = %v, want attachment_not_found", s, err)
		}
	}
}

func TestOpenRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	stale := filepath.Join(dir, tmpDir, "crashed")
	fresh := filepath.Join(dir, tmpDir, "uploading")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleAfter)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	d, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temp file still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("recent temp file removed: %v", err)
	}
}
