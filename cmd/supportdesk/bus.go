package main

import (
	"context"

	"desk"
	"desk/eventbus"
	"desk/postgres"
)

// openBus returns the node's event bus. On PostgreSQL, where several nodes
// may share the database, it is the bus that reaches them all through
// LISTEN/NOTIFY; on SQLite, which serves one node, the in-process bus.
func (a *App) openBus(ctx context.Context) (desk.Bus, error) {
	db, ok := a.Store.(*postgres.DB)
	if !ok {
		return eventbus.New(), nil
	}
	b, err := postgres.OpenBus(ctx, db, desk.SystemClock{}, a.Logger)
	if err != nil {
		return nil, err
	}
	a.closeBus = b.Close
	return b, nil
}
