package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// queue is a claimable list of rows; a claim takes up to two.
type queue struct {
	rows   []int
	claims int
}

func (q *queue) claim(context.Context) ([]int, error) {
	q.claims++
	n := min(2, len(q.rows))
	b := q.rows[:n]
	q.rows = q.rows[n:]
	return b, nil
}

func TestDrainUntilEmpty(t *testing.T) {
	q := &queue{rows: []int{1, 2, 3, 4, 5}}
	var seen []int
	n, err := Drain(context.Background(), q.claim, func(_ context.Context, b []int) (int, bool, error) {
		seen = append(seen, b...)
		return len(b), true, nil
	})
	if err != nil || n != 5 || len(seen) != 5 || q.claims != 4 {
		t.Fatalf("drained %d rows (%v) in %d claims, err %v; want 5 in 4 claims", n, seen, q.claims, err)
	}
}

func TestDrainStopsWithoutProgressOrOnError(t *testing.T) {
	q := &queue{rows: []int{1, 2, 3, 4}}
	n, err := Drain(context.Background(), q.claim, func(_ context.Context, b []int) (int, bool, error) {
		return 0, false, nil
	})
	if err != nil || n != 0 || q.claims != 1 {
		t.Fatalf("without progress: %d rows, %d claims, %v; want one claim", n, q.claims, err)
	}
	boom := errors.New("boom")
	q = &queue{rows: []int{1, 2, 3, 4}}
	n, err = Drain(context.Background(), q.claim, func(_ context.Context, b []int) (int, bool, error) {
		return 1, true, boom
	})
	if !errors.Is(err, boom) || n != 1 || q.claims != 1 {
		t.Fatalf("on an error: %d rows, %d claims, %v", n, q.claims, err)
	}
	_, err = Drain(context.Background(), func(context.Context) ([]int, error) { return nil, boom },
		func(context.Context, []int) (int, bool, error) {
			t.Fatal("processed after a failed claim")
			return 0, false, nil
		})
	if !errors.Is(err, boom) {
		t.Fatalf("a failed claim: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q = &queue{rows: []int{1}}
	if _, err := Drain(ctx, q.claim, func(context.Context, []int) (int, bool, error) { return 1, true, nil }); !errors.Is(err, context.Canceled) || q.claims != 0 {
		t.Fatalf("cancelled: %v after %d claims", err, q.claims)
	}
}

func TestEveryRunsAtOnceThenEachIntervalAndLogs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		ctx, cancel := context.WithCancel(context.Background())
		var runs atomic.Int32
		done := make(chan struct{})
		go func() {
			Every(ctx, time.Minute, log, "test run", func(context.Context) (int, error) {
				runs.Add(1)
				return 0, errors.New("store down")
			})
			close(done)
		}()
		synctest.Wait()
		if n := runs.Load(); n != 1 {
			t.Fatalf("%d runs before the first tick, want 1", n)
		}
		time.Sleep(3*time.Minute + time.Second)
		synctest.Wait()
		if n := runs.Load(); n != 4 {
			t.Fatalf("%d runs after three minutes, want 4", n)
		}
		cancel()
		<-done
		if !strings.Contains(logs.String(), "test run failed") || !strings.Contains(logs.String(), "store down") {
			t.Fatalf("errors not logged: %s", logs.String())
		}
	})
}

func TestOwnersDiffer(t *testing.T) {
	if a, b := Owner(), Owner(); a == b || a == "" {
		t.Fatalf("owners %q and %q", a, b)
	}
}
