package desk

import (
	"context"
	"sync"
	"time"

	"desk/bizhours"
)

// CatalogueCacheTTL is how long a node uses a stored calendar before it
// reads it from the store again. Changes made through this node's Service
// are seen at once; other nodes see them within this time. Calendars change
// rarely, and parsing one costs more than the case change that needs it.
const CatalogueCacheTTL = 10 * time.Second

// catalogueCache keeps what every case change reads and rarely changes. It
// is shared by copies of the Service.
type catalogueCache struct {
	cals     ttlCache[*bizhours.Calendar]
	plans    ttlCache[*Plan]
	policies ttlCache[*SLAPolicy] // a nil value: no policy for that plan and severity
}

func newCatalogueCache() *catalogueCache { return &catalogueCache{} }

// ttlCache is a map whose entries expire after CatalogueCacheTTL.
type ttlCache[V any] struct {
	mu sync.Mutex
	m  map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v      V
	loaded time.Time
}

func (c *ttlCache[V]) get(key string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || now.Sub(e.loaded) > CatalogueCacheTTL || now.Before(e.loaded) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[V]) put(key string, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]ttlEntry[V]{}
	}
	c.m[key] = ttlEntry[V]{v, now}
}

func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

func (c *ttlCache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

// plan returns a plan, from the cache while fresh.
func (s *Service) plan(ctx context.Context, code string) (*Plan, error) {
	now := s.Clock.Now()
	if p, ok := s.cache.plans.get(code, now); ok {
		return p, nil
	}
	p, err := s.Store.Plan(ctx, code)
	if err != nil {
		return nil, err
	}
	s.cache.plans.put(code, p, now)
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
	p, err := s.Store.SLAPolicy(ctx, plan, sev)
	if ErrorKind(err) == ENOTFOUND {
		s.cache.policies.put(key, nil, now)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	s.cache.policies.put(key, p, now)
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
