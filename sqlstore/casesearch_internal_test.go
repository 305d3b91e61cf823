package sqlstore

import "testing"

// TestNextChunk checks the size of the chunk a case search asks for next:
// as many entries as the page still needs cases, at the rate the last
// chunk found them, a quarter more; four times as many when the last chunk
// found no new case; never more than maxChunk, never fewer than 8.
func TestNextChunk(t *testing.T) {
	for _, tt := range []struct{ chunk, rows, found, need, want int64 }{
		{27, 27, 18, 3, 8},   // 3 * 27/18 * 5/4 + 2 = 7, at least 8
		{27, 27, 9, 12, 47},  // 12 * 3 * 5/4 + 2
		{27, 27, 0, 21, 108}, // one case's entries filled the chunk
		{2048, 2048, 0, 5, maxChunk},
		{27, 27, 1, 20, 677}, // 20 * 27 * 5/4 + 2
		{100, 100, 1, 100, maxChunk},
	} {
		if got := nextChunk(tt.chunk, tt.rows, tt.found, tt.need); got != tt.want {
			t.Errorf("nextChunk(%d, %d, %d, %d) = %d, want %d", tt.chunk, tt.rows, tt.found, tt.need, got, tt.want)
		}
	}
}
