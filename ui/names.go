package ui

import (
	"context"
	"sync"
	"time"
)

// namesMaxAge is how long the queue may show an organisation or staff
// member under an old name after a rename. Names change rarely and a row's
// link leads to the case, whose page reads the current name; reading 25
// organisations and every staff member on each queue page cost more than
// the rest of the page's queries together.
const namesMaxAge = 30 * time.Second

// nameCache holds the names of organisations and staff for list pages.
type nameCache struct {
	mu      sync.Mutex
	orgs    map[int64]string
	staff   map[int64]string
	staffAt time.Time
	orgsAt  time.Time
}

// staffNames maps the ids of the vendor's staff to their names.
func (s *Server) staffNames(ctx context.Context) (map[int64]string, error) {
	c := &s.names
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.staff != nil && time.Since(c.staffAt) < namesMaxAge {
		return c.staff, nil
	}
	us, err := s.Service.Store.Users(ctx, 0)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(us))
	for _, u := range us {
		m[u.ID] = u.Name
	}
	// The map is replaced, never changed, so callers may keep reading it.
	c.staff, c.staffAt = m, time.Now()
	return m, nil
}

// orgName returns an organisation's name.
func (s *Server) orgName(ctx context.Context, id int64) (string, error) {
	c := &s.names
	c.mu.Lock()
	if c.orgs == nil || time.Since(c.orgsAt) >= namesMaxAge {
		c.orgs, c.orgsAt = map[int64]string{}, time.Now()
	}
	name, ok := c.orgs[id]
	c.mu.Unlock()
	if ok {
		return name, nil
	}
	o, err := s.Service.Store.Org(ctx, id)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.orgs[o.ID] = o.Name
	c.mu.Unlock()
	return o.Name, nil
}
