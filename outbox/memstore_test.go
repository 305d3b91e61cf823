package outbox_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"desk"
)

// memStore is an in-memory desk.MailStore for the worker tests. It keeps
// the outbox's lease rules exactly as the SQL stores do: a claim takes
// pending rows that are due and whose lease has run out, and a finish
// records the result and ends the lease. Received mail is not kept.
type memStore struct {
	mu      sync.Mutex
	rows    []*memRow
	failing map[string]string
	nextID  int64
	// finish, when set, replaces FinishOutbox, to simulate a crash.
	finish func(ms []*desk.OutMail) error
}

type memRow struct {
	m          desk.OutMail
	owner      string
	leaseUntil time.Time
}

var _ desk.MailStore = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{failing: make(map[string]string)} }

// add queues a mail, as a case change would, and returns it with its id.
func (s *memStore) add(m *desk.OutMail) *desk.OutMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	m.ID = s.nextID
	if m.Status == "" {
		m.Status = desk.OutPending
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	s.rows = append(s.rows, &memRow{m: clone(m)})
	return m
}

// clone copies a mail deeply enough that the caller cannot change the
// stored row by changing its copy, as with a real store.
func clone(m *desk.OutMail) desk.OutMail {
	c := *m
	c.References = slices.Clone(m.References)
	if m.SentAt != nil {
		t := *m.SentAt
		c.SentAt = &t
	}
	return c
}

func (s *memStore) ClaimOutbox(_ context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*desk.OutMail, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*memRow
	for _, r := range s.rows {
		if r.m.Status == desk.OutPending && !r.m.NextAttemptAt.After(now) && r.leaseUntil.Before(now) {
			due = append(due, r)
		}
	}
	slices.SortFunc(due, func(a, b *memRow) int {
		return cmp.Or(a.m.NextAttemptAt.Compare(b.m.NextAttemptAt), cmp.Compare(a.m.ID, b.m.ID))
	})
	var out []*desk.OutMail
	for _, r := range due[:min(limit, len(due))] {
		r.owner, r.leaseUntil = owner, now.Add(lease)
		c := clone(&r.m)
		out = append(out, &c)
	}
	return out, nil
}

func (s *memStore) FinishOutbox(_ context.Context, ms []*desk.OutMail) error {
	s.mu.Lock()
	finish := s.finish
	s.mu.Unlock()
	if finish != nil {
		return finish(ms)
	}
	return s.finishNow(ms)
}

func (s *memStore) finishNow(ms []*desk.OutMail) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range ms {
		r := s.row(m.ID)
		if r == nil {
			return errors.New("finish: no such mail")
		}
		r.m.Status, r.m.Attempts, r.m.NextAttemptAt, r.m.LastError = m.Status, m.Attempts, m.NextAttemptAt, m.LastError
		r.m.SentAt = nil
		if m.SentAt != nil {
			t := *m.SentAt
			r.m.SentAt = &t
		}
		r.owner, r.leaseUntil = "", time.Time{}
	}
	return nil
}

func (s *memStore) row(id int64) *memRow {
	for _, r := range s.rows {
		if r.m.ID == id {
			return r
		}
	}
	return nil
}

func (s *memStore) Outbox(_ context.Context, f desk.OutboxFilter) ([]*desk.OutMail, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*desk.OutMail
	for i := len(s.rows) - 1; i >= 0; i-- {
		m := s.rows[i].m
		if (f.Status == "" || m.Status == f.Status) && (f.CaseID == 0 || m.CaseID == f.CaseID) && (f.BeforeID == 0 || m.ID < f.BeforeID) {
			c := clone(&m)
			out = append(out, &c)
		}
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

func (s *memStore) OutMail(_ context.Context, id int64) (*desk.OutMail, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.row(id)
	if r == nil {
		return nil, &desk.Error{Kind: desk.ENOTFOUND, Message: "no such mail"}
	}
	c := clone(&r.m)
	return &c, nil
}

func (s *memStore) CaseOfMessageID(_ context.Context, messageID string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rows {
		if r.m.MessageID == messageID && r.m.CaseID != 0 {
			return r.m.CaseID, nil
		}
	}
	return 0, &desk.Error{Kind: desk.ENOTFOUND, Message: "no such mail"}
}

func (s *memStore) CountAutoMail(_ context.Context, address string, since time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.rows {
		if r.m.To == address && r.m.Auto && r.m.SentAt != nil && !r.m.SentAt.Before(since) {
			n++
		}
	}
	return n, nil
}

func (s *memStore) MarkAddressFailing(_ context.Context, address, reason string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[strings.ToLower(address)] = reason
	return nil
}

func (s *memStore) ClearAddressFailing(_ context.Context, address string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.failing, strings.ToLower(address))
	return nil
}

func (s *memStore) AddressFailing(_ context.Context, address string) (bool, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	reason, ok := s.failing[strings.ToLower(address)]
	return ok, reason, nil
}

var errNoInbound = errors.New("the test store keeps no received mail")

func (s *memStore) SaveInMail(context.Context, *desk.InMail) (*desk.InMail, bool, error) {
	return nil, false, errNoInbound
}
func (s *memStore) SetInMail(context.Context, *desk.InMail) error { return errNoInbound }
func (s *memStore) InMails(context.Context, desk.InStatus, int) ([]*desk.InMail, error) {
	return nil, errNoInbound
}
func (s *memStore) InMail(context.Context, int64) (*desk.InMail, error) { return nil, errNoInbound }
