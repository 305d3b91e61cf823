// Package postgres implements desk.Store on PostgreSQL, for installations
// that outgrow one machine: several identical nodes then share one
// database. It shares its queries with the SQLite adapter (package
// sqlstore); only the schema's types and the connection differ. Bus
// carries the desk's events between the nodes with LISTEN/NOTIFY.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"desk"
	"desk/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// queries holds the statements that differ from the shared ones, such as
// claiming timers with SKIP LOCKED.
//
//go:embed queries/*.sql
var queries embed.FS

// DB is a desk.Store on PostgreSQL.
type DB struct {
	*sqlstore.DB
	conn *sql.DB
	// dsn is kept for the event bus, which listens on a connection of its
	// own (OpenBus).
	dsn string
}

var _ desk.Store = (*DB)(nil)

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value string). Call Migrate before use.
func Open(ctx context.Context, dsn string) (*DB, error) {
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	conn.SetMaxOpenConns(32)
	conn.SetMaxIdleConns(32)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	q, err := sqlstore.LoadQueries(queries)
	if err != nil {
		conn.Close()
		return nil, err
	}
	db := &DB{conn: conn, dsn: dsn}
	db.DB = sqlstore.New(conn, conn, txWriter{conn}, q, sqlstore.Dialect{Name: "postgres", IsUnique: isUnique,
		PlanEachTime: []any{pgx.QueryExecModeExec}}, conn.Close)
	return db, nil
}

// Migrate applies the migrations not yet applied. An advisory lock keeps
// nodes that start together from migrating at the same time.
func (db *DB) Migrate(ctx context.Context) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	return sqlstore.Migrate(ctx, goose.DialectPostgres, db.conn, migrations, goose.WithSessionLocker(locker))
}

func isUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// txWriter runs each write in its own transaction; PostgreSQL groups
// concurrent commits itself.
type txWriter struct{ db *sql.DB }

func (w txWriter) Write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	if err := fn(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}
