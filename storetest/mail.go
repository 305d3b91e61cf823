package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"desk"
)

func (f *fixture) outMail(to string, kind desk.MailKind, auto bool) *desk.OutMail {
	return &desk.OutMail{
		MessageID: fmt.Sprintf("<%s.%s.%d@desk.example>", kind, to, time.Now().UnixNano()),
		Kind:      kind, To: to, ToName: "Ada", Language: "nl", Auto: auto,
		References: []string{"<case-1@desk.example>", "<x@desk.example>"},
		Data:       desk.MailData{CaseTitle: "Mail is slow", Body: "Hallo", DueAt: &base, TimeZone: "Europe/Amsterdam"},
		CreatedAt:  base,
	}
}

// testOutbox checks that mail queued with a case change is stored with it,
// is leased to one worker at a time and records what sending did.
func testOutbox(t *testing.T, f *fixture) {
	ch := f.newCase(f.org1, f.admin1, "with mail")
	opened := f.outMail("admin@one.example", desk.MailCaseOpened, true)
	ch.Mails = []*desk.OutMail{opened}
	_, err := f.s.CreateCase(f.ctx, ch, nil)
	must(t, err)
	c := ch.Case
	if opened.ID == 0 || opened.CaseID != c.ID || opened.OrgID != f.org1.ID {
		t.Fatalf("queued mail = %+v, want an id and case %d", opened, c.ID)
	}

	// A change that fails stores none of its mail.
	stale := *c
	bad := f.outMail("admin@one.example", desk.MailReply, false)
	err = f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &stale, PrevVersion: 7, Mails: []*desk.OutMail{bad}})
	wantKind(t, err, desk.ECONFLICT)
	list, err := f.s.Outbox(f.ctx, desk.OutboxFilter{CaseID: c.ID})
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("outbox holds %d mails after a refused change, want 1", len(list))
	}
	got := list[0]
	if got.MessageID != opened.MessageID || got.Kind != desk.MailCaseOpened || got.Language != "nl" || !got.Auto ||
		got.Status != desk.OutPending || len(got.References) != 2 || got.Data.CaseTitle != "Mail is slow" ||
		got.Data.DueAt == nil || !got.Data.DueAt.Equal(base) || got.ToName != "Ada" {
		t.Fatalf("stored mail = %+v", got)
	}
	if id, err := f.s.CaseOfMessageID(f.ctx, opened.MessageID); err != nil || id != c.ID {
		t.Fatalf("CaseOfMessageID = %d, %v; want %d", id, err, c.ID)
	}
	_, err = f.s.CaseOfMessageID(f.ctx, "<unknown@elsewhere>")
	wantKind(t, err, desk.ENOTFOUND)

	// Leases: a claimed mail is not claimed again until its lease ends.
	now := base.Add(time.Minute)
	a, err := f.s.ClaimOutbox(f.ctx, "a", now, time.Minute, 10)
	must(t, err)
	b, err := f.s.ClaimOutbox(f.ctx, "b", now, time.Minute, 10)
	must(t, err)
	if len(a) != 1 || len(b) != 0 {
		t.Fatalf("claims = %d and %d, want 1 and 0", len(a), len(b))
	}
	b, err = f.s.ClaimOutbox(f.ctx, "b", now.Add(2*time.Minute), time.Minute, 10)
	must(t, err)
	if len(b) != 1 {
		t.Fatalf("after the lease ended %d mails were claimed, want 1", len(b))
	}
	// A retry later is not due before its time.
	m := b[0]
	m.Attempts, m.LastError, m.NextAttemptAt = 1, "451 try later", now.Add(time.Hour)
	must(t, f.s.FinishOutbox(f.ctx, []*desk.OutMail{m}))
	if ms, err := f.s.ClaimOutbox(f.ctx, "a", now.Add(10*time.Minute), time.Minute, 10); err != nil || len(ms) != 0 {
		t.Fatalf("a retry was claimed before it was due: %d, %v", len(ms), err)
	}
	ms, err := f.s.ClaimOutbox(f.ctx, "a", now.Add(61*time.Minute), time.Minute, 10)
	must(t, err)
	if len(ms) != 1 || ms[0].Attempts != 1 || ms[0].LastError != "451 try later" {
		t.Fatalf("retry claim = %+v", ms)
	}
	sent := now.Add(61 * time.Minute)
	ms[0].Status, ms[0].SentAt = desk.OutSent, &sent
	must(t, f.s.FinishOutbox(f.ctx, ms))
	if ms, err := f.s.ClaimOutbox(f.ctx, "a", now.Add(24*time.Hour), time.Minute, 10); err != nil || len(ms) != 0 {
		t.Fatalf("a sent mail was claimed again: %d, %v", len(ms), err)
	}
	one, err := f.s.OutMail(f.ctx, opened.ID)
	must(t, err)
	if one.Status != desk.OutSent || one.SentAt == nil || !one.SentAt.Equal(sent) {
		t.Fatalf("sent mail = %+v", one)
	}
	// The flood limit counts automatic mail sent since a time.
	if n, err := f.s.CountAutoMail(f.ctx, "admin@one.example", sent.Add(-time.Hour)); err != nil || n != 1 {
		t.Fatalf("CountAutoMail = %d, %v; want 1", n, err)
	}
	if n, err := f.s.CountAutoMail(f.ctx, "admin@one.example", sent.Add(time.Second)); err != nil || n != 0 {
		t.Fatalf("CountAutoMail after = %d, %v; want 0", n, err)
	}
	_, err = f.s.OutMail(f.ctx, 987654)
	wantKind(t, err, desk.ENOTFOUND)
}

// testOutboxConcurrentClaims checks that racing workers never hold one
// mail at the same time.
func testOutboxConcurrentClaims(t *testing.T, f *fixture) {
	ch := f.newCase(f.org1, f.admin1, "many mails")
	for i := 0; i < 60; i++ {
		ch.Mails = append(ch.Mails, f.outMail(fmt.Sprintf("a%d@one.example", i), desk.MailReply, false))
	}
	_, err := f.s.CreateCase(f.ctx, ch, nil)
	must(t, err)
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(owner string) {
			defer wg.Done()
			for {
				ms, err := f.s.ClaimOutbox(f.ctx, owner, base.Add(time.Minute), time.Hour, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					if prev, ok := seen[m.ID]; ok {
						t.Errorf("mail %d claimed by %s and %s", m.ID, prev, owner)
					}
					seen[m.ID] = owner
				}
				mu.Unlock()
			}
		}(fmt.Sprint("w", w))
	}
	wg.Wait()
	if len(seen) != 60 {
		t.Fatalf("%d mails claimed, want 60", len(seen))
	}
}

// testInboundMail checks that received mail is stored once per Message-ID
// and that a case change takes it exactly once.
func testInboundMail(t *testing.T, f *fixture) {
	raw := []byte("From: admin@one.example\r\nMessage-ID: <r1@one.example>\r\n\r\nhello\r\n")
	in := &desk.InMail{MessageID: "<r1@one.example>", From: "admin@one.example", To: []string{"support@desk.example"},
		Subject: "Re: [Case #1]", Raw: raw, ReceivedAt: base}
	stored, dup, err := f.s.SaveInMail(f.ctx, in)
	must(t, err)
	if dup || stored.ID == 0 || stored.Status != desk.InReceived || stored.RawSHA256 == "" || stored.Size != int64(len(raw)) {
		t.Fatalf("first save = %+v, dup %v", stored, dup)
	}
	// The same Message-ID again, also concurrently, is stored once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	dups := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			again := *in
			again.ID = 0
			got, dup, err := f.s.SaveInMail(f.ctx, &again)
			if err != nil {
				t.Error(err)
				return
			}
			if got.ID != stored.ID || string(got.Raw) != string(raw) {
				t.Errorf("duplicate save returned %+v", got)
			}
			mu.Lock()
			if dup {
				dups++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if dups != 8 {
		t.Fatalf("%d of 8 repeated saves were duplicates", dups)
	}
	list, err := f.s.InMails(f.ctx, desk.InReceived, 10)
	must(t, err)
	if len(list) != 1 || list[0].ID != stored.ID || list[0].Subject != "Re: [Case #1]" || len(list[0].To) != 1 {
		t.Fatalf("received list = %+v", list)
	}

	// Adding the mail to a case marks it in the same transaction; a second
	// process adding it again is refused and stores nothing.
	c := f.create(t, f.org1, f.admin1, "by mail")
	add := func(version int) error {
		upd := *c
		upd.Version = version + 1
		return f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &upd, PrevVersion: version, InMail: stored, InMailStatus: desk.InAdded,
			Messages: []*desk.Message{{Kind: desk.MessagePublic, Body: "hello", FullBody: "hello\n> quoted", MailID: stored.ID,
				AuthorID: f.admin1.ID, Channel: "email", CreatedAt: base}}})
	}
	must(t, add(1))
	err = add(2)
	if desk.ErrorCode(err) != "mail_processed" {
		t.Fatalf("second add: %v, want mail_processed", err)
	}
	msgs, err := f.s.Messages(f.ctx, scope(f.org1), c.ID)
	must(t, err)
	if len(msgs) != 2 || msgs[1].MailID != stored.ID || msgs[1].FullBody != "hello\n> quoted" || msgs[1].Channel != "email" {
		t.Fatalf("timeline = %+v", msgs)
	}
	got, err := f.s.InMail(f.ctx, stored.ID)
	must(t, err)
	if got.Status != desk.InAdded || got.CaseID != c.ID || string(got.Raw) != string(raw) {
		t.Fatalf("received mail after adding = %+v", got)
	}

	// Quarantine without a case.
	q := &desk.InMail{MessageID: "<q@evil.example>", From: "x@evil.example", Raw: []byte("x"), ReceivedAt: base}
	q, _, err = f.s.SaveInMail(f.ctx, q)
	must(t, err)
	q.Status, q.Reason = desk.InQuarantined, "unknown_sender"
	must(t, f.s.SetInMail(f.ctx, q))
	qs, err := f.s.InMails(f.ctx, desk.InQuarantined, 10)
	must(t, err)
	if len(qs) != 1 || qs[0].Reason != "unknown_sender" || qs[0].CaseID != 0 || qs[0].Raw != nil {
		t.Fatalf("quarantine = %+v", qs)
	}
	_, err = f.s.InMail(f.ctx, 424242)
	wantKind(t, err, desk.ENOTFOUND)
}

func testFailingAddresses(t *testing.T, f *fixture) {
	if bad, _, err := f.s.AddressFailing(f.ctx, "a@one.example"); err != nil || bad {
		t.Fatalf("fresh address failing = %v, %v", bad, err)
	}
	must(t, f.s.MarkAddressFailing(f.ctx, "A@One.example", "550 no such user", base))
	must(t, f.s.MarkAddressFailing(f.ctx, "a@one.example", "550 mailbox unavailable", base.Add(time.Hour)))
	bad, why, err := f.s.AddressFailing(f.ctx, "a@ONE.example")
	must(t, err)
	if !bad || why != "550 mailbox unavailable" {
		t.Fatalf("failing = %v %q", bad, why)
	}
	must(t, f.s.ClearAddressFailing(f.ctx, "a@one.example"))
	if bad, _, err := f.s.AddressFailing(f.ctx, "a@one.example"); err != nil || bad {
		t.Fatalf("cleared address failing = %v, %v", bad, err)
	}
}
