package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"desk"
)

// testWebhooks runs the webhook checks in turn on one store. Each leaves
// no delivery pending behind it, so that the claims of the next see only
// their own.
func testWebhooks(t *testing.T, f *fixture) {
	for _, tt := range []struct {
		name string
		fn   func(t *testing.T, f *fixture)
	}{
		{"ScopeAndLimit", testWebhookScope},
		{"LimitConcurrent", testWebhookLimitConcurrent},
		{"WithIncidents", testWebhookIncidentDeliveries},
		{"Leases", testWebhookLeases},
		{"ConcurrentClaims", testWebhookConcurrentClaims},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, f)
			f.drainDeliveries(t)
		})
	}
}

// drainDeliveries fails every pending delivery.
func (f *fixture) drainDeliveries(t *testing.T) {
	t.Helper()
	for {
		ds, err := f.s.ClaimDeliveries(f.ctx, "drain", base.Add(1000*time.Hour), time.Minute, 100)
		must(t, err)
		if len(ds) == 0 {
			return
		}
		for _, d := range ds {
			d.Status = desk.DeliveryFailed
		}
		must(t, f.s.FinishDeliveries(f.ctx, ds))
	}
}

func (f *fixture) webhook(t *testing.T, org *desk.Org, by *desk.User, url string, comps ...string) *desk.Webhook {
	t.Helper()
	if comps == nil {
		comps = []string{}
	}
	w := &desk.Webhook{OrgID: org.ID, URL: url, Format: desk.WebhookStandard, Secret: "whsec_c2VjcmV0",
		Components: comps, Active: true, CreatedBy: by.ID, CreatedAt: base}
	must(t, f.s.CreateWebhook(f.ctx, w, 100, &desk.AuditEntry{At: base, ActorID: by.ID, OrgID: org.ID, Action: "webhook.create", ObjectType: "webhook"}))
	return w
}

var eventSeq atomic.Int64

func delivery(w *desk.Webhook, at time.Time) *desk.WebhookDelivery {
	return &desk.WebhookDelivery{WebhookID: w.ID, OrgID: w.OrgID, EventID: fmt.Sprintf("msg_%d_%d", time.Now().UnixNano(), eventSeq.Add(1)),
		EventType: desk.EventWebhookTest, Payload: []byte(`{"type":"webhook.test"}`), CreatedAt: at}
}

// testWebhookScope: webhooks are reached only through their organisation,
// round-trip whole, count against the limit, and take their deliveries
// with them when deleted.
func testWebhookScope(t *testing.T, f *fixture) {
	w := f.webhook(t, f.org1, f.admin1, "https://hooks.one.example/a", "mail", "drive")
	if w.ID == 0 {
		t.Fatal("no id")
	}
	got, err := f.s.Webhook(f.ctx, f.org1.ID, w.ID)
	must(t, err)
	if got.URL != w.URL || got.Format != desk.WebhookStandard || got.Secret != w.Secret || len(got.Components) != 2 ||
		got.Components[1] != "drive" || !got.Active || got.CreatedBy != f.admin1.ID || !got.CreatedAt.Equal(base) {
		t.Fatalf("webhook = %+v", got)
	}
	// Another organisation finds nothing, as for an id that never existed.
	_, err = f.s.Webhook(f.ctx, f.org2.ID, w.ID)
	wantKind(t, err, desk.ENOTFOUND)
	_, err = f.s.Webhook(f.ctx, f.org1.ID, w.ID+1000)
	wantKind(t, err, desk.ENOTFOUND)
	if ws, err := f.s.Webhooks(f.ctx, f.org2.ID); err != nil || len(ws) != 0 {
		t.Fatalf("org2 lists %d webhooks, %v", len(ws), err)
	}
	wantKind(t, f.s.DeleteWebhook(f.ctx, f.org2.ID, w.ID, nil), desk.ENOTFOUND)
	wantKind(t, f.s.SetWebhookActive(f.ctx, f.org2.ID, w.ID, false, nil), desk.ENOTFOUND)
	wantKind(t, f.s.QueueDeliveries(f.ctx, []*desk.WebhookDelivery{{WebhookID: w.ID, OrgID: f.org2.ID, EventID: "msg_cross",
		EventType: desk.EventWebhookTest, Payload: []byte(`{}`), CreatedAt: base}}, nil), desk.ENOTFOUND)
	if ds, err := f.s.Deliveries(f.ctx, f.org1.ID, w.ID, 10); err != nil || len(ds) != 0 {
		t.Fatalf("a refused queueing stored %d deliveries, %v", len(ds), err)
	}
	es, err := f.s.Audit(f.ctx, f.org1.ID, 10)
	must(t, err)
	if len(es) == 0 || es[0].Action != "webhook.create" || es[0].ObjectID != fmt.Sprint(w.ID) {
		t.Fatalf("audit = %+v", es)
	}

	// The limit counts the organisation's webhooks only.
	f.webhook(t, f.org1, f.admin1, "https://hooks.one.example/b")
	err = f.s.CreateWebhook(f.ctx, &desk.Webhook{OrgID: f.org1.ID, URL: "https://x.example/", Format: desk.WebhookChat,
		Components: []string{}, Active: true, CreatedAt: base}, 2, nil)
	if desk.ErrorKind(err) != desk.EREFUSED || desk.ErrorCode(err) != "too_many_webhooks" {
		t.Fatalf("third webhook with a limit of 2: %v", err)
	}
	other := &desk.Webhook{OrgID: f.org2.ID, URL: "https://hooks.two.example/", Format: desk.WebhookChat, Components: []string{}, Active: true, CreatedAt: base}
	must(t, f.s.CreateWebhook(f.ctx, other, 2, nil))
	if got, _ := f.s.Webhook(f.ctx, f.org2.ID, other.ID); got == nil || got.Secret != "" || len(got.Components) != 0 || got.Format != desk.WebhookChat {
		t.Fatalf("chat webhook = %+v", got)
	}

	// Active webhooks, of all organisations or of some.
	all, err := f.s.ActiveWebhooks(f.ctx, nil)
	must(t, err)
	if len(all) != 3 {
		t.Fatalf("%d active webhooks, want 3", len(all))
	}
	must(t, f.s.SetWebhookActive(f.ctx, f.org1.ID, w.ID, false, &desk.AuditEntry{At: base, OrgID: f.org1.ID, Action: "webhook.deactivate", ObjectType: "webhook"}))
	one, err := f.s.ActiveWebhooks(f.ctx, []int64{f.org1.ID})
	must(t, err)
	if len(one) != 1 || one[0].URL != "https://hooks.one.example/b" {
		t.Fatalf("active webhooks of org1 = %+v", one)
	}
	if got, _ := f.s.Webhook(f.ctx, f.org1.ID, w.ID); got == nil || got.Active {
		t.Fatalf("switched off webhook = %+v", got)
	}
	both, err := f.s.ActiveWebhooks(f.ctx, []int64{f.org2.ID, f.org1.ID, f.org2.ID})
	must(t, err)
	if len(both) != 2 || both[0].ID > both[1].ID {
		t.Fatalf("active webhooks of both = %+v", both)
	}
	none, err := f.s.ActiveWebhooks(f.ctx, []int64{})
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("active webhooks of no organisation = %d", len(none))
	}

	// Deleting takes the deliveries along.
	must(t, f.s.QueueDeliveries(f.ctx, []*desk.WebhookDelivery{delivery(w, base), delivery(w, base)}, nil))
	if ds, _ := f.s.Deliveries(f.ctx, f.org1.ID, w.ID, 10); len(ds) != 2 {
		t.Fatalf("%d deliveries queued, want 2", len(ds))
	}
	if ds, _ := f.s.Deliveries(f.ctx, f.org2.ID, w.ID, 10); len(ds) != 0 {
		t.Fatalf("another organisation lists %d deliveries", len(ds))
	}
	must(t, f.s.DeleteWebhook(f.ctx, f.org1.ID, w.ID, &desk.AuditEntry{At: base, OrgID: f.org1.ID, Action: "webhook.delete", ObjectType: "webhook"}))
	_, err = f.s.Webhook(f.ctx, f.org1.ID, w.ID)
	wantKind(t, err, desk.ENOTFOUND)
	if ds, _ := f.s.ClaimDeliveries(f.ctx, "a", base.Add(time.Hour), time.Minute, 10); len(ds) != 0 {
		t.Fatalf("%d deliveries of a deleted webhook claimed", len(ds))
	}
	wantKind(t, f.s.DeleteWebhook(f.ctx, f.org1.ID, w.ID, nil), desk.ENOTFOUND)
}

// testWebhookLimitConcurrent: admins creating webhooks at once cannot
// pass the limit together.
func testWebhookLimitConcurrent(t *testing.T, f *fixture) {
	const limit, tries = 5, 12
	org := &desk.Org{Name: "Three", TimeZone: "UTC", Language: "en", CreatedAt: base}
	must(t, f.s.CreateOrg(f.ctx, org))
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, refused := 0, 0
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := f.s.CreateWebhook(f.ctx, &desk.Webhook{OrgID: org.ID, URL: fmt.Sprintf("https://h%d.example/", i),
				Format: desk.WebhookChat, Components: []string{}, Active: true, CreatedAt: base}, limit, nil)
			mu.Lock()
			defer mu.Unlock()
			switch desk.ErrorCode(err) {
			case "":
				created++
			case "too_many_webhooks":
				refused++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	ws, err := f.s.Webhooks(f.ctx, org.ID)
	must(t, err)
	if created != limit || refused != tries-limit || len(ws) != limit {
		t.Fatalf("created %d, refused %d, stored %d; want %d, %d, %d", created, refused, len(ws), limit, tries-limit, limit)
	}
}

// testWebhookIncidentDeliveries: deliveries made by an incident change are
// stored in its transaction, with the incident's id, and not at all when
// the change fails.
func testWebhookIncidentDeliveries(t *testing.T, f *fixture) {
	must(t, f.s.PutComponent(f.ctx, &desk.Component{Code: "mail", Name: "Mail"}))
	w1 := f.webhook(t, f.org1, f.admin1, "https://hooks.one.example/")
	w2 := f.webhook(t, f.org2, f.admin2, "https://hooks.two.example/")
	gone := f.webhook(t, f.org2, f.admin2, "https://hooks.two.example/gone")
	must(t, f.s.DeleteWebhook(f.ctx, f.org2.ID, gone.ID, nil))

	inc := &desk.Incident{Kind: desk.KindIncident, Title: "Mail down", Impact: desk.ImpactMajor, Status: desk.IncidentInvestigating,
		Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentMajorOutage}}, Public: true,
		StartedAt: base, CreatedAt: base, UpdatedAt: base, Version: 1,
		Posts: []*desk.IncidentPost{{ID: 1, Status: desk.IncidentInvestigating, Body: "Looking.", CreatedAt: base}}}
	var seenID int64
	deliver := func(hooks ...*desk.Webhook) desk.DeliveryFunc {
		return func(inc *desk.Incident) ([]*desk.WebhookDelivery, error) {
			seenID = inc.ID
			var out []*desk.WebhookDelivery
			for _, h := range hooks {
				d := delivery(h, base)
				d.EventType, d.Payload = desk.EventIncidentCreated, []byte(fmt.Sprintf(`{"id":%d}`, inc.ID))
				out = append(out, d)
			}
			return out, nil
		}
	}
	// A webhook deleted after the service read it gets nothing, and the
	// change goes through.
	must(t, f.s.CreateIncident(f.ctx, inc, nil, deliver(w1, w2, gone)))
	if seenID == 0 || seenID != inc.ID {
		t.Fatalf("the delivery function saw incident %d, stored as %d", seenID, inc.ID)
	}
	for _, w := range []*desk.Webhook{w1, w2} {
		ds, err := f.s.Deliveries(f.ctx, w.OrgID, w.ID, 10)
		must(t, err)
		if len(ds) != 1 || ds[0].IncidentID != inc.ID || ds[0].EventType != desk.EventIncidentCreated ||
			string(ds[0].Payload) != fmt.Sprintf(`{"id":%d}`, inc.ID) || ds[0].Status != desk.DeliveryPending ||
			!ds[0].NextAttemptAt.Equal(base) || !ds[0].CreatedAt.Equal(base) || ds[0].OrgID != w.OrgID {
			t.Fatalf("deliveries of webhook %d = %+v", w.ID, ds)
		}
	}

	// A refused update stores none of its deliveries.
	inc.Version = 2
	inc.Posts = append(inc.Posts, &desk.IncidentPost{ID: 2, Status: desk.IncidentRestored, Body: "Fixed.", CreatedAt: base})
	wantKind(t, f.s.UpdateIncident(f.ctx, inc, 7, nil, deliver(w1)), desk.ECONFLICT)
	must(t, f.s.UpdateIncident(f.ctx, inc, 1, nil, deliver(w1)))
	if ds, _ := f.s.Deliveries(f.ctx, f.org1.ID, w1.ID, 10); len(ds) != 2 {
		t.Fatalf("org1 has %d deliveries after one refused and one stored update, want 2", len(ds))
	}
	// A delivery function that fails fails the change.
	boom := errors.New("boom")
	inc2 := *inc
	inc2.ID, inc2.Version = 0, 1
	err := f.s.CreateIncident(f.ctx, &inc2, nil, func(*desk.Incident) ([]*desk.WebhookDelivery, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("create with a failing delivery function: %v", err)
	}
	if list, _ := f.s.Incidents(f.ctx, base.Add(-time.Hour)); len(list) != 1 {
		t.Fatalf("%d incidents stored, want 1", len(list))
	}
	// Without a delivery function nothing is queued.
	inc.Version = 3
	must(t, f.s.UpdateIncident(f.ctx, inc, 2, nil, nil))
	if ds, _ := f.s.Deliveries(f.ctx, f.org2.ID, w2.ID, 10); len(ds) != 1 {
		t.Fatalf("org2 has %d deliveries, want 1", len(ds))
	}
}

// testWebhookLeases: a claimed delivery is leased to one worker at a time,
// comes back when its lease ends, waits for its retry time, and is not
// claimed again once finished.
func testWebhookLeases(t *testing.T, f *fixture) {
	w := f.webhook(t, f.org1, f.admin1, "https://hooks.one.example/")
	first := delivery(w, base)
	must(t, f.s.QueueDeliveries(f.ctx, []*desk.WebhookDelivery{first}, nil))
	if first.ID == 0 || first.Status != desk.DeliveryPending {
		t.Fatalf("queued = %+v", first)
	}
	if ds, err := f.s.ClaimDeliveries(f.ctx, "a", base.Add(-time.Second), time.Minute, 10); err != nil || len(ds) != 0 {
		t.Fatalf("claimed before due: %d, %v", len(ds), err)
	}
	now := base.Add(time.Minute)
	a, err := f.s.ClaimDeliveries(f.ctx, "a", now, time.Minute, 10)
	must(t, err)
	b, err := f.s.ClaimDeliveries(f.ctx, "b", now, time.Minute, 10)
	must(t, err)
	if len(a) != 1 || len(b) != 0 {
		t.Fatalf("claims = %d and %d, want 1 and 0", len(a), len(b))
	}
	if string(a[0].Payload) != `{"type":"webhook.test"}` || a[0].EventID != first.EventID || a[0].WebhookID != w.ID {
		t.Fatalf("claimed = %+v", a[0])
	}
	// A worker that died holding the lease: the delivery comes back after it.
	b, err = f.s.ClaimDeliveries(f.ctx, "b", now.Add(2*time.Minute), time.Minute, 10)
	must(t, err)
	if len(b) != 1 {
		t.Fatalf("after the lease ended %d deliveries were claimed, want 1", len(b))
	}
	d := b[0]
	d.Attempts, d.LastStatus, d.LastError, d.NextAttemptAt = 1, 503, "HTTP 503", now.Add(time.Hour)
	must(t, f.s.FinishDeliveries(f.ctx, []*desk.WebhookDelivery{d}))
	if ds, err := f.s.ClaimDeliveries(f.ctx, "a", now.Add(10*time.Minute), time.Minute, 10); err != nil || len(ds) != 0 {
		t.Fatalf("a retry was claimed before it was due: %d, %v", len(ds), err)
	}
	ds, err := f.s.ClaimDeliveries(f.ctx, "a", now.Add(61*time.Minute), time.Minute, 10)
	must(t, err)
	if len(ds) != 1 || ds[0].Attempts != 1 || ds[0].LastStatus != 503 || ds[0].LastError != "HTTP 503" {
		t.Fatalf("retry claim = %+v", ds)
	}
	at := now.Add(61 * time.Minute)
	ds[0].Status, ds[0].Attempts, ds[0].LastStatus, ds[0].LastError, ds[0].DeliveredAt = desk.DeliveryDelivered, 2, 204, "", &at
	must(t, f.s.FinishDeliveries(f.ctx, ds))
	if ds, err := f.s.ClaimDeliveries(f.ctx, "a", now.Add(24*time.Hour), time.Minute, 10); err != nil || len(ds) != 0 {
		t.Fatalf("a delivered delivery was claimed again: %d, %v", len(ds), err)
	}
	// A late worker cannot undo a result recorded since.
	stale := *d
	stale.Status, stale.Attempts = desk.DeliveryPending, 5
	must(t, f.s.FinishDeliveries(f.ctx, []*desk.WebhookDelivery{&stale}))

	second := delivery(w, base.Add(time.Second))
	must(t, f.s.QueueDeliveries(f.ctx, []*desk.WebhookDelivery{second}, &desk.AuditEntry{At: base, OrgID: f.org1.ID, Action: "webhook.test", ObjectType: "webhook"}))
	log, err := f.s.Deliveries(f.ctx, f.org1.ID, w.ID, 10)
	must(t, err)
	if len(log) != 2 || log[0].ID != second.ID || log[1].ID != first.ID {
		t.Fatalf("log = %+v, want newest first", log)
	}
	got := log[1]
	if got.Status != desk.DeliveryDelivered || got.Attempts != 2 || got.LastStatus != 204 || got.DeliveredAt == nil || !got.DeliveredAt.Equal(at) {
		t.Fatalf("delivered = %+v", got)
	}
	if log, _ := f.s.Deliveries(f.ctx, f.org1.ID, w.ID, 1); len(log) != 1 || log[0].ID != second.ID {
		t.Fatalf("limited log = %+v", log)
	}
}

// testWebhookConcurrentClaims: racing workers never hold one delivery at
// the same time.
func testWebhookConcurrentClaims(t *testing.T, f *fixture) {
	w := f.webhook(t, f.org1, f.admin1, "https://hooks.one.example/")
	var ds []*desk.WebhookDelivery
	for i := range 60 {
		ds = append(ds, delivery(w, base.Add(time.Duration(i)*time.Millisecond)))
	}
	must(t, f.s.QueueDeliveries(f.ctx, ds, nil))
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for n := range 4 {
		wg.Add(1)
		go func(owner string) {
			defer wg.Done()
			for {
				got, err := f.s.ClaimDeliveries(f.ctx, owner, base.Add(time.Minute), time.Hour, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, d := range got {
					if prev, ok := seen[d.ID]; ok {
						t.Errorf("delivery %d claimed by %s and %s", d.ID, prev, owner)
					}
					seen[d.ID] = owner
				}
				mu.Unlock()
			}
		}(fmt.Sprint("w", n))
	}
	wg.Wait()
	if len(seen) != 60 {
		t.Fatalf("%d deliveries claimed, want 60", len(seen))
	}
}
