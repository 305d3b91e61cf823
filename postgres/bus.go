package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"desk"
	"desk/eventbus"
)

// BusChannel is the PostgreSQL notification channel the nodes of an
// installation share. An installation in a schema other than public uses
// BusChannel + "_" + the schema, so that installations (and tests) sharing
// one database do not hear each other.
const BusChannel = "supportdesk_events"

// Timings of the listening connection.
const (
	// busPingInterval is how long the listener waits in silence before it
	// checks that its connection still answers: a connection whose peer
	// vanished without closing it would otherwise wait for ever.
	busPingInterval = 30 * time.Second
	// busMinBackoff and busMaxBackoff bound the wait between attempts to
	// reconnect; it doubles from the first to the second.
	busMinBackoff = 100 * time.Millisecond
	busMaxBackoff = 10 * time.Second
)

const (
	// busConnectTimeout bounds one attempt to connect and LISTEN.
	busConnectTimeout = 10 * time.Second
	// busNotifyTimeout bounds one round of sending notifications.
	busNotifyTimeout = 5 * time.Second
	// busQueue is how many events may wait to be sent to the other nodes
	// before further ones are sent to this node's subscribers only.
	busQueue = 1024
	// busBatch is the most notifications sent in one statement.
	busBatch = 64
	// busMaxPayload is below PostgreSQL's limit of 8000 bytes.
	busMaxPayload = 7900
)

// Bus is a desk.Bus for several nodes on one PostgreSQL database. Publish
// delivers an event to this node's subscribers at once, as the in-process
// bus does, and sends it to the other nodes with pg_notify. A listener
// with a connection of its own (LISTEN, outside the store's pool) delivers
// the other nodes' events to this node's subscribers and ignores its own
// node's echoes.
//
// Notifications are not queued by PostgreSQL for a listener that is not
// connected, so after the listener has lost its connection and
// reconnected, it delivers EventResync and EventComponentsChanged to this
// node's subscribers: every event they missed was a reason to reload, and
// those two make each of them reload what it keeps.
//
// Subscribers are served as by package eventbus: a slow one misses events
// rather than holding up the listener or a publisher. Sending to the other
// nodes happens in the background, so a slow database does not hold up
// the request that published; an event that cannot be sent is logged and
// counted, and the other nodes' caches expire on their own
// (desk.CatalogueCacheTTL).
type Bus struct {
	local   *eventbus.Local
	pool    *sql.DB
	cfg     *pgx.ConnConfig
	channel string
	node    string
	clock   desk.Clock
	logger  *slog.Logger

	out  chan string
	stop context.CancelFunc
	// done is closed when the listener and the sender have ended.
	done      chan struct{}
	closed    atomic.Bool
	closeOnce sync.Once

	sent, received, lost, reconnects atomic.Uint64
}

var _ desk.Bus = (*Bus)(nil)

// resyncEvents are delivered to this node's subscribers after the listener
// reconnects. EventResync says that anything may have changed; the status
// page, which predates it, reloads everything on EventComponentsChanged.
var resyncEvents = []string{desk.EventResync, desk.EventComponentsChanged}

// wireEvent is an event as sent between nodes: ids only, as desk.Event,
// plus the sending node, so that a listener can skip its own node's echo.
type wireEvent struct {
	Type   string `json:"t"`
	OrgID  int64  `json:"o,omitempty"`
	CaseID int64  `json:"c,omitempty"`
	At     int64  `json:"a"` // Unix microseconds
	Node   string `json:"n"`
}

// OpenBus connects the listener of a bus on db's database and starts it.
// When OpenBus returns, events published by other nodes are delivered.
// The clock stamps the events the bus makes itself (EventResync); a nil
// logger logs nothing. Close stops the bus; it does not close db.
func OpenBus(ctx context.Context, db *DB, clock desk.Clock, logger *slog.Logger) (*Bus, error) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cfg, err := pgx.ParseConfig(db.dsn)
	if err != nil {
		return nil, fmt.Errorf("event bus: %w", err)
	}
	var id [8]byte
	rand.Read(id[:])
	b := &Bus{
		local: eventbus.New(), pool: db.conn, cfg: cfg, node: hex.EncodeToString(id[:]),
		clock: clock, logger: logger, out: make(chan string, busQueue), done: make(chan struct{}),
	}
	// The application name shows the listener in pg_stat_activity, so that
	// an operator can tell it from the pool's connections.
	cfg.RuntimeParams["application_name"] = "supportdesk-bus-" + b.node
	conn, err := b.dial(ctx)
	if err != nil {
		return nil, err
	}
	var schema sql.NullString
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("event bus: %w", err)
	}
	b.channel = channelName(schema.String)
	if err := b.listenOn(ctx, conn); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	runCtx, stop := context.WithCancel(context.Background())
	b.stop = stop
	var wg sync.WaitGroup
	wg.Go(func() { b.listen(runCtx, conn) })
	wg.Go(func() { b.send(runCtx) })
	go func() {
		wg.Wait()
		close(b.done)
	}()
	return b, nil
}

// channelName is the notification channel for an installation in schema.
// PostgreSQL limits channel names to 63 bytes; a longer name is shortened
// to a hash of the schema, the same on every node.
func channelName(schema string) string {
	if schema == "" || schema == "public" {
		return BusChannel
	}
	name := BusChannel + "_" + schema
	if len(name) > 63 {
		sum := sha256.Sum256([]byte(schema))
		name = BusChannel + "_" + hex.EncodeToString(sum[:12])
	}
	return name
}

// Node returns the random id of this bus, which its listener's
// application_name in pg_stat_activity ends with.
func (b *Bus) Node() string { return b.node }

// Channel returns the notification channel the bus uses.
func (b *Bus) Channel() string { return b.channel }

// Subscribe returns a channel of events published on this node or another,
// and a function that ends the subscription and closes the channel.
func (b *Bus) Subscribe() (<-chan desk.Event, func()) { return b.local.Subscribe() }

// Publish delivers e to this node's subscribers without blocking and
// queues it for the other nodes. EventResync concerns this node alone and
// is not sent.
func (b *Bus) Publish(ctx context.Context, e desk.Event) {
	b.local.Publish(ctx, e)
	if e.Type == desk.EventResync || b.closed.Load() {
		return
	}
	p, err := json.Marshal(wireEvent{Type: e.Type, OrgID: e.OrgID, CaseID: e.CaseID, At: e.At.UnixMicro(), Node: b.node})
	if err != nil || len(p) > busMaxPayload {
		b.lost.Add(1)
		b.logger.WarnContext(ctx, "event bus: event not sent to other nodes: too large", "type", e.Type, "bytes", len(p))
		return
	}
	select {
	case b.out <- string(p):
	default:
		b.lost.Add(1)
		b.logger.WarnContext(ctx, "event bus: queue to other nodes full; event kept on this node", "type", e.Type)
	}
}

// Close stops the listener, sends what is still queued (for a few seconds
// at most) and closes the listening connection. Subscriptions stay open
// and keep receiving this node's own events. Close may be called more than
// once.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() {
		b.closed.Store(true)
		b.stop()
		<-b.done
	})
	return nil
}

// BusStats counts what a bus did, for metrics and tests.
type BusStats struct {
	Sent       uint64 // events sent to the other nodes
	Received   uint64 // events received from other nodes and delivered here
	Lost       uint64 // events that could not be sent to the other nodes
	Reconnects uint64 // times the listener reconnected
	Dropped    uint64 // deliveries dropped because a subscriber was full
}

// Stats returns the counts so far.
func (b *Bus) Stats() BusStats {
	return BusStats{Sent: b.sent.Load(), Received: b.received.Load(), Lost: b.lost.Load(),
		Reconnects: b.reconnects.Load(), Dropped: b.local.Dropped()}
}

// dial opens a connection for the listener.
func (b *Bus) dial(ctx context.Context) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, busConnectTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, b.cfg)
	if err != nil {
		return nil, fmt.Errorf("event bus: connect: %w", err)
	}
	return conn, nil
}

func (b *Bus) listenOn(ctx context.Context, conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, busConnectTimeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.channel}.Sanitize()); err != nil {
		return fmt.Errorf("event bus: listen: %w", err)
	}
	return nil
}

// listen delivers other nodes' events until ctx ends, reconnecting with
// backoff whenever the connection is lost.
func (b *Bus) listen(ctx context.Context, conn *pgx.Conn) {
	for {
		err := b.receive(ctx, conn)
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(closeCtx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		b.logger.Warn("event bus: lost the listening connection; reconnecting", "err", err)
		if conn = b.reconnect(ctx); conn == nil {
			return
		}
		b.reconnects.Add(1)
		b.logger.Info("event bus: listening again; telling subscribers to reload")
		for _, typ := range resyncEvents {
			b.local.Publish(ctx, desk.Event{Type: typ, At: b.clock.Now()})
		}
	}
}

// reconnect connects and LISTENs again, waiting longer after each failed
// attempt. It returns nil when ctx ends first.
func (b *Bus) reconnect(ctx context.Context) *pgx.Conn {
	backoff := busMinBackoff
	for {
		// Jitter spreads the nodes out when a database restart has cut
		// them all off at once.
		wait := backoff/2 + mrand.N(backoff/2+1)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		conn, err := b.dial(ctx)
		if err == nil {
			if err = b.listenOn(ctx, conn); err == nil {
				return conn
			}
			conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return nil
		}
		b.logger.Warn("event bus: reconnect failed", "err", err, "retry_in", min(2*backoff, busMaxBackoff))
		backoff = min(2*backoff, busMaxBackoff)
	}
}

// receive waits for notifications on conn and delivers them, until the
// connection fails or ctx ends. After busPingInterval of silence it pings
// the server, so that a connection that died quietly is noticed.
func (b *Bus) receive(ctx context.Context, conn *pgx.Conn) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, busPingInterval)
		n, err := conn.WaitForNotification(wctx)
		timedOut := errors.Is(wctx.Err(), context.DeadlineExceeded)
		cancel()
		switch {
		case err == nil:
			b.deliver(ctx, n.Payload)
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case timedOut && !conn.IsClosed():
			pctx, cancel := context.WithTimeout(ctx, busConnectTimeout)
			err = conn.Ping(pctx)
			cancel()
			if err == nil {
				continue
			}
		}
		return err
	}
}

// deliver hands an event from another node to this node's subscribers.
// Echoes of this node's own events were delivered when they were
// published, and are skipped.
func (b *Bus) deliver(ctx context.Context, payload string) {
	var w wireEvent
	if err := json.Unmarshal([]byte(payload), &w); err != nil || w.Type == "" {
		b.logger.Warn("event bus: unreadable notification ignored", "payload", truncate(payload, 200))
		return
	}
	if w.Node == b.node {
		return
	}
	b.received.Add(1)
	b.local.Publish(ctx, desk.Event{Type: w.Type, OrgID: w.OrgID, CaseID: w.CaseID, At: time.UnixMicro(w.At).UTC()})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// send sends queued events to the other nodes, several in one statement
// when they queue up, in the order they were published. When ctx ends it
// sends what is still queued and returns.
func (b *Bus) send(ctx context.Context) {
	batch := make([]string, 0, busBatch)
	for {
		select {
		case <-ctx.Done():
			for {
				batch = b.fill(batch[:0])
				if len(batch) == 0 {
					return
				}
				b.notify(batch)
			}
		case p := <-b.out:
			b.notify(b.fill(append(batch[:0], p)))
		}
	}
}

// fill adds what is queued to batch, up to busBatch, without waiting.
func (b *Bus) fill(batch []string) []string {
	for len(batch) < busBatch {
		select {
		case p := <-b.out:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// notify sends a batch of payloads on the channel through the store's
// pool. One retry covers a pooled connection that broke since its last
// use; after that the events are counted as lost.
func (b *Bus) notify(batch []string) {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), busNotifyTimeout)
		_, err = b.pool.ExecContext(ctx, "SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i", b.channel, batch)
		cancel()
		if err == nil {
			b.sent.Add(uint64(len(batch)))
			return
		}
	}
	b.lost.Add(uint64(len(batch)))
	b.logger.Warn("event bus: events not sent to other nodes", "count", len(batch), "err", err)
}
