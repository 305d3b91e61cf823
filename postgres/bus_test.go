package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"desk"
	"desk/bizhours"
	"desk/blobs"
	"desk/postgres"
	"desk/postgres/pgtest"
	"desk/status"
)

// eventually is how long a test waits for an event to travel between
// nodes. Delivery takes milliseconds; the generous deadline only keeps a
// loaded machine from failing the test.
const eventually = 10 * time.Second

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixedClock never moves, so that no cache can expire on its own in a
// test: only an event can make a node see a change.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// monday10 is Monday 2 March 2026, 10:00 in Amsterdam.
var monday10 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func openBus(t testing.TB, db *postgres.DB) *postgres.Bus {
	t.Helper()
	b, err := postgres.OpenBus(context.Background(), db, fixedClock{monday10}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// next returns the next event on ch, failing the test if none comes.
func next(t testing.TB, ch <-chan desk.Event) desk.Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return e
	case <-time.After(eventually):
		t.Fatal("no event arrived")
	}
	panic("unreachable")
}

// TestBusReachesOtherNode: an event published on node A reaches B's
// subscribers once, and A's own subscribers once, not a second time as
// an echo from the database.
func TestBusReachesOtherNode(t *testing.T) {
	db := pgtest.Open(t)
	a, b := openBus(t, db), openBus(t, db)
	if a.Node() == b.Node() || a.Channel() != b.Channel() {
		t.Fatalf("nodes %s and %s on channels %s and %s", a.Node(), b.Node(), a.Channel(), b.Channel())
	}
	onA, stopA := a.Subscribe()
	defer stopA()
	onB, stopB := b.Subscribe()
	defer stopB()

	ctx := context.Background()
	sent := desk.Event{Type: "case.created", OrgID: 7, CaseID: 42, At: monday10}
	a.Publish(ctx, sent)
	if got := next(t, onA); got != sent {
		t.Fatalf("A's own subscriber got %+v, want %+v", got, sent)
	}
	if got := next(t, onB); got != sent {
		t.Fatalf("B's subscriber got %+v, want %+v", got, sent)
	}
	// B answers. Notifications reach every listener in the order they were
	// sent, so by the time B's answer reaches A, an echo of A's own event
	// would have arrived before it.
	reply := desk.Event{Type: "case.message", OrgID: 7, CaseID: 42, At: monday10.Add(time.Second)}
	b.Publish(ctx, reply)
	if got := next(t, onB); got != reply {
		t.Fatalf("B's own subscriber got %+v, want its reply", got)
	}
	if got := next(t, onA); got != reply {
		t.Fatalf("A got %+v after its own event, want B's reply (an echo?)", got)
	}
	if s := a.Stats(); s.Received != 1 {
		t.Errorf("A's stats %+v, want one event received", s)
	}
}

// TestBusIsolatesInstallations: two installations in different schemas of
// one database do not hear each other.
func TestBusIsolatesInstallations(t *testing.T) {
	one, other := pgtest.Open(t), pgtest.Open(t)
	sender, listener, peer := openBus(t, one), openBus(t, other), openBus(t, other)
	if sender.Channel() == listener.Channel() {
		t.Fatalf("both installations use channel %s", sender.Channel())
	}
	ch, stop := listener.Subscribe()
	defer stop()
	ctx := context.Background()
	sender.Publish(ctx, desk.Event{Type: "case.created", OrgID: 1, CaseID: 1})
	waitSent(t, sender, 1)
	// A marker from the other installation's second node, sent after the
	// first event committed, shows that notifications flow there: had the
	// first event come through, it would have arrived before the marker.
	peer.Publish(ctx, desk.Event{Type: "marker"})
	if got := next(t, ch); got.Type != "marker" {
		t.Fatalf("other installation received %+v", got)
	}
}

// waitSent waits until a bus has sent n events to the other nodes.
func waitSent(t testing.TB, b *postgres.Bus, n uint64) {
	t.Helper()
	deadline := time.Now().Add(eventually)
	for b.Stats().Sent < n {
		if time.Now().After(deadline) {
			t.Fatalf("bus sent %d events, want %d", b.Stats().Sent, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// terminateListener kills a bus's listening connection from the server
// side, as a database restart or a network failure would.
func terminateListener(t testing.TB, b *postgres.Bus) {
	t.Helper()
	admin, err := sql.Open("pgx", pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	err = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		"supportdesk-bus-"+b.Node()).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminated %d listeners (%v), want 1", n, err)
	}
}

// TestBusReconnectsAndResyncs: when B's listening connection is killed, B
// reconnects, tells its subscribers to reload (it cannot know what it
// missed), and receives A's events again.
func TestBusReconnectsAndResyncs(t *testing.T) {
	db := pgtest.Open(t)
	a, b := openBus(t, db), openBus(t, db)
	onB, stop := b.Subscribe()
	defer stop()

	terminateListener(t, b)
	var got []string
	for len(got) < 2 {
		got = append(got, next(t, onB).Type)
	}
	if got[0] != desk.EventResync || got[1] != desk.EventComponentsChanged {
		t.Fatalf("after reconnecting B delivered %v, want %s and %s", got, desk.EventResync, desk.EventComponentsChanged)
	}
	if s := b.Stats(); s.Reconnects != 1 {
		t.Errorf("B reconnected %d times, want 1", s.Reconnects)
	}

	// Listening again: A's events arrive. A resync is local; A never hears
	// of B's.
	onA, stopA := a.Subscribe()
	defer stopA()
	a.Publish(context.Background(), desk.Event{Type: desk.EventHealthChanged, At: monday10})
	if e := next(t, onB); e.Type != desk.EventHealthChanged {
		t.Fatalf("B got %+v after reconnecting, want A's event", e)
	}
	if e := next(t, onA); e.Type != desk.EventHealthChanged {
		t.Fatalf("A got %+v, want only its own event", e)
	}
	select {
	case e := <-onA:
		t.Fatalf("A got %+v as well", e)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestBusSlowSubscriberDoesNotBlock: a subscriber on B that never reads
// loses events, but B's listener keeps delivering to the others.
func TestBusSlowSubscriberDoesNotBlock(t *testing.T) {
	db := pgtest.Open(t)
	a, b := openBus(t, db), openBus(t, db)
	_, stopStuck := b.Subscribe() // never read
	defer stopStuck()
	live, stop := b.Subscribe()
	defer stop()

	// Many times a subscriber's buffer, in rounds that the live subscriber
	// reads before the next, so that only the stuck one falls behind.
	const rounds, per = 10, 32
	ctx := context.Background()
	for r := range rounds {
		for i := range per {
			a.Publish(ctx, desk.Event{Type: "case.message", OrgID: 1, CaseID: int64(r*per + i + 1), At: monday10})
		}
		for i := range per {
			if got := next(t, live); got.CaseID != int64(r*per+i+1) {
				t.Fatalf("live subscriber got %+v, want case %d", got, r*per+i+1)
			}
		}
	}
	if s := b.Stats(); s.Dropped == 0 || s.Received != rounds*per {
		t.Errorf("B's stats %+v: want %d received and drops for the stuck subscriber", s, rounds*per)
	}
}

// node is one node of an installation: a service with its own catalogue
// cache on its own bus, and a status page.
type node struct {
	svc  *desk.Service
	bus  *postgres.Bus
	page *status.Page
}

func newNode(t *testing.T, ctx context.Context, db *postgres.DB, follow bool) *node {
	t.Helper()
	bl, err := blobs.Open(filepath.Join(t.TempDir(), "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bl.Close() })
	n := &node{bus: openBus(t, db)}
	n.svc = desk.NewService(db, bl, n.bus, fixedClock{monday10})
	if follow {
		go n.svc.FollowCatalogue(ctx)
	}
	n.page = &status.Page{Service: n.svc, Bus: n.bus, Logger: quiet, BaseURL: "http://status.test", Name: "Supportdesk"}
	if err := n.page.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNodesShareChanges runs two nodes on one database: an incident
// published through A appears on B's status page, and a calendar changed
// through A is used by B's next case at once, although B's clock stands
// still and its cache would keep the old calendar for ever. A third node
// that does not follow the bus shows that B's cache was real.
func TestNodesShareChanges(t *testing.T) {
	db := pgtest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Everything the nodes send between them, as any role on the database
	// could read it.
	wire := listenRaw(t, ctx, db)

	// Catalogue and people, written straight to the store.
	must(db.PutProduct(ctx, &desk.Product{Code: "mail", Name: "Mail"}))
	must(db.PutPlan(ctx, &desk.Plan{Code: "business", Name: "Business", SupportIncluded: true,
		Channels: []desk.Channel{desk.ChannelWeb, desk.ChannelEmail}, MaxSeverity: desk.SeverityHigh}))
	org := &desk.Org{Name: "Contoso", TimeZone: "Europe/Amsterdam", Language: "en", CreatedAt: monday10}
	must(db.CreateOrg(ctx, org))
	must(db.PutSubscription(ctx, &desk.Subscription{OrgID: org.ID, Product: "mail", Plan: "business"}))
	other := &desk.Org{Name: "Fabrikam", TimeZone: "Europe/Amsterdam", Language: "en", CreatedAt: monday10}
	must(db.CreateOrg(ctx, other))
	user := func(orgID int64, email string, role desk.Role) *desk.User {
		u := &desk.User{OrgID: orgID, Email: email, Name: email, Role: role, Language: "en", TimeZone: "UTC", CreatedAt: monday10}
		must(db.CreateUser(ctx, u))
		return u
	}
	carl := user(org.ID, "carl@contoso.example", desk.RoleSupportAdmin)
	sam := user(0, "sam@vendor.example", desk.RoleSupervisor)
	stan := user(0, "stan@vendor.example", desk.RoleStatusManager)

	a, b, c := newNode(t, ctx, db, true), newNode(t, ctx, db, true), newNode(t, ctx, db, false)

	// Office hours 09:00–17:00 on weekdays; a first response within an
	// hour of business time.
	hours := func(from int) *bizhours.Calendar {
		var week [7][]bizhours.Interval
		for d := time.Monday; d <= time.Friday; d++ {
			week[d] = []bizhours.Interval{{Start: from * 60, End: 17 * 60}}
		}
		cal, err := bizhours.New("desk-hours", "Europe/Amsterdam", week)
		must(err)
		return cal
	}
	must(a.svc.PutCalendar(ctx, sam, hours(9)))
	must(a.svc.PutSLAPolicy(ctx, sam, &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityNormal,
		Calendar: "desk-hours", FirstResponseMinutes: 60}))
	firstResponseDue := func(n *node) time.Time {
		t.Helper()
		cs, _, err := n.svc.OpenCase(ctx, carl, desk.NewCase{Product: "mail", Category: desk.CategoryTechnical,
			Severity: desk.SeverityNormal, Title: "Contoso secret: mail delayed", Description: "Messages arrive late."}, "")
		must(err)
		if cs.FirstResponseDueAt == nil {
			t.Fatal("case has no first-response due time")
		}
		return cs.FirstResponseDueAt.UTC()
	}
	// Monday 10:00 in Amsterdam plus an hour: 11:00, 10:00 UTC. B and C
	// now hold the calendar in their caches.
	nine := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, n := range []*node{b, c} {
		if got := firstResponseDue(n); !got.Equal(nine) {
			t.Fatalf("first response due %v, want %v", got, nine)
		}
	}

	// Business hours now start at noon: the first response is due at 13:00
	// in Amsterdam.
	must(a.svc.PutCalendar(ctx, sam, hours(12)))
	noon := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	deadline := time.Now().Add(eventually)
	for got := firstResponseDue(b); !got.Equal(noon); got = firstResponseDue(b) {
		if time.Now().After(deadline) {
			t.Fatalf("B still computes first response due %v after the calendar changed on A, want %v", got, noon)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := firstResponseDue(c); !got.Equal(nine) {
		t.Fatalf("the node without the bus computed %v: its cache was never used, so this test shows nothing", got)
	}

	// An incident limited to one organisation, then a public one, both
	// published through A.
	_, err := a.svc.PutComponent(ctx, stan, desk.Component{Code: "mail", Name: "Mail", Position: 1})
	must(err)
	_, err = a.svc.CreateIncident(ctx, stan, desk.NewIncident{Title: "Fabrikam-only tenant move", Impact: desk.ImpactMinor,
		Affected: []desk.Affected{{Component: "mail"}}, OrgIDs: []int64{other.ID}, Body: "Moving Fabrikam's tenant."})
	must(err)
	_, err = a.svc.CreateIncident(ctx, stan, desk.NewIncident{Title: "Mail delivery delayed", Impact: desk.ImpactMajor,
		Public: true, Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentPartialOutage}},
		Body: "Messages queue for up to an hour."})
	must(err)
	h := b.page.Handler()
	deadline = time.Now().Add(eventually)
	for {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v2/summary.json", nil))
		body := w.Body.String()
		if strings.Contains(body, "Fabrikam-only") {
			t.Fatalf("B's public status page shows an incident limited to one organisation:\n%s", body)
		}
		if strings.Contains(body, "Mail delivery delayed") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B's status page does not show the incident published on A:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// What went over the database carried ids, never what a case or an
	// incident says.
	payloads := wire.stop()
	if len(payloads) == 0 {
		t.Fatal("nothing was sent between the nodes")
	}
	for _, p := range payloads {
		for _, secret := range []string{"Contoso", "secret", "Fabrikam", "Mail delivery", "desk-hours"} {
			if strings.Contains(p, secret) {
				t.Fatalf("notification %s carries %q", p, secret)
			}
		}
		var fields map[string]any
		if err := json.Unmarshal([]byte(p), &fields); err != nil || len(p) > 200 {
			t.Fatalf("notification %q (%v): want small JSON", p, err)
		}
	}
}

// rawListener records every payload on an installation's channel.
type rawListener struct {
	mu       sync.Mutex
	payloads []string
	cancel   context.CancelFunc
	done     chan struct{}
}

func listenRaw(t *testing.T, ctx context.Context, db *postgres.DB) *rawListener {
	t.Helper()
	b := openBus(t, db) // only to learn the channel's name
	conn, err := pgx.Connect(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.Channel()}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	lctx, cancel := context.WithCancel(ctx)
	l := &rawListener{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		defer conn.Close(context.Background())
		for {
			n, err := conn.WaitForNotification(lctx)
			if err != nil {
				return
			}
			l.mu.Lock()
			l.payloads = append(l.payloads, n.Payload)
			l.mu.Unlock()
		}
	}()
	t.Cleanup(func() { l.stop() })
	return l
}

func (l *rawListener) stop() []string {
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.payloads
}

// BenchmarkBusRoundTrip measures the time from Publish on one node to
// delivery to a subscriber on another, one event at a time.
func BenchmarkBusRoundTrip(b *testing.B) {
	db := pgtest.Open(b)
	from, to := openBus(b, db), openBus(b, db)
	ch, stop := to.Subscribe()
	defer stop()
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		from.Publish(ctx, desk.Event{Type: "case.message", CaseID: int64(i + 1)})
		if e := next(b, ch); e.CaseID != int64(i+1) {
			b.Fatal(fmt.Sprintf("got %+v", e))
		}
	}
}
