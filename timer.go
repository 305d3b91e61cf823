package desk

import (
	"context"
	"time"
)

// TimerKind is what a timer does when it fires.
type TimerKind string

// Timer kinds. Warnings and breaches exist for each response target.
const (
	TimerFirstResponseWarning TimerKind = "first_response_warning"
	TimerFirstResponseBreach  TimerKind = "first_response_breach"
	TimerNextResponseWarning  TimerKind = "next_response_warning"
	TimerNextResponseBreach   TimerKind = "next_response_breach"
	TimerResolutionWarning    TimerKind = "resolution_warning"
	TimerResolutionBreach     TimerKind = "resolution_breach"
	// TimerDowngrade lowers the severity of a case left waiting on the
	// customer too long.
	TimerDowngrade TimerKind = "downgrade"
	// TimerAutoClose closes a resolved case that was not reopened.
	TimerAutoClose TimerKind = "auto_close"
)

// Timer is a durable, stored timer of a case. It fires once: the sweeper
// claims it with a lease and marks it fired in the same transaction as
// whatever firing writes.
type Timer struct {
	ID     int64     `json:"id"`
	CaseID int64     `json:"case_id"`
	OrgID  int64     `json:"org_id"`
	Kind   TimerKind `json:"kind"`
	// DueAt is the instant the timer is about, such as the breach time a
	// warning warns of. Together with Kind it identifies the timer of a
	// case, so that recomputing a case's timers never duplicates one that
	// has fired.
	DueAt time.Time `json:"due_at"`
	// FireAt is when the timer fires.
	FireAt   time.Time `json:"fire_at"`
	Attempts int       `json:"attempts"`
}

// Pause is a stretch of time during which a case's SLA clock stood still
// because the case waited on the customer. To is nil while it lasts.
type Pause struct {
	From time.Time  `json:"from"`
	To   *time.Time `json:"to,omitempty"`
}

// Notification tells a user about something that needs them, such as an
// SLA breach. Delivery (by e-mail, live update) reads these rows.
type Notification struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	CaseID    int64     `json:"case_id"`
	TimerID   int64     `json:"timer_id,omitempty"`
	Kind      string    `json:"kind"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// TimerStore keeps timers and what they cause.
type TimerStore interface {
	// ClaimTimers leases up to limit timers that are due at now and not
	// fired, whose lease is free or expired, to owner until now+lease.
	ClaimTimers(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*Timer, error)
	// FireTimer marks a claimed timer fired with an outcome and, in the
	// same transaction, applies ch (if not nil) and stores notes. It fails
	// with ECONFLICT if the timer has fired already, so that no timer
	// fires twice, whatever the number of nodes or restarts.
	FireTimer(ctx context.Context, t *Timer, firedAt time.Time, outcome string, ch *CaseChange, notes []*Notification) error
	// Timers lists a case's timers, pending and fired, by fire time.
	Timers(ctx context.Context, caseID int64) ([]*Timer, error)
	// Notifications lists a user's notifications, newest first.
	Notifications(ctx context.Context, userID int64, limit int) ([]*Notification, error)
	// TimerCounts counts the timers of each kind that took effect (not
	// those found stale) since a time.
	TimerCounts(ctx context.Context, since time.Time) (map[TimerKind]int, error)
}
