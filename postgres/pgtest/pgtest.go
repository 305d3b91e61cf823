// Package pgtest gives tests a fresh PostgreSQL store in a schema of its
// own, or skips them when no server is configured.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"desk/postgres"
)

// TestEnv names the variable that holds the DSN of a PostgreSQL server for
// tests. When it is set, tests that need PostgreSQL are required to pass;
// when it is not, they are skipped.
const TestEnv = "SUPPORTDESK_TEST_POSTGRES"

// KeepEnv names a variable that, when set, keeps each test's schema
// instead of dropping it, so that a benchmark's data can be looked into
// with psql afterwards (EXPLAIN of the queries it ran, say).
const KeepEnv = "SUPPORTDESK_TEST_POSTGRES_KEEP"

// Open returns a migrated store in a new, empty schema of the test
// server, dropped when the test ends. It skips the test when TestEnv is
// not set.
func Open(t testing.TB) *postgres.DB {
	t.Helper()
	dsn := DSN(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		t.Fatalf("%s is set but the server cannot be used: %v", TestEnv, err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, withSearchPath(dsn, schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		if os.Getenv(KeepEnv) != "" {
			// Someone looking into a benchmark's plans keeps its data.
			t.Logf("kept schema %s (%s is set)", schema, KeepEnv)
			return
		}
		if a, err := sql.Open("pgx", dsn); err == nil {
			a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			a.Close()
		}
	})
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// DSN returns the test server's DSN, or skips the test with one line that
// says how to run it.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(TestEnv)
	if dsn == "" {
		t.Skip("PostgreSQL tests skipped: set " + TestEnv + "=postgres://postgres@127.0.0.1:5432/test to run them")
	}
	return dsn
}

// withSearchPath adds a search_path run-time parameter to a DSN in either
// form.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return fmt.Sprintf("%s search_path=%s", dsn, schema)
}

// OpenKept returns a migrated store in the named schema of the test
// server, which is kept after the test: for benchmark fixtures that take
// minutes to build. ready reports whether a complete fixture is there
// (MarkReady was called on it); if not, the schema is emptied first.
func OpenKept(t testing.TB, schema string) (db *postgres.DB, ready bool) {
	t.Helper()
	dsn := DSN(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'fixture_ready'", schema).Scan(&n); err != nil {
		t.Fatalf("%s is set but the server cannot be used: %v", TestEnv, err)
	}
	if ready = n > 0; !ready {
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatal(err)
		}
	}
	if db, err = postgres.Open(ctx, withSearchPath(dsn, schema)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db, ready
}

// MarkReady records that the fixture in db's schema is complete.
func MarkReady(t testing.TB, db *postgres.DB) {
	t.Helper()
	if _, err := db.ReadDB().ExecContext(context.Background(), "CREATE TABLE fixture_ready (at TIMESTAMPTZ DEFAULT now())"); err != nil {
		t.Fatal(err)
	}
}
