// Package sqlstore implements desk.Store on database/sql. The SQLite and
// PostgreSQL adapters share it: they differ in how they connect, migrate,
// serialise writes and name their errors, not in what they store, so the
// queries live here once, in embedded .sql files, with $n placeholders that
// both engines accept.
package sqlstore

import (
	"bufio"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"

	"desk"
)

//go:embed queries/*.sql
var sharedQueries embed.FS

// Queries maps query names to SQL text.
type Queries map[string]string

// LoadQueries reads "-- name: x" blocks from the .sql files of each
// directory of fsys in turn. A later definition of a name replaces an
// earlier one, so an engine can override a shared query.
func LoadQueries(dirs ...fs.FS) (Queries, error) {
	q := Queries{}
	for _, fsys := range append([]fs.FS{sharedQueries}, dirs...) {
		files, err := fs.Glob(fsys, "queries/*.sql")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			if err := parseQueries(q, path.Base(f), string(b)); err != nil {
				return nil, err
			}
		}
	}
	return q, nil
}

func parseQueries(q Queries, file, text string) error {
	var name string
	var body strings.Builder
	flush := func() {
		if name != "" {
			q[name] = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(body.String()), ";"))
		}
		body.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			flush()
			name = strings.TrimSpace(n)
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		if name == "" && strings.TrimSpace(line) != "" {
			return fmt.Errorf("%s: SQL before the first -- name: line", file)
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	flush()
	return sc.Err()
}

// Get returns the named query; a missing name is a programming error.
func (q Queries) Get(name string) string {
	s, ok := q[name]
	if !ok {
		panic("sqlstore: no query named " + name)
	}
	return s
}

// Writer runs write transactions. SQLite funnels them through one
// connection and commits several at once; PostgreSQL runs each on its own.
// fn must do all of its work through tx and may be run inside a savepoint.
type Writer interface {
	Write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error
}

// Dialect holds what differs between engines at run time.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(error) bool
	// SingleWriter is set when all writes share one connection: write
	// statements are then prepared by Prepare only, never on demand.
	SingleWriter bool
	// PrepareStatements keeps statements prepared in the store. pgx caches
	// prepared statements per connection by itself; modernc.org/sqlite
	// does not.
	PrepareStatements bool
	// PlanEachTime, put before a query's arguments, makes the driver have
	// the query planned with their values every time instead of by a
	// cached generic plan: for the case search, whose best plan depends
	// on how common its words are and how wide its id window is (pgx:
	// QueryExecModeExec, an unnamed statement).
	PlanEachTime []any
}

// DB is a desk.Store on database/sql.
type DB struct {
	read    *sql.DB
	writer  Writer
	q       Queries
	dialect Dialect
	close   func() error
	// Statements are prepared once per connection and kept: parsing SQL
	// costs more than running it for the small queries a request makes.
	rstmts, wstmts *stmtCache
	// caseWindow overrides searchWindow when set (SetCaseSearchWindow).
	caseWindow atomic.Int64
	// caseWay forces the way of case searches (SetCaseSearchWay).
	caseWay atomic.Int32
	// stats are the case search index's term statistics (PostgreSQL).
	stats termStatsCache
	// days summarises case ids per day gone by, for date searches.
	days caseDays
	// newest is the newest case id as last read, and when (Unix
	// nanoseconds), for the first window of a case search (PostgreSQL).
	newest, newestAt atomic.Int64
}

var _ desk.Store = (*DB)(nil)

// New returns a store that reads through read and writes through w, whose
// transactions run on write, with the queries q. close is called by Close.
func New(read, write *sql.DB, w Writer, q Queries, d Dialect, close func() error) *DB {
	db := &DB{read: read, writer: w, q: q, dialect: d, close: close,
		rstmts: newStmtCache(read), wstmts: newStmtCache(write)}
	db.wstmts.fixed = d.SingleWriter
	if !d.PrepareStatements {
		db.rstmts.fixed, db.wstmts.fixed = true, true
	}
	return db
}

// maxCachedStmts bounds each statement cache; the case list composes its
// SQL from a bounded set of clauses, so the bound is never reached in
// practice.
const maxCachedStmts = 512

type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
	// fixed caches prepare nothing after Prepare: the SQLite writer's one
	// connection is always inside a transaction once writes flow, and
	// preparing outside it would wait for that connection forever.
	fixed bool
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// Prepare prepares every named query now and fixes the cache. It must run
// before the first write.
func (db *DB) Prepare(ctx context.Context) error {
	if !db.dialect.PrepareStatements {
		return nil
	}
	c := db.wstmts
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, text := range db.q {
		// A statement on the help articles' index is one per language.
		for _, q := range articleIndexes(text) {
			if _, ok := c.m[q]; ok {
				continue
			}
			st, err := c.db.PrepareContext(ctx, q)
			if err != nil {
				// A fragment such as case-columns is no statement of its own.
				if strings.HasSuffix(name, "-columns") {
					continue
				}
				return fmt.Errorf("prepare %s: %w", name, err)
			}
			c.m[q] = st
		}
	}
	c.fixed = true
	return nil
}

// get returns the prepared statement for query, or nil if it cannot be
// prepared (the caller then runs the query unprepared and gets its error).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	st, ok := c.m[query]
	full := c.fixed || len(c.m) >= maxCachedStmts
	c.mu.Unlock()
	if ok || full {
		return st
	}
	// Prepare without holding the lock: preparing waits for a free
	// connection, and those may be busy with callers that need the lock.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[query]; ok {
		st.Close()
		return prev
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	clear(c.m)
}

// Tx is a write transaction that runs its statements prepared.
type Tx struct {
	tx *sql.Tx
	c  *stmtCache
}

// ExecContext runs a statement in the transaction.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a single-row query in the transaction.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// Close releases the store's connections.
func (db *DB) Close() error {
	// The engine stops its writer first, so no transaction runs on a
	// statement closed under it.
	err := db.close()
	db.rstmts.close()
	db.wstmts.close()
	return err
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect.Name, err)
	}
	// Writes must get through too: on SQLite they pass the one writer.
	if err := db.writer.Write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT 1").Scan(&one)
	}); err != nil {
		return fmt.Errorf("ping %s writer: %w", db.dialect.Name, err)
	}
	return nil
}

// Dialect returns the engine's dialect.
func (db *DB) Dialect() Dialect { return db.dialect }

// ReadDB returns the pool used for reads, for tests and tools.
func (db *DB) ReadDB() *sql.DB { return db.read }

// Queries returns the loaded queries.
func (db *DB) Queries() Queries { return db.q }

func (db *DB) write(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return db.mapErr(db.writer.Write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return fn(ctx, &Tx{tx: tx, c: db.wstmts})
	}))
}

// query runs a read query, prepared.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.rstmts.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, query, args...)
}

// queryRow runs a single-row read query, prepared.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.rstmts.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, query, args...)
}

// mapErr turns driver errors the domain knows into *desk.Error.
func (db *DB) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var de *desk.Error
	if errors.As(err, &de) {
		return err
	}
	if db.dialect.IsUnique != nil && db.dialect.IsUnique(err) {
		return &desk.Error{Kind: desk.ECONFLICT, Code: "duplicate", Message: "already exists"}
	}
	return err
}

// us converts a time to the stored integer microseconds.
func us(t time.Time) int64 { return t.UnixMicro() }

// nus converts an optional time to a nullable integer.
func nus(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNUS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromUS(v.Int64)
	return &t
}

// nid stores a zero id as NULL.
func nid(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func join(v []string) string { return strings.Join(v, ",") }

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// one runs a single-row query, mapping no rows to a not-found error.
func (db *DB) one(ctx context.Context, what string, scan func(scanner) error, query string, args ...any) error {
	err := scan(db.queryRow(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return desk.NotFound(what)
	}
	if err != nil {
		return fmt.Errorf("get %s: %w", what, err)
	}
	return nil
}

// many runs a query and scans each row.
func many[T any](ctx context.Context, db *DB, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Migrate applies the migrations in the "migrations" directory of fsys that
// conn has not applied yet, recording them in goose's version table.
func Migrate(ctx context.Context, dialect goose.Dialect, conn *sql.DB, fsys fs.FS, opts ...goose.ProviderOption) error {
	sub, err := fs.Sub(fsys, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, conn, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
