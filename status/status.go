// Package status serves the public status page of the vendor's services:
// the page itself in every interface language, one page per public
// incident, RSS and Atom feeds, and a JSON API in the shape of Atlassian
// Statuspage's v2 API, which monitoring tools and chat integrations
// already know how to read.
//
// The page must stay fast and available exactly when it matters most:
// during an outage, when many readers arrive at once and the store may be
// slow or down. So requests never touch the store. A Page keeps a snapshot
// in memory in which every response is already rendered to bytes, with
// its ETag and a gzip variant; a request picks one and writes it. The
// snapshot is rebuilt in the background, from one incident query, whenever
// the service publishes EventHealthChanged (EventComponentsChanged also
// reloads the component list), and
// once a minute so that maintenance windows open and close and day cells
// roll over without a publish. A rebuild that fails leaves the previous
// snapshot in place and is logged.
//
// The exceptions are the pages of e-mail subscriptions (subscribe.go): a
// subscribe, confirm or unsubscribe changes the store, so those few pages
// are rendered per request, and nothing else depends on them.
//
// Only public incidents appear anywhere here; incidents limited to some
// organisations are shown to them in their portal instead. Times are
// shown in UTC, said so on the page, because a public page knows nothing
// of its reader's time zone.
package status

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"desk"
)

// RefreshInterval is how often the snapshot is rebuilt without an event,
// so that scheduled maintenance starts and ends and the day cells roll
// over on time.
const RefreshInterval = 60 * time.Second

// componentsMaxAge is how long a rebuild triggered only by the clock may
// reuse the component list of an earlier rebuild. Components change only
// through PutComponent, which publishes an event, and rebuilds after events
// always reload them; the age limit is a safety net for a lost event.
const componentsMaxAge = 10 * time.Minute

// rebuildTimeout bounds a background rebuild, so that a store that hangs
// rather than fails cannot stall the page's refreshes for good; the
// previous snapshot is served meanwhile either way.
const rebuildTimeout = 30 * time.Second

// Page is the public status page. Set its fields, call Start once (or, in
// tests, Rebuild), and serve Handler.
type Page struct {
	// Service provides the components and incidents.
	Service *desk.Service
	// Bus, when set, carries EventHealthChanged, after which the snapshot
	// is rebuilt at once; without it only the periodic rebuild runs.
	Bus desk.Bus
	// Clock tells the time of a rebuild; nil means the service's clock.
	Clock  desk.Clock
	Logger *slog.Logger
	// BaseURL is the absolute address of the site without a trailing
	// slash, such as http://127.0.0.1:8080, for links in feeds and the
	// JSON API, which are read away from the site.
	BaseURL string
	// Name is the vendor's name in titles, such as "Supportdesk".
	Name string

	snap atomic.Pointer[snapshot]

	// mu serialises rebuilds, so that a snapshot is never replaced by one
	// built from older data, and guards the fields below.
	mu            sync.Mutex
	comps         []*desk.Component
	compsLoadedAt time.Time
	md            markdownCache
	// stale is set by an event: the next rebuild reloads the components.
	stale atomic.Bool
}

// Start builds the first snapshot, failing if it cannot, and then keeps
// the snapshot current in the background until ctx ends: after every
// EventHealthChanged on the bus and every RefreshInterval. Bursts of
// events coalesce: at most one rebuild runs and at most one more waits.
func (p *Page) Start(ctx context.Context) error {
	var events <-chan desk.Event
	stop := func() {}
	// Subscribing before the first build means that a change committed
	// while it runs triggers another rebuild instead of being missed.
	if p.Bus != nil {
		events, stop = p.Bus.Subscribe()
	}
	if err := p.build(ctx, true); err != nil {
		stop()
		return fmt.Errorf("status: first snapshot: %w", err)
	}
	kick := make(chan struct{}, 1)
	go p.rebuildLoop(ctx, kick)
	go p.watch(ctx, events, stop, kick)
	return nil
}

// watch turns events and clock ticks into requests for a rebuild. The
// kick channel holds one request: while a rebuild runs, any number of
// further events leave exactly one rebuild queued, which reads everything
// they announced.
func (p *Page) watch(ctx context.Context, events <-chan desk.Event, stop func(), kick chan<- struct{}) {
	defer stop()
	tick := time.NewTicker(RefreshInterval)
	defer tick.Stop()
	request := func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				// The bus ended the subscription; the clock still
				// refreshes the page.
				events = nil
				continue
			}
			switch e.Type {
			case desk.EventComponentsChanged, desk.EventResync:
				p.stale.Store(true)
				request()
			case desk.EventHealthChanged:
				request()
			}
		case <-tick.C:
			request()
		}
	}
}

func (p *Page) rebuildLoop(ctx context.Context, kick <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
			reload := p.stale.Swap(false) || p.Bus == nil
			bctx, cancel := context.WithTimeout(ctx, rebuildTimeout)
			err := p.build(bctx, reload)
			cancel()
			if err != nil && ctx.Err() == nil {
				if reload {
					// The components still need reloading next time.
					p.stale.Store(true)
				}
				p.logger().ErrorContext(ctx, "status page rebuild failed; serving the previous snapshot", "err", err)
			}
		}
	}
}

// Rebuild builds a snapshot now and serves it from then on. A node calls
// it after publishing a change itself, and tests call it instead of
// waiting for the bus. On error the previous snapshot stays.
func (p *Page) Rebuild(ctx context.Context) error {
	if err := p.build(ctx, true); err != nil {
		return fmt.Errorf("status: rebuild: %w", err)
	}
	return nil
}

// build loads what the page shows and swaps in a new snapshot. It costs
// one incident query, plus one component query when reloadComponents is
// set or the cached list is old.
func (p *Page) build(ctx context.Context, reloadComponents bool) error {
	if p.Service == nil {
		return errors.New("page has no service")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	start := time.Now()
	now := p.now()
	comps := p.comps
	if reloadComponents || comps == nil || now.Sub(p.compsLoadedAt) > componentsMaxAge || now.Before(p.compsLoadedAt) {
		c, err := p.Service.Components(ctx)
		if err != nil {
			return fmt.Errorf("load components: %w", err)
		}
		comps, p.comps, p.compsLoadedAt = c, c, now
	}
	// The service filters to what the public may see: a nil actor is the
	// public, so incidents limited to organisations are left out here.
	incs, err := p.Service.Incidents(ctx, nil, now.Add(-desk.HealthHistory))
	if err != nil {
		return fmt.Errorf("load incidents: %w", err)
	}
	m := newModel(p.name(), comps, incs, now, p.md.render)
	p.md.rotate()
	snap, err := p.render(m, p.snap.Load())
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	p.snap.Store(snap)
	p.logger().DebugContext(ctx, "status page rebuilt", "incidents", len(m.incidents), "documents", snap.count, "duration", time.Since(start))
	return nil
}

func (p *Page) now() time.Time {
	switch {
	case p.Clock != nil:
		return p.Clock.Now().UTC()
	case p.Service.Clock != nil:
		return p.Service.Clock.Now().UTC()
	}
	return time.Now().UTC()
}

func (p *Page) name() string {
	if p.Name == "" {
		return "Supportdesk"
	}
	return p.Name
}

func (p *Page) logger() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}
