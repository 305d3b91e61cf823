package inbox

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// IMAPConfig is the mailbox the poller reads.
type IMAPConfig struct {
	// Addr is host:port. Without a port, the port of Security is used:
	// 993 for "tls", 143 otherwise.
	Addr string
	// Security is "tls" (implicit TLS, the default), "starttls", or
	// "none", which is only allowed to a loopback address, because it
	// would send the password in the clear.
	Security string
	Username string
	Password string
	// Mailbox is the mailbox read (default "INBOX"). The poller owns it:
	// every message it delivers is deleted from it.
	Mailbox string
	// TLSConfig, when set, is used for "tls" and "starttls"; its
	// ServerName defaults to the host of Addr.
	TLSConfig *tls.Config
	// Interval is the time between polls (default 30 s).
	Interval time.Duration
	// Batch is the most messages taken in one poll (default 100).
	Batch int
	// MaxBytes is the largest message taken (default DefaultMaxBytes,
	// the same limit as the SMTP listener's).
	MaxBytes int64
}

// Security modes of IMAPConfig.
const (
	IMAPSecurityTLS      = "tls"
	IMAPSecurityStartTLS = "starttls"
	IMAPSecurityNone     = "none"
)

const (
	defaultIMAPInterval = 30 * time.Second
	defaultIMAPBatch    = 100
	// imapMaxBackoff bounds the wait after repeated failed polls, so that
	// a mail server that comes back is read again within minutes.
	imapMaxBackoff  = 10 * time.Minute
	imapDialTimeout = 30 * time.Second
	// maxEnvelopeRecipients bounds the recipients taken from the
	// headers, as the SMTP listener bounds RCPT TO.
	maxEnvelopeRecipients = 50
)

// Poller moves mail from an IMAP mailbox into the inbox. It is the way in
// when the desk's address is a mailbox at a mail provider rather than an
// MX pointing at the SMTP listener; both may run at once, as the inbox
// stores a message seen by both only once.
type Poller struct {
	Inbox  *Inbox
	Config IMAPConfig
}

// config returns the configuration with its defaults filled in, or why it
// cannot be used.
func (p *Poller) config() (IMAPConfig, error) {
	c := p.Config
	if p.Inbox == nil {
		return c, errors.New("no inbox")
	}
	c.Security = strings.ToLower(strings.TrimSpace(c.Security))
	if c.Security == "" {
		c.Security = IMAPSecurityTLS
	}
	port := "143"
	switch c.Security {
	case IMAPSecurityTLS:
		port = "993"
	case IMAPSecurityStartTLS, IMAPSecurityNone:
	default:
		return c, fmt.Errorf("unknown imap security %q: want %q, %q or %q", c.Security, IMAPSecurityTLS, IMAPSecurityStartTLS, IMAPSecurityNone)
	}
	if c.Addr == "" {
		return c, errors.New("no imap address")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		c.Addr = net.JoinHostPort(strings.Trim(c.Addr, "[]"), port)
	}
	if c.Username == "" {
		return c, errors.New("no imap username")
	}
	if c.Mailbox == "" {
		c.Mailbox = "INBOX"
	}
	if c.Interval <= 0 {
		c.Interval = defaultIMAPInterval
	}
	if c.Batch <= 0 {
		c.Batch = defaultIMAPBatch
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	return c, nil
}

// PollOnce connects, fetches every message in the mailbox (oldest first,
// up to Batch), hands each to Inbox.Deliver, and only after Deliver
// returned nil marks it \Deleted and expunges it (UID EXPUNGE when the
// server has UIDPLUS, else EXPUNGE). A message Deliver refused stays in the
// mailbox for the next poll. It returns how many messages were delivered;
// the error tells what went wrong, even when some were delivered.
//
// A message over MaxBytes is not fetched: it is flagged \Flagged and
// left in the mailbox for a person to deal with, and later polls pass
// over it (they skip messages that are both flagged and too large), so it
// neither blocks the batch nor is downloaded again and again.
func (p *Poller) PollOnce(ctx context.Context) (int, error) {
	cfg, err := p.config()
	if err != nil {
		return 0, fmt.Errorf("imap poll: %w", err)
	}
	n, err := p.pollOnce(ctx, cfg)
	if err != nil {
		if ctx.Err() != nil {
			// A cancelled poll closes the connection under the client,
			// whose error then says less than the context's.
			err = ctx.Err()
		}
		return n, fmt.Errorf("imap poll %s %s: %w", cfg.Addr, cfg.Mailbox, err)
	}
	return n, nil
}

func (p *Poller) pollOnce(ctx context.Context, cfg IMAPConfig) (int, error) {
	c, err := dialIMAP(ctx, cfg)
	if err != nil {
		return 0, err
	}
	// imapclient takes no context: closing the connection is what stops a
	// command waiting on a server that does not answer.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer func() {
		stop()
		c.Close()
	}()
	if err := c.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		return 0, fmt.Errorf("login as %s: %w", cfg.Username, err)
	}
	n, err := p.drain(ctx, c, cfg)
	if err == nil {
		// A polite goodbye; the messages are dealt with whatever it says.
		_ = c.Logout().Wait()
	}
	return n, err
}

// dialIMAP connects as cfg says and waits for the greeting. It refuses to
// connect unencrypted to anything but a loopback address, since LOGIN
// would then send the password in the clear.
func dialIMAP(ctx context.Context, cfg IMAPConfig) (*imapclient.Client, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("imap address %q: %w", cfg.Addr, err)
	}
	if cfg.Security == IMAPSecurityNone && !isLoopbackHost(host) {
		return nil, fmt.Errorf("refusing to send the imap password unencrypted to %s: security %q is only for a loopback address; use %q or %q",
			cfg.Addr, IMAPSecurityNone, IMAPSecurityTLS, IMAPSecurityStartTLS)
	}
	d := net.Dialer{Timeout: imapDialTimeout}
	conn, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	// The handshakes below take no context either.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	tlsConfig := &tls.Config{}
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = host
	}
	opts := &imapclient.Options{TLSConfig: tlsConfig}

	var c *imapclient.Client
	switch cfg.Security {
	case IMAPSecurityNone:
		// A name such as localhost could resolve elsewhere: what counts
		// is where the connection went.
		if a, ok := conn.RemoteAddr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
			conn.Close()
			return nil, fmt.Errorf("refusing to send the imap password unencrypted to %s (%s), which is not a loopback address", cfg.Addr, conn.RemoteAddr())
		}
		c = imapclient.New(conn, opts)
	case IMAPSecurityTLS:
		if tlsConfig.NextProtos == nil {
			tlsConfig.NextProtos = []string{"imap"}
		}
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		c = imapclient.New(tc, opts)
	case IMAPSecurityStartTLS:
		// NewStartTLS fails rather than going on in the clear when the
		// server offers no STARTTLS, and refuses PREAUTH before it.
		if c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			conn.Close()
			return nil, fmt.Errorf("starttls: %w", err)
		}
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	return c, nil
}

// isLoopbackHost reports whether host names this machine.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// drain delivers the oldest messages of the selected mailbox and removes
// those delivered.
func (p *Poller) drain(ctx context.Context, c *imapclient.Client, cfg IMAPConfig) (int, error) {
	sel, err := c.Select(cfg.Mailbox, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("select: %w", err)
	}
	if sel.NumMessages == 0 {
		return 0, nil
	}
	// Messages marked \Deleted are taken too: they may be ones delivered
	// by a poll whose expunge failed, and delivering them again only
	// finds them stored. Skipped oversized ones are left out, so that they
	// do not fill every batch.
	found, err := c.UIDSearch(&imap.SearchCriteria{
		Not: []imap.SearchCriteria{{Flag: []imap.Flag{imap.FlagFlagged}, Larger: cfg.MaxBytes}},
	}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	// UIDs grow with arrival, so the smallest are the oldest.
	uids := found.AllUIDs()
	slices.Sort(uids)
	if len(uids) > cfg.Batch {
		uids = uids[:cfg.Batch]
	}
	if len(uids) == 0 {
		return 0, nil
	}
	sizes, err := fetchSizes(c, uids)
	if err != nil {
		return 0, err
	}

	log := p.Inbox.logger()
	var delivered []imap.UID
	var errs []error
	failed := 0
	for _, uid := range uids {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		size, ok := sizes[uid]
		if !ok {
			// Expunged by another client since the search.
			continue
		}
		var raw []byte
		tooLarge := size > cfg.MaxBytes
		if !tooLarge {
			raw, err = fetchRaw(c, uid, cfg.MaxBytes)
			if errors.Is(err, errIMAPTooLarge) {
				tooLarge = true
			} else if err != nil {
				// The connection is most likely gone; what was delivered
				// is still removed below if it can be.
				errs = append(errs, err)
				break
			}
		}
		if tooLarge {
			log.Warn("imap message too large, flagged and left in the mailbox", "mailbox", cfg.Mailbox, "uid", uid, "size", size, "max", cfg.MaxBytes)
			if err := flagTooLarge(c, uid); err != nil {
				log.Error("imap flag too large message", "mailbox", cfg.Mailbox, "uid", uid, "err", err)
			}
			continue
		}
		if raw == nil {
			continue // expunged between the two fetches
		}
		if err := p.deliver(ctx, raw); err != nil {
			// Left for the next poll; the others may still go in, as a
			// refusal can be about this one message.
			failed++
			if failed == 1 {
				errs = append(errs, fmt.Errorf("deliver uid %d: %w", uid, err))
			}
			log.Error("imap deliver", "mailbox", cfg.Mailbox, "uid", uid, "err", err)
			continue
		}
		delivered = append(delivered, uid)
	}
	if failed > 1 {
		errs = append(errs, fmt.Errorf("%d messages not delivered", failed))
	}
	if len(delivered) > 0 {
		// The messages are stored; removing them is tidying up, and if it
		// fails the next poll finds them stored already.
		if err := removeDelivered(c, delivered); err != nil {
			errs = append(errs, err)
		}
	}
	return len(delivered), errors.Join(errs...)
}

// deliver hands one message to the inbox, turning a panic (a parser bug,
// say) into an error so that one message cannot stop the poller.
func (p *Poller) deliver(ctx context.Context, raw []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("deliver panicked: %v", r)
		}
	}()
	_, err = p.Inbox.Deliver(ctx, raw, headerRecipients(raw))
	return err
}

var errIMAPTooLarge = errors.New("message too large")

// fetchSizes returns the size of each message, to skip large ones before
// downloading them.
func fetchSizes(c *imapclient.Client, uids []imap.UID) (map[imap.UID]int64, error) {
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch sizes: %w", err)
	}
	sizes := make(map[imap.UID]int64, len(msgs))
	for _, m := range msgs {
		if m.UID != 0 {
			sizes[m.UID] = m.RFC822Size
		}
	}
	return sizes, nil
}

// fetchRaw returns one message as it was received, or nil when it is
// gone. BODY.PEEK leaves \Seen alone, so a failed poll does not make the
// message look read to a person looking at the mailbox. A message longer
// than max, though its size said otherwise, is errIMAPTooLarge.
func fetchRaw(c *imapclient.Client, uid imap.UID, max int64) ([]byte, error) {
	cmd := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	})
	var raw []byte
	var err error
	for msg := cmd.Next(); msg != nil && err == nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			body, ok := item.(imapclient.FetchItemDataBodySection)
			if !ok || body.Literal == nil {
				continue
			}
			if body.Literal.Size() > max {
				err = errIMAPTooLarge
				break
			}
			if raw, err = io.ReadAll(io.LimitReader(body.Literal, max+1)); err == nil && int64(len(raw)) > max {
				err = errIMAPTooLarge
			}
			break
		}
	}
	// Close reads what is left of the response, so the connection stays
	// usable after a message was refused half-way.
	if cerr := cmd.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, errIMAPTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("fetch uid %d: %w", uid, err)
	}
	return raw, nil
}

// flagTooLarge marks a message the poller will not take, for a person to
// find, and so that later searches pass over it.
func flagTooLarge(c *imapclient.Client, uid imap.UID) error {
	return c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{
		Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged},
	}, nil).Close()
}

// removeDelivered deletes delivered messages. Without UIDPLUS the plain
// EXPUNGE also removes messages another client marked \Deleted, which in
// a mailbox the desk owns is what that client asked for anyway.
func removeDelivered(c *imapclient.Client, uids []imap.UID) error {
	set := imap.UIDSetNum(uids...)
	if err := c.Store(set, &imap.StoreFlags{
		Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted},
	}, nil).Close(); err != nil {
		return fmt.Errorf("mark delivered messages deleted: %w", err)
	}
	var err error
	if c.Caps().Has(imap.CapUIDPlus) {
		err = c.UIDExpunge(set).Close()
	} else {
		err = c.Expunge().Close()
	}
	if err != nil {
		return fmt.Errorf("expunge delivered messages: %w", err)
	}
	return nil
}

// headerRecipients returns the envelope recipients a mail server wrote
// into the message on delivery (Delivered-To, X-Original-To, Envelope-To),
// or nil. IMAP has no envelope, and these name the reply address when the
// headers the sender wrote do not (Bcc, forwarding). A sender can write
// them too, but that gains nothing over writing To.
func headerRecipients(raw []byte) []string {
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i+4]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		head = raw[:i+2]
	} else {
		head = append(append([]byte(nil), raw...), "\r\n\r\n"...)
	}
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	// A malformed line ends the header early; what came before it counts.
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(head))).ReadMIMEHeader()
	var out []string
	for _, key := range []string{"Delivered-To", "X-Original-To", "Envelope-To"} {
		for _, v := range h.Values(key) {
			out = append(out, addressesIn(v)...)
		}
	}
	if len(out) > maxEnvelopeRecipients {
		out = out[:maxEnvelopeRecipients]
	}
	return out
}

// addressesIn reads the addresses of one header value, which is a bare
// address more often than a proper address list.
func addressesIn(v string) []string {
	var out []string
	if list, err := mail.ParseAddressList(v); err == nil {
		for _, a := range list {
			out = append(out, a.Address)
		}
		return out
	}
	for _, s := range strings.Split(v, ",") {
		s = strings.Trim(strings.TrimSpace(s), "<>")
		if strings.Count(s, "@") == 1 && !strings.ContainsAny(s, " \t<>\"") {
			out = append(out, s)
		}
	}
	return out
}

// Run polls every Interval until ctx ends. Errors are logged; after
// failed polls it waits twice as long each time, up to 10 minutes (or
// Interval, when longer), so that a mail server that is down or refuses
// the password is not hammered. A full batch is followed by another poll
// at once, to catch up with a backlog.
func (p *Poller) Run(ctx context.Context) {
	cfg, err := p.config()
	if err != nil {
		log := slog.Default()
		if p.Inbox != nil {
			log = p.Inbox.logger()
		}
		log.Error("imap poller not started", "err", err)
		return
	}
	log := p.Inbox.logger().With("imap", cfg.Addr, "mailbox", cfg.Mailbox)
	failures := 0
	for {
		n, err := p.safePoll(ctx)
		if ctx.Err() != nil {
			return
		}
		delay := cfg.Interval
		switch {
		case err != nil:
			failures++
			delay = imapBackoff(cfg.Interval, failures)
			log.Error("imap poll failed", "err", err, "delivered", n, "failures", failures, "retry_in", delay)
		default:
			failures = 0
			if n > 0 {
				log.Info("imap poll", "delivered", n)
			}
			if n >= cfg.Batch {
				delay = 0
			}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// safePoll is PollOnce that reports a panic as an error, so that Run
// never ends the process.
func (p *Poller) safePoll(ctx context.Context) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("imap poll panicked: %v", r)
		}
	}()
	return p.PollOnce(ctx)
}

// imapBackoff is the wait after the given number of failed polls in a
// row: the interval, doubled for each failure after the first, capped.
func imapBackoff(interval time.Duration, failures int) time.Duration {
	limit := max(imapMaxBackoff, interval)
	d := interval
	for i := 1; i < failures && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
