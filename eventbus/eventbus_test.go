package eventbus

import (
	"context"
	"sync"
	"testing"
	"time"

	"desk"
)

func recv(t *testing.T, ch <-chan desk.Event) desk.Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("channel closed")
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	panic("unreachable")
}

func TestFanOut(t *testing.T) {
	b := New()
	ctx := context.Background()
	c1, u1 := b.Subscribe()
	defer u1()
	c2, u2 := b.Subscribe()
	defer u2()

	want := []desk.Event{
		{Type: "case.created", OrgID: 1, CaseID: 7},
		{Type: "case.message", OrgID: 1, CaseID: 7},
	}
	for _, e := range want {
		b.Publish(ctx, e)
	}
	for i, ch := range []<-chan desk.Event{c1, c2} {
		for _, w := range want {
			if got := recv(t, ch); got != w {
				t.Errorf("subscriber %d got %+v, want %+v", i+1, got, w)
			}
		}
	}
	if b.Dropped() != 0 {
		t.Errorf("Dropped = %d, want 0", b.Dropped())
	}
}

func TestUnsubscribe(t *testing.T) {
	b := New()
	ctx := context.Background()
	gone, unsub := b.Subscribe()
	stay, unsub2 := b.Subscribe()
	defer unsub2()

	unsub()
	unsub() // a second call is harmless
	if _, ok := <-gone; ok {
		t.Fatal("channel of ended subscription not closed")
	}
	b.Publish(ctx, desk.Event{Type: "case.close", CaseID: 3})
	if got := recv(t, stay); got.CaseID != 3 {
		t.Fatalf("remaining subscriber got %+v", got)
	}
	if b.Dropped() != 0 {
		t.Errorf("Dropped = %d: events were offered to an ended subscription", b.Dropped())
	}
}

func TestStuckSubscriberDoesNotBlock(t *testing.T) {
	b := New()
	ctx := context.Background()
	_, unsubStuck := b.Subscribe() // never read
	defer unsubStuck()
	live, unsub := b.Subscribe()
	defer unsub()

	// The live subscriber reads each event before the next is published,
	// so every loss is the stuck subscriber's.
	const n = Buffer + 10
	finished := make(chan struct{})
	go func() {
		for i := range n {
			b.Publish(ctx, desk.Event{Type: "case.message", CaseID: int64(i)})
			if e := <-live; e.CaseID != int64(i) {
				t.Errorf("live subscriber got case %d, want %d", e.CaseID, i)
			}
		}
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a stuck subscriber")
	}
	if d := b.Dropped(); d != n-Buffer {
		t.Fatalf("Dropped = %d, want %d", d, n-Buffer)
	}
}

func TestConcurrentUse(t *testing.T) {
	b := New()
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				ch, unsub := b.Subscribe()
				b.Publish(ctx, desk.Event{Type: "case.created"})
				<-ch
				unsub()
			}
		})
		wg.Go(func() {
			for range 100 {
				b.Publish(ctx, desk.Event{Type: "case.message"})
			}
		})
	}
	wg.Wait()
}
