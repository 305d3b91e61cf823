package desk

import (
	"context"
	"time"
)

// Event announces a committed change, for live updates, notifications and
// other nodes. Events carry ids, not data: a receiver reads what it
// may see through the store, with its own scope.
type Event struct {
	Type   string    `json:"type"` // such as "case.created"
	OrgID  int64     `json:"org_id"`
	CaseID int64     `json:"case_id,omitempty"`
	At     time.Time `json:"at"`
}

// Bus carries events to subscribers. Publish never blocks on a slow
// subscriber.
type Bus interface {
	Publish(ctx context.Context, e Event)
	// Subscribe returns a channel of events and a function that ends the
	// subscription.
	Subscribe() (<-chan Event, func())
}

// EventResync is delivered by a bus to its own node's subscribers when it
// may have missed events from other nodes, such as after its connection
// to them was lost and restored. A subscriber that keeps anything derived
// from the store treats it as "anything may have changed" and reloads.
// It never leaves the node.
const EventResync = "bus.resync"
