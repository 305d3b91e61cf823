package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"desk"
	"desk/sqlite"
	"desk/storetest"
)

func newStore(t *testing.T) desk.Store {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, newStore) }
