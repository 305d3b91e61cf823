package desk

import (
	"context"
	"sync"
	"time"

	"desk/bizhours"
)

// CatalogueCacheTTL is how long a node uses a stored calendar before it
// reads it from the store again. Changes made through this node's Service
// are seen at once; on a bus that reaches the other nodes (PostgreSQL),
// FollowCatalogue makes them drop their copies at once too, and this time
// is only the safety net for an announcement that was lost. Calendars
// change rarely, and parsing one costs more than the case change that
// needs it.
const CatalogueCacheTTL = 10 * time.Second

// EventCatalogueChanged is published after a calendar or SLA policy
// changes, so that every node drops its cached catalogue (FollowCatalogue).
const EventCatalogueChanged = "catalogue.changed"

// EventArticlesChanged is published after a help article is written, so
// that every node drops its cached search results and vocabularies
// (FollowCatalogue).
const EventArticlesChanged = "articles.changed"

// catalogueCache keeps what every case change reads and rarely changes. It
// is shared by copies of the Service.
type catalogueCache struct {
	cals     ttlCache[*bizhours.Calendar]
	plans    ttlCache[*Plan]
	policies ttlCache[*SLAPolicy] // a nil value: no policy for that plan and severity
	// searches holds help-centre search results (kb.go). Many readers
	// ask the same few questions, most of all during an outage, and a
	// search costs milliseconds of CPU; articles change rarely.
	searches ttlCache[articleResult]
	// vocabularies holds the terms of the published articles per
	// language and visibility, for correcting misspelt searches
	// (kb_spell.go). Reading one reads every published article of a
	// language, so it is kept for vocabularyTTL, not CatalogueCacheTTL:
	// it is dropped with the search results whenever an article is
	// written, and a stale one costs no more than a suggestion that finds
	// nothing and is then not made.
	vocabularies ttlCache[*vocabulary]
	// vocabularyLoad lets one caller at a time read a vocabulary: after an
	// article write, every reader whose search misses would otherwise
	// read the same one at once.
	vocabularyLoad sync.Mutex
}

// maxCachedSearches bounds the search results a node keeps.
const maxCachedSearches = 2000

func newCatalogueCache() *catalogueCache {
	return &catalogueCache{vocabularies: ttlCache[*vocabulary]{ttl: vocabularyTTL}}
}

// ttlCache is a map whose entries expire after ttl, CatalogueCacheTTL
// unless set.
type ttlCache[V any] struct {
	mu  sync.Mutex
	m   map[string]ttlEntry[V]
	ttl time.Duration
	// gen counts drops. A value read from the store is cached only if no
	// drop happened while it was read, so that a slow read that began
	// before a change cannot put the old value back after the drop.
	gen uint64
}

type ttlEntry[V any] struct {
	v      V
	loaded time.Time
}

func (c *ttlCache[V]) get(key string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ttl := c.ttl
	if ttl == 0 {
		ttl = CatalogueCacheTTL
	}
	e, ok := c.m[key]
	if !ok || now.Sub(e.loaded) > ttl || now.Before(e.loaded) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// generation returns the drop count to pass to put, taken before reading
// the store.
func (c *ttlCache[V]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *ttlCache[V]) put(key string, v V, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[string]ttlEntry[V]{}
	}
	c.m[key] = ttlEntry[V]{v, now}
}

// putBounded is put for a cache of many keys: when it holds max entries it
// starts again empty, which costs a few misses and never grows unbounded.
func (c *ttlCache[V]) putBounded(key string, v V, now time.Time, gen uint64, max int) {
	c.mu.Lock()
	if len(c.m) >= max {
		clear(c.m)
	}
	c.mu.Unlock()
	c.put(key, v, now, gen)
}

func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.gen++
}

func (c *ttlCache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
	c.gen++
}

// plan returns a plan, from the cache while fresh.
func (s *Service) plan(ctx context.Context, code string) (*Plan, error) {
	now := s.Clock.Now()
	if p, ok := s.cache.plans.get(code, now); ok {
		return p, nil
	}
	gen := s.cache.plans.generation()
	p, err := s.Store.Plan(ctx, code)
	if err != nil {
		return nil, err
	}
	s.cache.plans.put(code, p, now, gen)
	return p, nil
}

// slaPolicy returns the policy of a plan and severity, from the cache while
// fresh; ENOTFOUND when there is none.
func (s *Service) slaPolicy(ctx context.Context, plan string, sev Severity) (*SLAPolicy, error) {
	now := s.Clock.Now()
	key := plan + "/" + string(sev)
	if p, ok := s.cache.policies.get(key, now); ok {
		if p == nil {
			return nil, NotFound("sla_policy")
		}
		return p, nil
	}
	gen := s.cache.policies.generation()
	p, err := s.Store.SLAPolicy(ctx, plan, sev)
	if ErrorKind(err) == ENOTFOUND {
		s.cache.policies.put(key, nil, now, gen)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	s.cache.policies.put(key, p, now, gen)
	return p, nil
}

// ForgetCatalogue drops every cached plan, policy and calendar, so that the
// next read sees the store. The Service's own changes do this for what they
// change; a caller that writes the catalogue through the Store directly
// (an import tool, a test) calls it.
func (s *Service) ForgetCatalogue() {
	s.cache.plans.clear()
	s.cache.policies.clear()
	s.cache.cals.clear()
}

// FollowCatalogue drops the cached catalogue whenever the bus announces a
// change to it, made on this node or, through a bus shared by several
// nodes, on another (EventCatalogueChanged), or when the bus may have
// missed announcements (EventResync). It returns when ctx ends or the bus
// ends the subscription. Run it once per node; without it, other nodes'
// changes are seen within CatalogueCacheTTL.
func (s *Service) FollowCatalogue(ctx context.Context) {
	if s.Bus == nil {
		return
	}
	events, stop := s.Bus.Subscribe()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			switch e.Type {
			case EventCatalogueChanged:
				s.ForgetCatalogue()
			case EventArticlesChanged:
				s.forgetArticles()
			case EventResync:
				s.ForgetCatalogue()
				s.forgetArticles()
			}
		}
	}
}

// forgetArticles drops what the node keeps of the published articles:
// search results and vocabularies.
func (s *Service) forgetArticles() {
	s.cache.searches.clear()
	s.cache.vocabularies.clear()
}

// publishCatalogue announces a committed change to the catalogue.
func (s *Service) publishCatalogue(ctx context.Context) {
	if s.Bus != nil {
		s.Bus.Publish(ctx, Event{Type: EventCatalogueChanged, At: s.Clock.Now()})
	}
}
