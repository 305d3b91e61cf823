// Package sqlite implements desk.Store on an embedded SQLite database file,
// the default store: one file, no server to install.
//
// Durability comes first: the database runs in WAL mode with
// synchronous=FULL, so a transaction that has committed survives a crash or
// a power cut. To keep that affordable under concurrent load, every write
// goes through one writer connection that commits the transactions waiting
// at the same moment together (group commit): each runs in its own
// savepoint, so one failing changes nothing of the others, and all share
// one fsync. A caller hears back only after that commit.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"runtime"

	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"desk"
	"desk/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a desk.Store on SQLite.
type DB struct {
	*sqlstore.DB
	path   string
	rw     *sql.DB
	ro     *sql.DB
	writer *groupWriter
}

var _ desk.Store = (*DB)(nil)

// MaxBatch is the most transactions one group commit takes.
const MaxBatch = 128

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	// Savepoint journals (one per transaction in a group commit) stay in
	// memory instead of temporary files.
	q.Add("_pragma", "temp_store(MEMORY)")
	// 64 MiB of page cache per connection (the default is 2 MiB): batch
	// work over many cases otherwise rereads the same index pages.
	q.Add("_pragma", "cache_size(-65536)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// Another process (the token command, say) may write to the same
		// file; IMMEDIATE takes the write lock at BEGIN, so busy_timeout
		// applies instead of a deadlock error at the first write.
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path. Call Migrate
// before use.
func Open(ctx context.Context, path string) (*DB, error) {
	rw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rw.SetMaxOpenConns(1)
	rw.SetMaxIdleConns(1)
	rw.SetConnMaxLifetime(0)
	// The first connection sets WAL mode, which readers then share.
	if err := rw.PingContext(ctx); err != nil {
		rw.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	ro, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		rw.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	ro.SetMaxOpenConns(n)
	ro.SetMaxIdleConns(n)
	q, err := sqlstore.LoadQueries()
	if err != nil {
		rw.Close()
		ro.Close()
		return nil, err
	}
	w, err := newGroupWriter(ctx, rw)
	if err != nil {
		rw.Close()
		ro.Close()
		return nil, err
	}
	db := &DB{path: path, rw: rw, ro: ro, writer: w}
	db.DB = sqlstore.New(ro, rw, w, q, sqlstore.Dialect{Name: "sqlite", IsUnique: isUnique, SingleWriter: true, PrepareStatements: true}, db.close)
	return db, nil
}

func (db *DB) close() error {
	db.writer.stop()
	return errors.Join(db.ro.Close(), db.rw.Close())
}

// Migrate applies the migrations not yet applied, then prepares the write
// statements, which needs the schema.
func (db *DB) Migrate(ctx context.Context) error {
	if err := Migrate(ctx, db.rw); err != nil {
		return err
	}
	return db.Prepare(ctx)
}

// Migrate applies the embedded migrations to a SQLite database.
func Migrate(ctx context.Context, conn *sql.DB) error {
	return sqlstore.Migrate(ctx, goose.DialectSQLite3, conn, migrations)
}

func isUnique(err error) bool {
	var e *sqlite3.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// writeReq is one transaction waiting for the writer.
type writeReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// groupWriter owns the one write connection and commits waiting
// transactions together.
type groupWriter struct {
	db   *sql.DB
	reqs chan *writeReq
	quit chan struct{}
	dead chan struct{}
	// stmts holds the savepoint statements, prepared once: they run three
	// times per transaction.
	stmts map[string]*sql.Stmt
}

// exec runs one of the writer's own statements in tx.
func (w *groupWriter) exec(ctx context.Context, tx *sql.Tx, query string) (sql.Result, error) {
	return tx.StmtContext(ctx, w.stmts[query]).ExecContext(ctx)
}

func newGroupWriter(ctx context.Context, db *sql.DB) (*groupWriter, error) {
	w := &groupWriter{db: db, reqs: make(chan *writeReq), quit: make(chan struct{}), dead: make(chan struct{}),
		stmts: map[string]*sql.Stmt{}}
	// Prepared now, while the connection is free: once transactions run
	// it never is.
	for _, q := range []string{"SAVEPOINT w", "RELEASE w", "ROLLBACK TO w"} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("sqlite: prepare %q: %w", q, err)
		}
		w.stmts[q] = st
	}
	go w.loop()
	return w, nil
}

var errClosed = errors.New("sqlite: store closed")

// Write runs fn in a transaction and returns once that transaction has
// committed or failed.
func (w *groupWriter) Write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case w.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.dead:
		return errClosed
	}
	// Once handed over, the request's outcome is decided by the commit,
	// not by the caller's patience: wait for it so that no caller is told
	// "failed" about a write that then commits.
	return <-r.done
}

func (w *groupWriter) stop() {
	select {
	case <-w.quit:
	default:
		close(w.quit)
	}
	<-w.dead
}

func (w *groupWriter) loop() {
	defer close(w.dead)
	defer func() {
		for _, st := range w.stmts {
			st.Close()
		}
	}()
	for {
		var batch []*writeReq
		select {
		case r := <-w.reqs:
			batch = append(batch, r)
		case <-w.quit:
			return
		}
		// Take whatever else is already waiting; do not wait for more, so a
		// lone writer pays no latency for batching.
	more:
		for len(batch) < MaxBatch {
			select {
			case r := <-w.reqs:
				batch = append(batch, r)
			default:
				break more
			}
		}
		w.commit(batch)
	}
}

// commit runs a batch in one transaction, each request in its own
// savepoint, and reports each request's outcome after the commit.
func (w *groupWriter) commit(batch []*writeReq) {
	errs := make([]error, len(batch))
	finish := func(err error) {
		for i, r := range batch {
			if errs[i] == nil {
				errs[i] = err
			}
			r.done <- errs[i]
		}
	}
	// The transaction must not be tied to any one caller's context: a
	// cancelled statement inside a transaction would abort all of it.
	ctx := context.Background()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		finish(fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	// A lone request needs no savepoint: if it fails, the transaction
	// holds nothing else and is rolled back whole.
	if len(batch) == 1 {
		r := batch[0]
		err := r.ctx.Err()
		if err == nil {
			err = r.fn(context.WithoutCancel(r.ctx), tx)
		}
		if err != nil {
			tx.Rollback()
			finish(err)
			return
		}
		if err := tx.Commit(); err != nil {
			finish(fmt.Errorf("sqlite: commit: %w", err))
			return
		}
		finish(nil)
		return
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := w.exec(ctx, tx, "SAVEPOINT w"); err != nil {
			errs[i] = err
			continue
		}
		rctx := context.WithoutCancel(r.ctx)
		if err := r.fn(rctx, tx); err != nil {
			errs[i] = err
			if _, rerr := w.exec(ctx, tx, "ROLLBACK TO w"); rerr != nil {
				// The transaction is unusable; fail the whole batch.
				tx.Rollback()
				finish(fmt.Errorf("sqlite: rollback to savepoint: %w", rerr))
				return
			}
		}
		if _, err := w.exec(ctx, tx, "RELEASE w"); err != nil {
			tx.Rollback()
			finish(fmt.Errorf("sqlite: release savepoint: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		// Nothing of the batch is durable: tell every caller so.
		for i := range errs {
			errs[i] = nil
		}
		finish(fmt.Errorf("sqlite: commit: %w", err))
		return
	}
	finish(nil)
}
