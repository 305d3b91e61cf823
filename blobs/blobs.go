// Package blobs keeps attachment contents in a directory, addressed by
// their SHA-256.
//
// A blob lives at ab/cdef… under the directory, where abcdef… is the
// lowercase hex SHA-256 of its content. Client file names never become
// paths: the only names used are server-generated temp names and hashes,
// and every file operation goes through an [os.Root], so that even a bug
// in this package cannot reach outside the directory.
//
// Put writes to a temp file, syncs it, renames it into place and syncs the
// directory, so that a blob is durable before the case row referring to it
// commits. A crash between the two leaves an unreferenced blob, which is
// harmless; the reverse order could leave a row pointing at nothing.
package blobs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"time"

	"desk"
)

// tmpDir holds uploads in progress. Its name cannot be mistaken for a blob
// subdirectory, which always has two hex characters.
const tmpDir = "tmp"

// staleAfter is how old a temp file must be before Open removes it as the
// leftover of a crash rather than an upload in progress on another process
// sharing the directory.
const staleAfter = 24 * time.Hour

// Dir is a content-addressed blob store in one directory. It implements
// desk.BlobStore and is safe for concurrent use.
type Dir struct {
	root *os.Root
}

var _ desk.BlobStore = (*Dir)(nil)

// Open opens the blob store in dir, creating the directory if needed, and
// removes temp files left behind by a crash.
func Open(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blobs: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blobs: %w", err)
	}
	d := &Dir{root: root}
	if err := root.Mkdir(tmpDir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		root.Close()
		return nil, fmt.Errorf("blobs: %w", err)
	}
	if err := d.removeStale(time.Now().Add(-staleAfter)); err != nil {
		root.Close()
		return nil, fmt.Errorf("blobs: %w", err)
	}
	return d, nil
}

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

func (d *Dir) removeStale(before time.Time) error {
	f, err := d.root.Open(tmpDir)
	if err != nil {
		return err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return err
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || info.ModTime().After(before) {
			continue
		}
		if err := d.root.Remove(tmpDir + "/" + e.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Put stores the content of r, at most limit bytes, and returns its
// SHA-256 in lowercase hex and its size. Content already stored is kept
// once. More than limit bytes fail with ETOOLARGE and leave nothing behind.
func (d *Dir) Put(ctx context.Context, r io.Reader, limit int64) (sha256hex string, size int64, err error) {
	var rnd [16]byte
	rand.Read(rnd[:])
	tmp := tmpDir + "/" + hex.EncodeToString(rnd[:])
	f, err := d.root.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return "", 0, fmt.Errorf("blobs: put: %w", err)
	}
	// Until the rename succeeds, the temp file is ours to remove on any
	// failure: an upload cut short must not leave a partial file.
	renamed := false
	defer func() {
		if f != nil {
			f.Close()
		}
		if !renamed {
			d.root.Remove(tmp)
		}
	}()

	h := sha256.New()
	// Reading one byte past the limit tells "exactly limit" from "more".
	size, err = io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, max(limit, 0)+1))
	if err != nil {
		return "", 0, fmt.Errorf("blobs: put: %w", err)
	}
	if size > limit {
		return "", 0, &desk.Error{
			Kind: desk.ETOOLARGE, Code: "file_too_large", Field: "file",
			Message: fmt.Sprintf("the file is larger than %d bytes", limit),
		}
	}
	if err := f.Sync(); err != nil {
		return "", 0, fmt.Errorf("blobs: put: %w", err)
	}
	if err := f.Close(); err != nil {
		f = nil
		return "", 0, fmt.Errorf("blobs: put: %w", err)
	}
	f = nil

	sum := sumHex(h)
	sub, name := sum[:2], sum[:2]+"/"+sum[2:]
	if _, err := d.root.Stat(name); err == nil {
		// Stored before, but perhaps by a Put that has not yet synced its
		// directory (or failed to): sync both before acknowledging. The
		// deferred remove drops the copy.
		if err := d.syncFile(name); err != nil {
			return "", 0, fmt.Errorf("blobs: put: %w", err)
		}
		if err := d.syncDir(sub); err != nil {
			return "", 0, fmt.Errorf("blobs: put: %w", err)
		}
		if err := d.syncDir("."); err != nil {
			return "", 0, fmt.Errorf("blobs: put: %w", err)
		}
		return sum, size, nil
	}
	newSub := false
	if err := d.root.Mkdir(sub, 0o750); err == nil {
		newSub = true
	} else if !errors.Is(err, fs.ErrExist) {
		return "", 0, fmt.Errorf("blobs: put: %w", err)
	}
	if err := d.root.Rename(tmp, name); err != nil {
		return "", 0, fmt.Errorf("blobs: put: %w", err)
	}
	renamed = true
	// The rename is durable only once the directory holding the new entry
	// is synced, and a new subdirectory only once its parent is.
	if err := d.syncDir(sub); err != nil {
		return "", 0, fmt.Errorf("blobs: put: %w", err)
	}
	if newSub {
		if err := d.syncDir("."); err != nil {
			return "", 0, fmt.Errorf("blobs: put: %w", err)
		}
	}
	return sum, size, nil
}

func (d *Dir) syncFile(name string) error { return d.syncDir(name) }

func (d *Dir) syncDir(name string) error {
	f, err := d.root.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Open returns the content stored under sha256hex. Anything that is not
// exactly 64 lowercase hex characters is not found, so that the argument
// can never name another file.
func (d *Dir) Open(ctx context.Context, sha256hex string) (io.ReadSeekCloser, error) {
	if !validSum(sha256hex) {
		return nil, desk.NotFound("attachment")
	}
	f, err := d.root.Open(sha256hex[:2] + "/" + sha256hex[2:])
	if errors.Is(err, fs.ErrNotExist) {
		return nil, desk.NotFound("attachment")
	} else if err != nil {
		return nil, fmt.Errorf("blobs: open: %w", err)
	}
	return f, nil
}

func validSum(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func sumHex(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// ctxReader stops a copy when the request is cancelled, so that an
// abandoned upload does not keep writing.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
