package desk

import (
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
	cals ttlCache[*bizhours.Calendar]
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

func (c *ttlCache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}
