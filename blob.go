package desk

import (
	"context"
	"io"
)

// BlobStore keeps file contents by their SHA-256, so that names never
// become paths and the same file is stored once.
type BlobStore interface {
	// Put reads r to its end, at most limit bytes, and stores it. More than
	// limit bytes fail with ETOOLARGE and leave nothing behind.
	Put(ctx context.Context, r io.Reader, limit int64) (sha256hex string, size int64, err error)
	// Open returns the content stored under sha256hex.
	Open(ctx context.Context, sha256hex string) (io.ReadSeekCloser, error)
}
