package desk_test

import (
	"context"
	"testing"
	"time"

	"desk"
	"desk/bizhours"
)

// slowCalendars holds up one read of a calendar after it has read the
// stored value, as a slow database would, until released.
type slowCalendars struct {
	desk.Store
	armed   chan struct{} // a value in it: the next read is held
	reading chan struct{}
	release chan struct{}
}

func (s *slowCalendars) Calendar(ctx context.Context, name string) (*bizhours.Calendar, error) {
	c, err := s.Store.Calendar(ctx, name)
	select {
	case <-s.armed:
		s.reading <- struct{}{}
		<-s.release
	default:
	}
	return c, err
}

func officeHours(t *testing.T, from int) *bizhours.Calendar {
	t.Helper()
	var week [7][]bizhours.Interval
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []bizhours.Interval{{Start: from * 60, End: 17 * 60}}
	}
	c, err := bizhours.New("desk-hours", "Europe/Amsterdam", week)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func firstResponseDue(t *testing.T, e *env) time.Time {
	t.Helper()
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.FirstResponseDueAt == nil {
		t.Fatal("case has no first-response due time")
	}
	return c.FirstResponseDueAt.UTC()
}

// TestCalendarChangeDuringSlowRead: a case computed while the calendar
// changes may use the old calendar, but the old calendar is not kept in
// the cache after the change, so the next case uses the new one.
func TestCalendarChangeDuringSlowRead(t *testing.T) {
	e := newEnv(t)
	slow := &slowCalendars{Store: e.svc.Store, armed: make(chan struct{}, 1),
		reading: make(chan struct{}), release: make(chan struct{})}
	e.svc.Store = slow
	if err := e.svc.PutCalendar(e.ctx, e.super, officeHours(t, 9)); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.PutSLAPolicy(e.ctx, e.super, &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityNormal,
		Calendar: "desk-hours", FirstResponseMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	slow.armed <- struct{}{}
	first := make(chan time.Time, 1)
	go func() {
		c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
		if err != nil || c.FirstResponseDueAt == nil {
			first <- time.Time{}
			return
		}
		first <- c.FirstResponseDueAt.UTC()
	}()
	<-slow.reading // the old calendar is read and not yet cached
	if err := e.svc.PutCalendar(e.ctx, e.super, officeHours(t, 12)); err != nil {
		t.Fatal(err)
	}
	close(slow.release)
	if got, want := <-first, at("2026-03-02T10:00:00Z"); !got.Equal(want) {
		t.Fatalf("case opened during the change: first response due %v, want %v (old calendar)", got, want)
	}
	if got, want := firstResponseDue(t, e), at("2026-03-02T12:00:00Z"); !got.Equal(want) {
		t.Fatalf("next case: first response due %v, want %v (new calendar)", got, want)
	}
}

// TestFollowCatalogue: a catalogue change announced on the bus, as another
// node's change arrives, drops this node's cached calendar, although the
// clock stands still and the cache would never expire.
func TestFollowCatalogue(t *testing.T) {
	e := newEnv(t)
	if err := e.svc.PutCalendar(e.ctx, e.super, officeHours(t, 9)); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.PutSLAPolicy(e.ctx, e.super, &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityNormal,
		Calendar: "desk-hours", FirstResponseMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	go e.svc.FollowCatalogue(ctx)
	if got, want := firstResponseDue(t, e), at("2026-03-02T10:00:00Z"); !got.Equal(want) {
		t.Fatalf("first response due %v, want %v", got, want)
	}
	// Another node changes the calendar: the store changes, this node's
	// cache does not know until the bus says so.
	for _, round := range []struct {
		from  int
		event string
		want  string
	}{
		{12, desk.EventCatalogueChanged, "2026-03-02T12:00:00Z"},
		{9, desk.EventResync, "2026-03-02T10:00:00Z"},
	} {
		before := firstResponseDue(t, e)
		if err := e.svc.Store.PutCalendar(e.ctx, officeHours(t, round.from), e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if got := firstResponseDue(t, e); !got.Equal(before) {
			t.Fatalf("before %s: first response due %v, want %v from the cache", round.event, got, before)
		}
		e.svc.Bus.Publish(e.ctx, desk.Event{Type: round.event, At: e.clock.Now()})
		want := at(round.want)
		deadline := time.Now().Add(5 * time.Second)
		for got := firstResponseDue(t, e); !got.Equal(want); got = firstResponseDue(t, e) {
			if time.Now().After(deadline) {
				t.Fatalf("after %s: first response due %v, want %v", round.event, got, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
