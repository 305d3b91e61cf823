package desk_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"desk"
)

// subscriptionEnv is a desk that sends mail, with the services of a small
// status page.
func subscriptionEnv(t *testing.T) *env {
	t.Helper()
	e := webhookEnv(t)
	e.svc.Mail = desk.MailConfig{Address: "support@desk.example", Name: "Supportdesk",
		Secret: []byte("0123456789abcdef0123456789abcdef"), BaseURL: "https://desk.example"}
	return e
}

// statusMails returns the outbox rows of a kind to an address, oldest first.
func (e *env) statusMails(t *testing.T, kind desk.MailKind, to string) []*desk.OutMail {
	t.Helper()
	all, err := e.svc.Outbox(e.ctx, e.agent, desk.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []*desk.OutMail
	for _, m := range all {
		if m.Kind == kind && (to == "" || m.To == to) {
			out = append(out, m)
		}
	}
	slices.Reverse(out)
	return out
}

// runNotices runs the fan-out worker once.
func (e *env) runNotices(t *testing.T) {
	t.Helper()
	if _, err := e.svc.SendStatusNotices(e.ctx, "test", 100); err != nil {
		t.Fatal(err)
	}
}

// linkToken returns the token parameter of a link in a mail.
func linkToken(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("link %q has no token", link)
	}
	return u.Query().Get("token")
}

// subscribe subscribes and confirms an address, returning the token of
// its confirmation link.
func (e *env) subscribeConfirmed(t *testing.T, email, lang string, comps ...string) {
	t.Helper()
	if err := e.svc.SubscribeStatus(e.ctx, email, comps, lang); err != nil {
		t.Fatal(err)
	}
	ms := e.statusMails(t, desk.MailStatusConfirm, email)
	if len(ms) == 0 {
		t.Fatalf("no confirmation mail to %s", email)
	}
	if _, err := e.svc.ConfirmStatusSubscription(e.ctx, linkToken(t, ms[len(ms)-1].Data.Link)); err != nil {
		t.Fatal(err)
	}
}

func publicIncident(comp string) desk.NewIncident {
	return desk.NewIncident{Title: "Mail is slow", Impact: desk.ImpactMajor, Public: true,
		Affected: []desk.Affected{{Component: comp, Status: desk.ComponentPartialOutage}}, Body: "We are **looking** into it."}
}

func TestSubscribeDoubleOptIn(t *testing.T) {
	e := subscriptionEnv(t)
	if err := e.svc.SubscribeStatus(e.ctx, "ann@example.com", nil, "nl"); err != nil {
		t.Fatal(err)
	}
	ms := e.statusMails(t, desk.MailStatusConfirm, "ann@example.com")
	if len(ms) != 1 || ms[0].Language != "nl" || !strings.HasPrefix(ms[0].Data.Link, "https://desk.example/status/confirm?token=") {
		t.Fatalf("confirmation mails = %+v", ms)
	}
	token := linkToken(t, ms[0].Data.Link)
	sub, err := e.svc.Store.StatusSubscriptionByEmail(e.ctx, "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if sub.Active() || sub.TokenHash == "" || strings.Contains(sub.TokenHash, token) {
		t.Fatalf("pending subscription = %+v; it must keep only the token's hash", sub)
	}

	// Unconfirmed, the address hears nothing of an incident.
	inc, err := e.svc.CreateIncident(e.ctx, e.stan, publicIncident("mail"))
	if err != nil {
		t.Fatal(err)
	}
	e.runNotices(t)
	if ms := e.statusMails(t, desk.MailStatusIncident, ""); len(ms) != 0 {
		t.Fatalf("unconfirmed address got %d incident mails", len(ms))
	}

	if _, err := e.svc.ConfirmStatusSubscription(e.ctx, token+"x"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("confirm with a wrong token: %v", err)
	}
	got, err := e.svc.ConfirmStatusSubscription(e.ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Active() || got.Language != "nl" || len(got.Components) != 0 {
		t.Fatalf("confirmed subscription = %+v", got)
	}
	if _, err := e.svc.ConfirmStatusSubscription(e.ctx, token); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("a used link confirms again: %v", err)
	}

	e.clock.Add(time.Minute)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, inc.ID, desk.IncidentUpdate{Status: desk.IncidentIdentified, Body: "Cause found: a <b>full</b> disk."}); err != nil {
		t.Fatal(err)
	}
	e.runNotices(t)
	ms = e.statusMails(t, desk.MailStatusIncident, "ann@example.com")
	if len(ms) != 1 {
		t.Fatalf("incident mails = %d, want 1", len(ms))
	}
	m := ms[0]
	if m.Language != "nl" || m.Data.Body != "Cause found: a <b>full</b> disk." || m.Data.IncidentStatus != desk.IncidentIdentified ||
		m.Data.IncidentURL != fmt.Sprintf("https://desk.example/status/incidents/%d", inc.ID) || !strings.HasPrefix(m.Data.UnsubscribeURL, "https://desk.example/status/unsubscribe?token=") {
		t.Fatalf("incident mail = %+v", m.Data)
	}
	// Running the worker again sends nothing twice.
	e.runNotices(t)
	if n := len(e.statusMails(t, desk.MailStatusIncident, "")); n != 1 {
		t.Fatalf("after a second run: %d incident mails", n)
	}
}

func TestSubscribeRateLimitAndNoEnumeration(t *testing.T) {
	e := subscriptionEnv(t)
	e.subscribeConfirmed(t, "bo@example.com", "en", "drive")
	// A request for an address subscribed already, and for a new one, get
	// the same answer.
	for _, addr := range []string{"bo@example.com", "new@example.com"} {
		if err := e.svc.SubscribeStatus(e.ctx, addr, []string{"mail"}, "de"); err != nil {
			t.Fatalf("subscribe %s: %v", addr, err)
		}
	}
	// Bo was mailed a confirmation less than an hour ago: no second mail.
	if n := len(e.statusMails(t, desk.MailStatusConfirm, "bo@example.com")); n != 1 {
		t.Fatalf("bo got %d confirmation mails within the hour, want 1", n)
	}
	for range 3 {
		if err := e.svc.SubscribeStatus(e.ctx, "new@example.com", nil, "de"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.statusMails(t, desk.MailStatusConfirm, "new@example.com")); n != 1 {
		t.Fatalf("new got %d confirmation mails within the hour, want 1", n)
	}
	// The confirmed choice stands until a new one is confirmed.
	sub, err := e.svc.Store.StatusSubscriptionByEmail(e.ctx, "bo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !sub.Active() || !slices.Equal(sub.Components, []string{"drive"}) || sub.Language != "en" {
		t.Fatalf("bo's subscription changed without confirmation: %+v", sub)
	}
	e.clock.Add(desk.ConfirmMailInterval + time.Second)
	if err := e.svc.SubscribeStatus(e.ctx, "bo@example.com", []string{"mail"}, "de"); err != nil {
		t.Fatal(err)
	}
	ms := e.statusMails(t, desk.MailStatusConfirm, "bo@example.com")
	if len(ms) != 2 || ms[1].Language != "de" {
		t.Fatalf("after the hour: %d confirmation mails", len(ms))
	}
	if _, err := e.svc.ConfirmStatusSubscription(e.ctx, linkToken(t, ms[1].Data.Link)); err != nil {
		t.Fatal(err)
	}
	sub, _ = e.svc.Store.StatusSubscriptionByEmail(e.ctx, "bo@example.com")
	if !slices.Equal(sub.Components, []string{"mail"}) || sub.Language != "de" {
		t.Fatalf("confirmed new choice = %+v", sub)
	}
}

func TestSubscribeExpiry(t *testing.T) {
	e := subscriptionEnv(t)
	if err := e.svc.SubscribeStatus(e.ctx, "cy@example.com", nil, "sv"); err != nil {
		t.Fatal(err)
	}
	token := linkToken(t, e.statusMails(t, desk.MailStatusConfirm, "cy@example.com")[0].Data.Link)
	e.clock.Add(desk.ConfirmWindow + time.Minute)
	if _, err := e.svc.ConfirmStatusSubscription(e.ctx, token); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("expired link: %v", err)
	}
	e.runNotices(t) // purges too
	if _, err := e.svc.Store.StatusSubscriptionByEmail(e.ctx, "cy@example.com"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("expired pending subscription kept: %v", err)
	}
	// The address may ask again and gets a new link.
	if err := e.svc.SubscribeStatus(e.ctx, "cy@example.com", nil, "sv"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.statusMails(t, desk.MailStatusConfirm, "cy@example.com")); n != 2 {
		t.Fatalf("confirmation mails = %d, want 2", n)
	}
}

func TestSubscribeValidation(t *testing.T) {
	e := subscriptionEnv(t)
	for _, tc := range []struct {
		email string
		comps []string
		code  string
	}{
		{"", nil, "email_required"},
		{"not an address", nil, "invalid_email"},
		{"x@example.com\r\nBcc: victim@example.com", nil, "invalid_email"},
		{"Ann <ann@example.com>", nil, "invalid_email"},
		{"a@example.com, b@example.com", nil, "invalid_email"},
		{"a@localhost", nil, "invalid_email"},
		{strings.Repeat("a", 250) + "@example.com", nil, "invalid_email"},
		{"ok@example.com", []string{"nope"}, "unknown_component"},
		{"ok@example.com", []string{"mail", "mail"}, "unknown_component"},
	} {
		if err := e.svc.SubscribeStatus(e.ctx, tc.email, tc.comps, "en"); desk.ErrorCode(err) != tc.code {
			t.Errorf("subscribe %q %v: %v, want %s", tc.email, tc.comps, err, tc.code)
		}
	}
	if n := len(e.statusMails(t, desk.MailStatusConfirm, "")); n != 0 {
		t.Fatalf("refused requests queued %d mails", n)
	}
	if got, err := desk.ParseSubscriberEmail(" Ann.Lee@Example.COM "); err != nil || got != "Ann.Lee@example.com" {
		t.Fatalf("ParseSubscriberEmail = %q, %v", got, err)
	}
	// Without mail there are no subscriptions.
	e.svc.Mail.Address = ""
	if err := e.svc.SubscribeStatus(e.ctx, "ok@example.com", nil, "en"); desk.ErrorCode(err) != "subscriptions_off" {
		t.Fatalf("without mail: %v", err)
	}
}

func TestStatusFanOut(t *testing.T) {
	e := subscriptionEnv(t)
	e.subscribeConfirmed(t, "all@example.com", "en")
	e.subscribeConfirmed(t, "drive@example.com", "de", "drive")
	e.subscribeConfirmed(t, "mail@example.com", "sv", "mail")
	if err := e.svc.SubscribeStatus(e.ctx, "pending@example.com", nil, "nl"); err != nil {
		t.Fatal(err)
	}

	// An incident on a feature group of mail concerns the followers of
	// mail and of everything, each in their language.
	inc, err := e.svc.CreateIncident(e.ctx, e.stan, publicIncident("mail-delivery"))
	if err != nil {
		t.Fatal(err)
	}
	e.runNotices(t)
	got := map[string]string{}
	for _, m := range e.statusMails(t, desk.MailStatusIncident, "") {
		got[m.To] = m.Language
		if m.Data.Body != "We are **looking** into it." || m.Data.IncidentTitle != "Mail is slow" || !slices.Equal(m.Data.Services, []string{"Delivery"}) {
			t.Errorf("mail to %s: %+v", m.To, m.Data)
		}
	}
	want := map[string]string{"all@example.com": "en", "mail@example.com": "sv"}
	if len(got) != len(want) || got["all@example.com"] != "en" || got["mail@example.com"] != "sv" {
		t.Fatalf("incident mails went to %v, want %v", got, want)
	}

	// The report of the ended incident is news too.
	e.clock.Add(time.Hour)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Fixed."}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	if _, err := e.svc.PublishReport(e.ctx, e.stan, inc.ID, "# What happened\nA disk filled up."); err != nil {
		t.Fatal(err)
	}
	e.runNotices(t)
	ms := e.statusMails(t, desk.MailStatusIncident, "all@example.com")
	if len(ms) != 3 || ms[1].Data.Body != "Fixed." || ms[2].Data.Body != "# What happened\nA disk filled up." ||
		ms[2].Data.IncidentStatus != desk.IncidentReported {
		t.Fatalf("all@ got %d mails: %+v", len(ms), ms)
	}

	// An incident limited to an organisation is not public: no
	// subscriber hears of it, whatever they follow.
	before := len(e.statusMails(t, desk.MailStatusIncident, ""))
	lim := publicIncident("drive")
	lim.Public, lim.OrgIDs, lim.Title = false, []int64{e.ent.ID}, "Ent's drive is slow"
	limited, err := e.svc.CreateIncident(e.ctx, e.stan, lim)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Minute)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, limited.ID, desk.IncidentUpdate{Body: "Still slow."}); err != nil {
		t.Fatal(err)
	}
	e.runNotices(t)
	if after := len(e.statusMails(t, desk.MailStatusIncident, "")); after != before {
		t.Fatalf("a limited incident sent %d subscriber mails", after-before)
	}
}

func TestUnsubscribeStatus(t *testing.T) {
	e := subscriptionEnv(t)
	e.subscribeConfirmed(t, "dee@example.com", "nb")
	e.subscribeConfirmed(t, "eve@example.com", "en")
	inc, err := e.svc.CreateIncident(e.ctx, e.stan, publicIncident("drive"))
	if err != nil {
		t.Fatal(err)
	}
	e.runNotices(t)
	dee := e.statusMails(t, desk.MailStatusIncident, "dee@example.com")
	eve := e.statusMails(t, desk.MailStatusIncident, "eve@example.com")
	if len(dee) != 1 || len(eve) != 1 {
		t.Fatalf("mails: dee %d, eve %d", len(dee), len(eve))
	}
	deeToken, eveToken := linkToken(t, dee[0].Data.UnsubscribeURL), linkToken(t, eve[0].Data.UnsubscribeURL)
	// A token made up from another subscription's id does not work.
	id, _, _ := strings.Cut(deeToken, "-")
	_, mac, _ := strings.Cut(eveToken, "-")
	for _, bad := range []string{"", "x", id, id + "-" + mac, "99-" + mac} {
		if err := e.svc.UnsubscribeStatus(e.ctx, bad); desk.ErrorKind(err) != desk.ENOTFOUND {
			t.Errorf("unsubscribe with %q: %v", bad, err)
		}
	}
	if err := e.svc.UnsubscribeStatus(e.ctx, deeToken); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.UnsubscribeStatus(e.ctx, deeToken); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("second unsubscribe: %v", err)
	}
	e.clock.Add(time.Minute)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, inc.ID, desk.IncidentUpdate{Body: "Better now."}); err != nil {
		t.Fatal(err)
	}
	e.runNotices(t)
	if n := len(e.statusMails(t, desk.MailStatusIncident, "dee@example.com")); n != 1 {
		t.Fatalf("dee got %d mails after unsubscribing, want still 1", n)
	}
	if n := len(e.statusMails(t, desk.MailStatusIncident, "eve@example.com")); n != 2 {
		t.Fatalf("eve got %d mails, want 2", n)
	}
	// Subscribing again makes a new subscription; the old link does not
	// end it.
	e.clock.Add(2 * time.Hour)
	e.subscribeConfirmed(t, "dee@example.com", "nb")
	if err := e.svc.UnsubscribeStatus(e.ctx, deeToken); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("old link on the new subscription: %v", err)
	}
}
