package inbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	stdmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"desk"
	"desk/blobs"
	"desk/eventbus"
	"desk/inbox"
	"desk/mail"
	"desk/sqlite"
)

// fixture is a desk with one organisation, its admin, and open cases.
type fixture struct {
	ctx   context.Context
	svc   *desk.Service
	admin *desk.User
	other *desk.User
	cases []*desk.Case
	ib    *inbox.Inbox
	addr  string
}

// simpleParse stands in for package mail's parser in these tests, which
// are about the conversation and the pipeline, not MIME.
func simpleParse(raw []byte) (*desk.InMail, error) {
	m, err := stdmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return nil, &desk.Error{Kind: desk.EINVALID, Code: "mail_unreadable", Message: err.Error()}
	}
	in := &desk.InMail{MessageID: m.Header.Get("Message-Id"), Subject: m.Header.Get("Subject")}
	if a, err := stdmail.ParseAddress(m.Header.Get("From")); err == nil {
		in.From = strings.ToLower(a.Address)
	}
	if as, err := m.Header.AddressList("To"); err == nil {
		for _, a := range as {
			in.To = append(in.To, strings.ToLower(a.Address))
		}
	}
	buf := make([]byte, 1<<16)
	n, _ := m.Body.Read(buf)
	in.Text = strings.TrimSpace(string(buf[:n]))
	in.Trimmed = in.Text
	return in, nil
}

func newFixture(t testing.TB, ncases int, parse func([]byte) (*desk.InMail, error)) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.Migrate(ctx))
	bl, err := blobs.Open(dir)
	must(err)
	svc := desk.NewService(db, bl, eventbus.New(), desk.SystemClock{})
	svc.Mail = desk.MailConfig{Address: "support@desk.example", Secret: []byte("test")}
	must(db.PutProduct(ctx, &desk.Product{Code: "mail", Name: "Mail"}))
	must(db.PutPlan(ctx, &desk.Plan{Code: "business", Name: "Business", SupportIncluded: true,
		Channels: []desk.Channel{desk.ChannelWeb, desk.ChannelEmail}, MaxSeverity: desk.SeverityHigh}))
	f := &fixture{ctx: ctx, svc: svc}
	mk := func(name string) *desk.User {
		o := &desk.Org{Name: name, TimeZone: "Europe/Amsterdam", Language: "nl", CreatedAt: time.Now()}
		must(db.CreateOrg(ctx, o))
		must(db.PutSubscription(ctx, &desk.Subscription{OrgID: o.ID, Product: "mail", Plan: "business"}))
		u := &desk.User{OrgID: o.ID, Email: "admin@" + name + ".example", Name: name, Role: desk.RoleSupportAdmin, Language: "nl", CreatedAt: time.Now()}
		must(db.CreateUser(ctx, u))
		return u
	}
	f.admin, f.other = mk("one"), mk("two")
	for i := 0; i < ncases; i++ {
		c, _, err := svc.OpenCase(ctx, f.admin, desk.NewCase{Product: "mail", Title: fmt.Sprint("case ", i), Description: "x"}, "")
		must(err)
		f.cases = append(f.cases, c)
	}
	f.ib = &inbox.Inbox{Service: svc, Parse: parse, Logger: slog.New(slog.DiscardHandler)}
	srv := f.ib.SMTPServer(inbox.SMTPConfig{Domain: "desk.example", MaxBytes: 1 << 20})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	f.addr = ln.Addr().String()
	return f
}

// replyTo is a reply to a case's signed address.
func (f *fixture) replyTo(c *desk.Case, from, msgID, body string) (rcpt string, raw []byte) {
	rcpt = f.svc.Mail.ReplyAddress(c.ID, c.OrgID)
	raw = []byte("From: Admin <" + from + ">\r\nTo: Support <" + rcpt + ">\r\nSubject: Re: [Case #" + fmt.Sprint(c.ID) +
		"]\r\nMessage-ID: " + msgID + "\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
	return rcpt, raw
}

// send runs one SMTP conversation.
func send(c *smtp.Client, from, rcpt string, raw []byte) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

func (f *fixture) publicMessages(t testing.TB, c *desk.Case) []*desk.Message {
	t.Helper()
	ms, err := f.svc.Store.Messages(f.ctx, desk.Scope{OrgID: c.OrgID}, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []*desk.Message
	for _, m := range ms {
		if m.Kind == desk.MessagePublic {
			out = append(out, m)
		}
	}
	return out
}

func TestSMTPReply(t *testing.T) {
	f := newFixture(t, 1, simpleParse)
	c := f.cases[0]
	cl, err := smtp.Dial(f.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	rcpt, raw := f.replyTo(c, f.admin.Email, "<r1@client.example>", "It works again, thanks.")
	if err := send(cl, f.admin.Email, rcpt, raw); err != nil {
		t.Fatal(err)
	}
	// The same message again, as after a lost acknowledgement, is accepted
	// and added once.
	if err := send(cl, f.admin.Email, rcpt, raw); err != nil {
		t.Fatal(err)
	}
	ms := f.publicMessages(t, c)
	if len(ms) != 1 || ms[0].Body != "It works again, thanks." || ms[0].Channel != "email" || ms[0].AuthorID != f.admin.ID {
		t.Fatalf("public messages = %+v", ms)
	}

	// The other organisation's admin using the token: accepted by SMTP
	// (so that no answer tells them anything) and quarantined.
	rcpt, raw = f.replyTo(c, f.other.Email, "<r2@client.example>", "I am not who you think")
	if err := send(cl, f.other.Email, rcpt, raw); err != nil {
		t.Fatal(err)
	}
	if ms := f.publicMessages(t, c); len(ms) != 1 {
		t.Fatalf("another organisation's mail was added: %+v", ms)
	}
	q, err := f.svc.Store.InMails(f.ctx, desk.InQuarantined, 10)
	if err != nil || len(q) != 1 || q[0].Reason != desk.QuarantineOtherOrg {
		t.Fatalf("quarantine = %+v, %v", q, err)
	}

	// No relay: recipients outside our domain are refused.
	if err := cl.Mail(f.admin.Email, nil); err != nil {
		t.Fatal(err)
	}
	err = cl.Rcpt("someone@elsewhere.example", nil)
	if se, ok := err.(*smtp.SMTPError); !ok || se.Code != 550 {
		t.Fatalf("relay RCPT: %v, want 550", err)
	}
	cl.Reset()

	// Over the size limit: refused (552, or the server hangs up while the
	// client is still writing), and nothing is stored.
	big := append([]byte("From: "+f.admin.Email+"\r\nMessage-ID: <big@x>\r\n\r\n"), []byte(strings.Repeat("x", 2<<20))...)
	if err := send(cl, f.admin.Email, "support@desk.example", big); err == nil {
		t.Fatal("an oversized message was accepted")
	}
	all, err := f.svc.Store.InMails(f.ctx, "", 10)
	if err != nil || len(all) != 2 {
		t.Fatalf("stored mails after the oversized one = %d (%v), want 2", len(all), err)
	}
}

// TestRecover checks that mail stored before a crash, but not processed,
// is processed once afterwards.
func TestRecover(t *testing.T) {
	f := newFixture(t, 1, simpleParse)
	c := f.cases[0]
	rcpt, raw := f.replyTo(c, f.admin.Email, "<crash@client.example>", "stored, then the node died")
	in, err := simpleParse(raw)
	if err != nil {
		t.Fatal(err)
	}
	in.To, in.Raw, in.ReceivedAt = []string{rcpt}, raw, time.Now()
	if _, _, err := f.svc.Store.SaveInMail(f.ctx, in); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.ib.Recover(f.ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ms := f.publicMessages(t, c); len(ms) != 1 || ms[0].Body != "stored, then the node died" {
		t.Fatalf("after recovery: %+v", ms)
	}
	if n, err := f.ib.Recover(f.ctx); err != nil || n != 0 {
		t.Fatalf("second recovery processed %d (%v)", n, err)
	}
}

// BenchmarkInboundSMTP measures replies threaded into cases over loopback
// SMTP by 8 concurrent senders, each on its own connection.
func BenchmarkInboundSMTP(b *testing.B) {
	limits := mail.DefaultLimits()
	benchmarkInbound(b, func(raw []byte) (*desk.InMail, error) { return mail.Parse(raw, limits) })
}

func benchmarkInbound(b *testing.B, parse func([]byte) (*desk.InMail, error)) {
	f := newFixture(b, 50, parse)
	const senders = 8
	n := max(b.N, 400)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			cl, err := smtp.Dial(f.addr)
			if err != nil {
				b.Error(err)
				return
			}
			defer cl.Close()
			for i := s; i < n; i += senders {
				c := f.cases[i%len(f.cases)]
				rcpt, raw := f.replyTo(c, f.admin.Email, fmt.Sprintf("<bench-%d@client.example>", i), "Reply number "+fmt.Sprint(i))
				if err := send(cl, f.admin.Email, rcpt, raw); err != nil {
					b.Error(err)
					return
				}
			}
		}(s)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(n)/elapsed.Seconds(), "mails/s")
	added, err := f.svc.Store.InMails(f.ctx, desk.InAdded, 500)
	if err != nil || len(added) != min(n, 500) {
		b.Fatalf("%d mails added (%v), want %d", len(added), err, min(n, 500))
	}
}
