package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"desk"
)

// reindexBatch is how many cases one reindex transaction writes: large
// enough that commits cost little, small enough that case changes on a
// running desk wait for the SQLite writer only briefly.
const reindexBatch = 500

// reindex rebuilds the case search index from scratch, reporting progress
// every few seconds. The desk may keep running: changes made meanwhile
// are indexed as usual, but searches find only the cases reindexed so far
// until it ends.
func reindex(ctx context.Context, cfg Config, stdout io.Writer) error {
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	return reindexStore(ctx, s, stdout)
}

func reindexStore(ctx context.Context, s desk.Store, stdout io.Writer) error {
	start := time.Now()
	last := start
	n, err := s.ReindexCases(ctx, reindexBatch, func(cases, entries int) {
		if time.Since(last) >= 5*time.Second {
			last = time.Now()
			fmt.Fprintf(stdout, "%d cases, %d entries indexed\n", cases, entries)
		}
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "case search index rebuilt: %d entries in %s (%.0f entries/s)\n", n, took.Round(time.Millisecond), float64(n)/max(took.Seconds(), 1e-9))
	return nil
}
