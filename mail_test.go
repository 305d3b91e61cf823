package desk_test

import (
	"fmt"
	"strings"
	"testing"

	"desk"
)

func newMailEnv(t *testing.T) *env {
	e := newEnv(t)
	e.svc.Mail = desk.MailConfig{Address: "support@desk.example", Secret: []byte("test secret"), BaseURL: "https://desk.example"}
	return e
}

// outbox returns the mails queued for a case, oldest first.
func (e *env) outbox(t *testing.T, caseID int64) []*desk.OutMail {
	t.Helper()
	ms, err := e.svc.Store.Outbox(e.ctx, desk.OutboxFilter{CaseID: caseID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms
}

func kinds(ms []*desk.OutMail) string {
	var k []string
	for _, m := range ms {
		k = append(k, string(m.Kind)+">"+m.To)
	}
	return strings.Join(k, " ")
}

func TestCaseMails(t *testing.T) {
	e := newMailEnv(t)
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	ms := e.outbox(t, c.ID)
	if len(ms) != 1 {
		t.Fatalf("after opening: %s", kinds(ms))
	}
	m := ms[0]
	if m.Kind != desk.MailCaseOpened || m.To != "carl@biz.example" || !m.Auto || m.Language != "en" ||
		m.Data.DueAt == nil || !m.Data.DueAt.Equal(*c.FirstResponseDueAt) || m.Data.CaseTitle != "Mail delayed" ||
		m.Data.TimeZone != "UTC" || !strings.HasSuffix(m.MessageID, "@desk.example>") {
		t.Fatalf("case opened mail = %+v", m)
	}

	// Internal notes never reach the customer; public replies do.
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err = e.svc.AddMessage(e.ctx, e.agent, c.ID, desk.Reply{Body: "customer's MX is wrong", Internal: true})
	step("note", err)
	if ms := e.outbox(t, c.ID); len(ms) != 1 {
		t.Fatalf("an internal note sent mail: %s", kinds(ms))
	}
	_, err = e.svc.AddMessage(e.ctx, e.agent, c.ID, desk.Reply{Body: "Please check your MX record."})
	step("reply", err)
	_, err = e.svc.AddMessage(e.ctx, e.bizAdmin, c.ID, desk.Reply{Body: "Done."})
	step("customer reply", err)
	_, err = e.svc.RequestInfo(e.ctx, e.agent, c.ID, "Which domain?")
	step("request info", err)
	_, err = e.svc.AddMessage(e.ctx, e.bizAdmin, c.ID, desk.Reply{Body: "biz.example"})
	step("customer answer", err)
	_, err = e.svc.ChangeSeverity(e.ctx, e.agent, c.ID, desk.SeverityChange{Severity: desk.SeverityHigh, Reason: "all users affected"})
	step("severity", err)
	_, err = e.svc.Resolve(e.ctx, e.agent, c.ID, desk.Resolution{Outcome: desk.OutcomeSolved, Body: "Fixed the MX."})
	step("resolve", err)
	_, err = e.svc.Close(e.ctx, e.bizAdmin, c.ID)
	step("close", err)

	ms = e.outbox(t, c.ID)
	want := "case_opened>carl@biz.example reply>carl@biz.example action_required>carl@biz.example " +
		"severity_changed>carl@biz.example resolved>carl@biz.example survey>carl@biz.example"
	if got := kinds(ms); got != want {
		t.Fatalf("mails:\n got %s\nwant %s", got, want)
	}
	if d := ms[1].Data; d.Body != "Please check your MX record." || d.AuthorName != e.agent.Name || ms[1].Auto {
		t.Errorf("reply mail = %+v auto %v", d, ms[1].Auto)
	}
	if d := ms[2].Data; d.Body != "Which domain?" {
		t.Errorf("action required mail = %+v", d)
	}
	if d := ms[3].Data; d.SeverityFrom != desk.SeverityNormal || d.SeverityTo != desk.SeverityHigh || d.Reason != "all users affected" {
		t.Errorf("severity mail = %+v", d)
	}
	if d := ms[4].Data; d.Outcome != desk.OutcomeSolved || d.Body != "Fixed the MX." {
		t.Errorf("resolved mail = %+v", d)
	}
	for _, m := range ms {
		if strings.Contains(m.Data.Body, "MX is wrong") {
			t.Fatalf("the internal note leaked into mail %s", m.Kind)
		}
	}

	// A rated case gets a plain "closed" mail instead of the survey; the
	// contact person, another admin, hears in their own language.
	nc := ok()
	nc.ContactEmail = "ada@ent.example"
	d, _, err := e.svc.OpenCase(e.ctx, e.entAdmin, nc, "")
	step("open", err)
	other := &desk.User{OrgID: e.biz.ID, Email: "nora@biz.example", Name: "Nora", Role: desk.RoleSupportAdmin, Language: "nb", TimeZone: "Europe/Oslo"}
	step("create user", e.svc.Store.CreateUser(e.ctx, other))
	nc.ContactEmail, nc.ContactName = other.Email, other.Name
	c2, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, nc, "")
	step("open", err)
	ms = e.outbox(t, c2.ID)
	if got := kinds(ms); got != "case_opened>nora@biz.example case_opened>carl@biz.example" {
		t.Fatalf("recipients: %s", got)
	}
	if ms[0].Language != "nb" || ms[0].Data.TimeZone != "Europe/Oslo" || ms[0].UserID != other.ID {
		t.Errorf("contact's mail = %+v", ms[0])
	}
	_, err = e.svc.Resolve(e.ctx, e.agent, d.ID, desk.Resolution{Outcome: desk.OutcomeWorkaround})
	step("resolve", err)
	_, err = e.svc.Rate(e.ctx, e.entAdmin, d.ID, 5, "")
	step("rate", err)
	_, err = e.svc.Close(e.ctx, e.entAdmin, d.ID)
	step("close", err)
	if got := kinds(e.outbox(t, d.ID)); got != "case_opened>ada@ent.example resolved>ada@ent.example closed>ada@ent.example" {
		t.Fatalf("rated case mails: %s", got)
	}
}

func TestCompleteThreading(t *testing.T) {
	cfg := desk.MailConfig{Address: "support@desk.example", Secret: []byte("s")}
	m := &desk.OutMail{CaseID: 42, OrgID: 7}
	cfg.Complete(m)
	if !strings.HasPrefix(m.ReplyTo, "support+c42.") || !strings.HasSuffix(m.ReplyTo, "@desk.example") {
		t.Fatalf("reply address %q", m.ReplyTo)
	}
	if m.InReplyTo != "<case-42@desk.example>" || len(m.References) != 1 || m.References[0] != m.InReplyTo {
		t.Fatalf("thread headers %q %q", m.InReplyTo, m.References)
	}
	other := desk.MailConfig{Address: "support@desk.example", Secret: []byte("t")}
	if other.ReplyAddress(42, 7) == m.ReplyTo || cfg.ReplyAddress(42, 8) == m.ReplyTo || cfg.ReplyAddress(42, 7) != m.ReplyTo {
		t.Fatal("the reply token does not depend on the secret, case and organisation alone")
	}
}

// received stores a parsed mail as the listener would, and processes it.
func (e *env) receive(t *testing.T, in *desk.InMail) *desk.InMail {
	t.Helper()
	if in.Raw == nil {
		in.Raw = []byte("raw " + in.MessageID)
	}
	in.ReceivedAt = e.clock.Now()
	stored, dup, err := e.svc.Store.SaveInMail(e.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if dup {
		return stored
	}
	if err := e.svc.ReceiveMail(e.ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.Store.InMail(e.ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestReceiveMail(t *testing.T) {
	e := newMailEnv(t)
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RequestInfo(e.ctx, e.agent, c.ID, "Which domain?"); err != nil {
		t.Fatal(err)
	}
	reply := e.svc.Mail.ReplyAddress(c.ID, c.OrgID)
	n := 0
	mail := func(from string, to ...string) *desk.InMail {
		n++
		return &desk.InMail{MessageID: fmt.Sprintf("<m%d@client.example>", n), From: from, To: to,
			Subject: "Re: [Case #1] Mail delayed", Text: "biz.example\n\nOn Monday support wrote:\n> Which domain?",
			Trimmed: "biz.example"}
	}
	timeline := func() []*desk.Message {
		ms, err := e.svc.Timeline(e.ctx, e.agent, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	before := len(timeline())
	mailsBefore := len(e.outbox(t, c.ID))

	// Refused: each is quarantined and changes nothing.
	forged := strings.Replace(reply, ".", ".x", 1)
	ooo := mail("carl@biz.example", reply)
	ooo.Auto = desk.AutoReply
	for _, tc := range []struct {
		name   string
		in     *desk.InMail
		reason string
	}{
		{"other organisation's admin with a valid token", mail("ada@ent.example", reply), desk.QuarantineOtherOrg},
		{"forged token", mail("carl@biz.example", forged), desk.QuarantineInvalidToken},
		{"token of a case that does not exist", mail("carl@biz.example", "support+c999.abc@desk.example"), desk.QuarantineInvalidToken},
		{"unknown sender", mail("mallory@evil.example", reply), desk.QuarantineUnknownSender},
		{"sender without the Support privilege", mail("uma@biz.example", reply), desk.QuarantineNoPrivilege},
		{"staff sender", mail("agent@vendor.example", reply), desk.QuarantineStaffSender},
		{"out-of-office reply", ooo, desk.QuarantineAutomatic},
		{"no token, not to the support address", mail("carl@biz.example", "sales@desk.example"), desk.QuarantineUnknownAddress},
	} {
		got := e.receive(t, tc.in)
		if got.Status != desk.InQuarantined || got.Reason != tc.reason {
			t.Errorf("%s: status %s (%s), want quarantined (%s)", tc.name, got.Status, got.Reason, tc.reason)
		}
	}
	if got := len(timeline()); got != before {
		t.Fatalf("quarantined mail changed the timeline: %d entries, want %d", got, before)
	}
	if got := len(e.outbox(t, c.ID)); got != mailsBefore {
		t.Fatalf("quarantined mail caused %d mails", got-mailsBefore)
	}

	// A reply to the signed address from the case's admin is added once,
	// trimmed, with the full text kept, and moves the case back to open.
	in := mail("carl@biz.example", reply)
	in.Attachments = []desk.InAttachment{{Name: "trace.txt", ContentType: "text/plain", Data: []byte("trace")}}
	got := e.receive(t, in)
	if got.Status != desk.InAdded || got.CaseID != c.ID {
		t.Fatalf("reply: status %s (%s), case %d", got.Status, got.Reason, got.CaseID)
	}
	again := *in
	again.ID, again.Status = 0, ""
	if dup := e.receive(t, &again); dup.ID != in.ID {
		t.Fatalf("the same Message-ID was stored twice")
	}
	// Processing the stored mail a second time (a retry after a crash)
	// adds nothing either.
	in.Status = desk.InReceived
	if err := e.svc.ReceiveMail(e.ctx, in); err != nil {
		t.Fatal(err)
	}
	tl := timeline()
	var added []*desk.Message
	for _, m := range tl[before:] {
		if m.Channel == "email" {
			added = append(added, m)
		}
	}
	if len(added) != 2 || added[0].Body != "biz.example" || !strings.Contains(added[0].FullBody, "> Which domain?") ||
		added[0].AuthorID != e.bizAdmin.ID || added[0].FromStaff || added[0].MailID != in.ID ||
		added[1].Kind != desk.MessageAttachment || added[1].Body != "trace.txt" {
		t.Fatalf("added entries = %+v", added)
	}
	cs, err := e.svc.Case(e.ctx, e.agent, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cs.Status != desk.StatusOpen {
		t.Fatalf("status after the customer's mail = %s, want open", cs.Status)
	}
	atts, err := e.svc.Attachments(e.ctx, e.bizAdmin, c.ID)
	if err != nil || len(atts) != 1 || atts[0].Size != 5 {
		t.Fatalf("attachments = %+v, %v", atts, err)
	}

	// A reply that only refers to the Message-ID of a mail we sent threads
	// by it; one that names the thread root alone, which anyone can make
	// up, does not.
	sent := e.outbox(t, c.ID)[0]
	byRef := mail("carl@biz.example", "support@desk.example")
	byRef.InReplyTo = []string{sent.MessageID}
	if got := e.receive(t, byRef); got.Status != desk.InAdded || got.CaseID != c.ID {
		t.Fatalf("reply by reference: %s (%s) case %d", got.Status, got.Reason, got.CaseID)
	}
	forgedRef := mail("ada@ent.example", "support@desk.example")
	forgedRef.References = []string{sent.MessageID}
	if got := e.receive(t, forgedRef); got.Status != desk.InQuarantined || got.Reason != desk.QuarantineOtherOrg {
		t.Fatalf("another organisation quoting our Message-ID: %s (%s)", got.Status, got.Reason)
	}
}

func TestReceiveMailOpensCase(t *testing.T) {
	e := newMailEnv(t)
	in := &desk.InMail{MessageID: "<new@client.example>", From: "carl@biz.example", To: []string{"Support@Desk.example"},
		Subject: "Fwd: Re: Mail is delayed by an hour", Text: "Since this morning all mail is late.", Trimmed: "Since this morning all mail is late."}
	got := e.receive(t, in)
	if got.Status != desk.InOpened || got.CaseID == 0 {
		t.Fatalf("status %s (%s)", got.Status, got.Reason)
	}
	c, err := e.svc.Case(e.ctx, e.bizAdmin, got.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "Mail is delayed by an hour" || c.Source != "email" || c.Product != "mail" || c.Severity != desk.SeverityNormal ||
		c.Description != "Since this morning all mail is late." || c.ContactEmail != "carl@biz.example" {
		t.Fatalf("case = %+v", c)
	}
	if ms := e.outbox(t, c.ID); len(ms) != 1 || ms[0].Kind != desk.MailCaseOpened {
		t.Fatalf("mails = %s", kinds(ms))
	}
	// The Starter plan includes no support: the mail waits for staff and
	// gets no answer.
	tess := &desk.InMail{MessageID: "<t@start.example>", From: "tess@start.example", To: []string{"support@desk.example"}, Subject: "Help", Text: "x"}
	if got := e.receive(t, tess); got.Status != desk.InQuarantined || got.Reason != desk.QuarantineNoSubscriptions {
		t.Fatalf("starter: %s (%s)", got.Status, got.Reason)
	}
	// A bounce marks the address failing; a mail from it clears that.
	b := &desk.InMail{MessageID: "<b@mx.example>", From: "mailer-daemon@mx.example", To: []string{"support@desk.example"},
		Subject: "Undelivered Mail Returned to Sender", Auto: desk.AutoBounce, Failed: []string{"carl@biz.example"}}
	if got := e.receive(t, b); got.Status != desk.InBounce {
		t.Fatalf("bounce: %s", got.Status)
	}
	if bad, _, _ := e.svc.Store.AddressFailing(e.ctx, "carl@biz.example"); !bad {
		t.Fatal("a bounce did not mark the address failing")
	}
	e.receive(t, &desk.InMail{MessageID: "<again@client.example>", From: "carl@biz.example", To: []string{"support@desk.example"}, Subject: "Another", Text: "y"})
	if bad, _, _ := e.svc.Store.AddressFailing(e.ctx, "carl@biz.example"); bad {
		t.Fatal("mail from the address did not clear its failure")
	}
}
