package desk

import "context"

// Store persists desk data. Each method is atomic. Implementations return
// *Error with ENOTFOUND or ECONFLICT, never (nil, nil).
type Store interface {
	OrgStore
	CalendarStore
	UserStore
	CaseStore
	CaseSearchStore
	AuditStore
	TimerStore
	SessionStore
	RatingStore
	MergeStore
	MailStore
	HealthStore
	WebhookStore
	CreditStore
	StatusSubscriptionStore
	KBStore
	// Ping reports whether the store can serve requests.
	Ping(ctx context.Context) error
	Close() error
}
