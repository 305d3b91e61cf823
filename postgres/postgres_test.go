package postgres_test

import (
	"testing"

	"desk"
	"desk/postgres/pgtest"
	"desk/storetest"
)

func TestConformance(t *testing.T) {
	pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) desk.Store {
		db := pgtest.Open(t)
		// The suite closes the store; closing twice is harmless.
		return db
	})
}
