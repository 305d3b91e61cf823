package ui

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"desk"
	"desk/blobs"
	"desk/demo"
	"desk/eventbus"
	"desk/locale"
	"desk/passwd"
	"desk/postgres/pgtest"
)

// webhookSites runs f on a fresh demo site over SQLite and, when
// SUPPORTDESK_TEST_POSTGRES is set, over PostgreSQL: the pages read the
// webhooks and their logs through both stores.
func webhookSites(t *testing.T, f func(t *testing.T, s *site)) {
	t.Run("sqlite", func(t *testing.T) { f(t, withURLCheck(newSite(t))) })
	t.Run("postgres", func(t *testing.T) { f(t, withURLCheck(newSiteOn(t, pgtest.Open(t)))) })
}

// newSiteOn is newSite over a given, migrated store.
func newSiteOn(t *testing.T, db desk.Store) *site {
	t.Helper()
	ctx := context.Background()
	bs, err := blobs.Open(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	svc := desk.NewService(db, bs, eventbus.New(), desk.SystemClock{})
	svc.Passwords = passwd.Checker{}
	if err := demo.Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	srv := &Server{Service: svc, Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &site{t: t, ctx: ctx, svc: svc, srv: srv, ts: ts}
}

// withURLCheck gives the site's service a destination check that works
// without DNS: it refuses names under .internal and addresses that are
// not public, as package webhook's CheckURL does after resolving.
func withURLCheck(s *site) *site {
	s.svc.CheckURL = func(_ context.Context, raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		host := u.Hostname()
		if strings.HasSuffix(host, ".internal") || host == "localhost" {
			return errors.New("internal name")
		}
		if ip := net.ParseIP(host); ip != nil && (ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()) {
			return errors.New("internal address")
		}
		return nil
	}
	return s
}

var webhookKeyRE = regexp.MustCompile(`name="idempotency_key" value="([0-9a-f]{32})"`)

// webhookForm reads the key of a fresh new-webhook form.
func (b *browser) webhookForm() string {
	b.s.t.Helper()
	p := b.get("/settings/webhooks")
	m := webhookKeyRE.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		b.s.t.Fatalf("webhook form: %d\n%s", p.status, p.body)
	}
	return m[1]
}

// english makes the browser read English, whatever the user's language.
func (b *browser) english() {
	b.s.t.Helper()
	if p := b.post("/language", url.Values{"lang": {"en"}, "next": {"/"}}); p.status != http.StatusSeeOther {
		b.s.t.Fatalf("language: %d", p.status)
	}
}

// hooksOf lists an organisation's webhooks as its admin.
func (s *site) hooksOf(email string) []*desk.Webhook {
	s.t.Helper()
	hs, err := s.svc.Webhooks(s.ctx, s.portalUser(email))
	if err != nil {
		s.t.Fatal(err)
	}
	return hs
}

// TestPortalWebhooks: a support admin adds a signed webhook, reads its
// secret once, sends a test and finds it in the log, adds a chat webhook
// and deletes one; a form sent twice adds one webhook.
func TestPortalWebhooks(t *testing.T) {
	webhookSites(t, func(t *testing.T, s *site) {
		b := s.browser()
		b.signIn("carl@contoso.example")
		b.english()
		b.get("/").has(t, `href="/settings/webhooks"`, "Webhook settings")

		list := b.get("/settings/webhooks")
		if list.status != http.StatusOK {
			t.Fatalf("list: %d\n%s", list.status, list.body)
		}
		checkPage(t, list)
		// The demo's webhook, with its address cut to the host.
		list.has(t, `href="/settings/webhooks" aria-current="page"`, "https://hooks.contoso.example/…",
			"Standard Webhooks (signed JSON)", "Mail, Drive", ">Active<",
			"Team chat (Slack-/Teams-compatible incoming webhook)", `id="add-webhook"`, `data-once`)
		list.lacks(t, "/supportdesk/events", "whsec_")
		// The services offered are those Contoso uses, and those of no
		// product.
		list.has(t, `name="components" value="mail"`, `name="components" value="drive"`, `name="components" value="admin"`,
			"Mail on the web")
		list.lacks(t, `name="components" value="calendar"`, `name="components" value="chat"`)

		key := b.webhookForm()
		form := url.Values{"idempotency_key": {key}, "url": {"https://hooks.example.com/desk?token=s3cret"},
			"format": {"standard"}, "components": {"mail"}}
		before := len(s.hooksOf("carl@contoso.example"))
		created := b.post("/settings/webhooks", form)
		if created.status != http.StatusCreated {
			t.Fatalf("create: %d\n%s", created.status, created.body)
		}
		checkPage(t, created)
		hooks := s.hooksOf("carl@contoso.example")
		if len(hooks) != before+1 {
			t.Fatalf("%d webhooks after adding one to %d", len(hooks), before)
		}
		h := hooks[len(hooks)-1]
		stored, err := s.svc.Store.Webhook(s.ctx, h.OrgID, h.ID)
		if err != nil || !strings.HasPrefix(stored.Secret, "whsec_") {
			t.Fatalf("stored webhook: %+v, %v", stored, err)
		}
		if h.URL != "https://hooks.example.com/desk?token=s3cret" || h.Format != desk.WebhookStandard ||
			len(h.Components) != 1 || h.Components[0] != "mail" {
			t.Errorf("created %+v", h)
		}
		// The secret, with how to check a signature.
		if !strings.Contains(html.UnescapeString(created.body), stored.Secret) {
			t.Fatalf("the secret is not shown:\n%s", created.body)
		}
		created.has(t, "https://www.standardwebhooks.com/", "webhook-id", "webhook-timestamp", "webhook-signature",
			"it is shown only this once", "https://hooks.example.com/…")

		// The same form again (a double click, a reload) adds nothing and
		// shows the same webhook's secret.
		again := b.post("/settings/webhooks", form)
		if again.status != http.StatusCreated || !strings.Contains(html.UnescapeString(again.body), stored.Secret) {
			t.Fatalf("repeated form: %d\n%s", again.status, again.body)
		}
		if n := len(s.hooksOf("carl@contoso.example")); n != before+1 {
			t.Fatalf("a form sent twice added %d webhooks", n-before)
		}

		// Never again: neither the list nor the webhook's page shows it.
		list = b.get("/settings/webhooks")
		list.has(t, "https://hooks.example.com/…", fmt.Sprintf(`href="/settings/webhooks/%d"`, h.ID))
		list.lacks(t, "s3cret", "whsec_")
		path := fmt.Sprintf("/settings/webhooks/%d", h.ID)
		log := b.get(path)
		checkPage(t, log)
		log.has(t, "Webhook to https://hooks.example.com/…", "Nothing has been sent to this webhook yet.", "Send test",
			fmt.Sprintf(`action="%s/test"`, path))
		log.lacks(t, "whsec_", "s3cret")

		// Send test: a delivery is queued and shows in the log.
		p := b.post(path+"/test", nil)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != path+"?flash=tested" {
			t.Fatalf("test: %d %q", p.status, p.header.Get("Location"))
		}
		ds, err := s.svc.WebhookDeliveries(s.ctx, s.portalUser("carl@contoso.example"), h.ID)
		if err != nil || len(ds) != 1 || ds[0].EventType != desk.EventWebhookTest || ds[0].Status != desk.DeliveryPending {
			t.Fatalf("deliveries after a test: %v, %v", ds, err)
		}
		log = b.get(path + "?flash=tested")
		log.has(t, "A test event is on its way.", `<table id="deliveries">`, "Test event", "webhook.test", "Waiting to be sent")

		// A chat webhook has no secret: the list says it was added.
		p = b.post("/settings/webhooks", url.Values{"idempotency_key": {b.webhookForm()},
			"url": {"https://chat.example.net/hooks/T000/B000/XXXX"}, "format": {"chat"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/settings/webhooks?flash=created" {
			t.Fatalf("chat webhook: %d %q\n%s", p.status, p.header.Get("Location"), p.body)
		}
		b.get("/settings/webhooks?flash=created").has(t, "The webhook was added.", "https://chat.example.net/…", "All services")

		// Delete, after a confirmation.
		confirm := b.get(path + "/delete")
		checkPage(t, confirm)
		confirm.has(t, "Delete the webhook to https://hooks.example.com/…?", "cannot be undone", fmt.Sprintf(`action="%s/delete"`, path))
		p = b.post(path+"/delete", nil)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/settings/webhooks?flash=deleted" {
			t.Fatalf("delete: %d %q", p.status, p.header.Get("Location"))
		}
		for _, x := range s.hooksOf("carl@contoso.example") {
			if x.ID == h.ID {
				t.Fatal("the webhook was not deleted")
			}
		}
		b.get("/settings/webhooks?flash=deleted").has(t, "The webhook was deleted.")
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("deleted webhook's page: %d", p.status)
		}
	})
}

// TestPortalWebhookLog: the demo webhook's log lists its deliveries
// newest first, with the HTTP status, the attempts and the receiver's
// error, escaped.
func TestPortalWebhookLog(t *testing.T) {
	webhookSites(t, func(t *testing.T, s *site) {
		hooks := s.hooksOf("carl@contoso.example")
		if len(hooks) != 1 || hooks[0].URL != demo.DemoWebhookURL {
			t.Fatalf("demo webhooks: %+v", hooks)
		}
		b := s.browser()
		b.signIn("carl@contoso.example")
		b.english()
		p := b.get(fmt.Sprintf("/settings/webhooks/%d", hooks[0].ID))
		if p.status != http.StatusOK {
			t.Fatalf("log: %d", p.status)
		}
		checkPage(t, p)
		p.has(t, "Delivery log", "Incident reported", "Incident updated", "Incident resolved", "Test event",
			"Delivered", "Given up", ">200<", ">503<", ">17<",
			"HTTP 503: &lt;html&gt;&lt;body&gt;&lt;h1&gt;503 Service Unavailable&lt;/h1&gt;")
		p.lacks(t, "<h1>503")
		// Each event names its incident.
		p.has(t, "Drive storage upgrade", "Mail delivery to external domains delayed")
		// Newest first.
		var times []string
		for _, m := range regexp.MustCompile(`<time datetime="([^"]+)"`).FindAllStringSubmatch(p.body, -1) {
			times = append(times, m[1])
		}
		if len(times) < 5 {
			t.Fatalf("only %d deliveries in the demo log", len(times))
		}
		for i := 1; i < len(times); i++ {
			if times[i] > times[i-1] {
				t.Fatalf("log not newest first: %s after %s", times[i], times[i-1])
			}
		}
		// The test event was the first, so it is the last row.
		if strings.LastIndex(p.body, "webhook.test") < strings.LastIndex(p.body, "incident.created") {
			t.Error("the demo's first delivery, the test, is not at the bottom")
		}
		// The incident limited to Fabrikam never reached Contoso's log.
		ds, err := s.svc.WebhookDeliveries(s.ctx, s.portalUser("carl@contoso.example"), hooks[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if strings.Contains(string(d.Payload), "partner domain") {
				t.Errorf("Contoso's webhook got Fabrikam's incident: %s", d.Payload)
			}
		}
	})
}

// TestPortalWebhookFormErrors: a refused address comes back with the
// input kept and the reason next to the address field, in the reader's
// language; nothing is created.
func TestPortalWebhookFormErrors(t *testing.T) {
	webhookSites(t, func(t *testing.T, s *site) {
		b := s.browser()
		b.signIn("carl@contoso.example")
		before := len(s.hooksOf("carl@contoso.example"))
		de := locale.For("de", nil)
		for _, c := range []struct {
			url, want string
		}{
			{"https://10.0.0.5/hook", "webhook.error.webhook_url_refused"},
			{"https://metadata.internal/latest", "webhook.error.webhook_url_refused"},
			{"http://hooks.example.com/desk", "webhook.error.webhook_https_required"},
			{"https://user:pw@hooks.example.com/desk", "webhook.error.webhook_url_credentials"},
			{"hooks.example.com", "webhook.error.invalid_url"},
			{"", "webhook.error.url_required"},
		} {
			key := b.webhookForm()
			p := b.post("/settings/webhooks", url.Values{"idempotency_key": {key}, "url": {c.url},
				"format": {"standard"}, "components": {"drive"}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("%q: %d\n%s", c.url, p.status, p.body)
			}
			checkPage(t, p)
			if !strings.Contains(html.UnescapeString(p.body), `<p class="field-error" id="url-error">`+de.T(c.want)+`</p>`) {
				t.Errorf("%q: no %s next to the address field", c.url, c.want)
			}
			p.has(t, `aria-invalid="true"`, "url-hint url-error", `value="`+key+`"`)
			if !regexp.MustCompile(`value="standard"[^>]*checked`).MatchString(p.body) ||
				!regexp.MustCompile(`value="drive"\s*checked`).MatchString(p.body) {
				t.Errorf("%q: the format or the services were not kept", c.url)
			}
			if c.url != "" && !strings.Contains(html.UnescapeString(p.body), `value="`+c.url+`"`) {
				t.Errorf("%q: the address was not kept", c.url)
			}
		}
		if n := len(s.hooksOf("carl@contoso.example")); n != before {
			t.Errorf("refused forms added %d webhooks", n-before)
		}
		// After the refusal, the corrected form with the same key works.
		key := b.webhookForm()
		b.post("/settings/webhooks", url.Values{"idempotency_key": {key}, "url": {"https://10.1.2.3/x"}, "format": {"standard"}})
		if p := b.post("/settings/webhooks", url.Values{"idempotency_key": {key}, "url": {"https://hooks.example.com/x"},
			"format": {"standard"}}); p.status != http.StatusCreated {
			t.Fatalf("corrected form: %d", p.status)
		}
		// The limit is said above the form, and the form is no longer
		// offered once it is reached.
		for len(s.hooksOf("carl@contoso.example")) < desk.MaxWebhooksPerOrg {
			if p := b.post("/settings/webhooks", url.Values{"idempotency_key": {b.webhookForm()},
				"url": {"https://chat.example.net/" + fmt.Sprint(len(s.hooksOf("carl@contoso.example")))}, "format": {"chat"}}); p.status != http.StatusSeeOther {
				t.Fatalf("add: %d", p.status)
			}
		}
		full := b.get("/settings/webhooks")
		full.has(t, de.T("webhook.add.full", "max", desk.MaxWebhooksPerOrg))
		full.lacks(t, `id="add-webhook"`)
		p := b.post("/settings/webhooks", url.Values{"idempotency_key": {newIdemKey()}, "url": {"https://one.more.example/"}, "format": {"chat"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="form-error"`) {
			t.Fatalf("over the limit: %d\n%s", p.status, p.body)
		}
	})
}

// TestPortalWebhookAccess: only admins who may manage webhooks see the
// pages; another organisation's webhook does not exist by any path, and a
// cross-origin post is refused.
func TestPortalWebhookAccess(t *testing.T) {
	webhookSites(t, func(t *testing.T, s *site) {
		contoso := s.hooksOf("carl@contoso.example")[0]
		id := fmt.Sprint(contoso.ID)
		countDeliveries := func() int {
			ds, err := s.svc.WebhookDeliveries(s.ctx, s.portalUser("carl@contoso.example"), contoso.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(ds)
		}
		deliveries := countDeliveries()

		// Without the Support privilege: no link, no pages, no changes.
		for _, email := range []string{"uma@contoso.example", "bill@contoso.example"} {
			b := s.browser()
			b.signIn(email)
			b.get("/").lacks(t, `href="/settings/webhooks"`)
			for _, path := range []string{"/settings/webhooks", "/settings/webhooks/" + id, "/settings/webhooks/" + id + "/delete"} {
				if p := b.get(path); p.status != http.StatusForbidden {
					t.Errorf("%s GET %s: %d", email, path, p.status)
				}
			}
			for _, path := range []string{"/settings/webhooks", "/settings/webhooks/" + id + "/test", "/settings/webhooks/" + id + "/delete"} {
				if p := b.post(path, url.Values{"url": {"https://hooks.example.com/x"}, "format": {"chat"}}); p.status != http.StatusForbidden {
					t.Errorf("%s POST %s: %d", email, path, p.status)
				}
			}
		}

		// Fabrikam's super admin: Contoso's webhook is not found anywhere.
		ada := s.browser()
		ada.signIn("ada@fabrikam.example")
		ada.get("/").has(t, `href="/settings/webhooks"`)
		ada.get("/settings/webhooks").lacks(t, "hooks.contoso.example", `href="/settings/webhooks/`+id+`"`)
		for _, path := range []string{"/settings/webhooks/" + id, "/settings/webhooks/" + id + "/delete", "/settings/webhooks/abc",
			"/settings/webhooks/-1", "/settings/webhooks/999999"} {
			if p := ada.get(path); p.status != http.StatusNotFound {
				t.Errorf("ada GET %s: %d", path, p.status)
			}
		}
		for _, path := range []string{"/settings/webhooks/" + id + "/test", "/settings/webhooks/" + id + "/delete"} {
			if p := ada.post(path, nil); p.status != http.StatusNotFound {
				t.Errorf("ada POST %s: %d", path, p.status)
			}
		}
		if len(s.hooksOf("carl@contoso.example")) != 1 || countDeliveries() != deliveries {
			t.Fatal("another organisation changed Contoso's webhook")
		}
		// Ada's own webhook is not Carl's either.
		ada.post("/settings/webhooks", url.Values{"idempotency_key": {ada.webhookForm()}, "url": {"https://fabrikam.example.org/h"}, "format": {"chat"}})
		fab := s.hooksOf("ada@fabrikam.example")
		if len(fab) != 1 {
			t.Fatalf("Fabrikam's webhooks: %d", len(fab))
		}
		carl := s.browser()
		carl.signIn("carl@contoso.example")
		if p := carl.get(fmt.Sprintf("/settings/webhooks/%d", fab[0].ID)); p.status != http.StatusNotFound {
			t.Errorf("carl reads Fabrikam's webhook: %d", p.status)
		}
		carl.get("/settings/webhooks").lacks(t, "fabrikam.example.org")

		// Staff have the console, not the portal's settings.
		sam := s.browser()
		sam.signIn("sam@vendor.example")
		if p := sam.get("/settings/webhooks"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/console" {
			t.Errorf("staff: %d %q", p.status, p.header.Get("Location"))
		}

		// A form posted from another site is refused before anything runs.
		req, _ := http.NewRequest("POST", s.ts.URL+"/settings/webhooks/"+id+"/delete", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if p := carl.do(req); p.status != http.StatusForbidden {
			t.Errorf("cross-site delete: %d", p.status)
		}
		if len(s.hooksOf("carl@contoso.example")) != 1 {
			t.Error("a cross-site post deleted the webhook")
		}
	})
}

// TestPortalWebhooksDutch: a Dutch admin reads the webhook pages in Dutch,
// with no English message left over.
func TestPortalWebhooksDutch(t *testing.T) {
	s := withURLCheck(newSite(t))
	b := s.browser()
	b.signIn("ada@fabrikam.example")
	en := locale.For("en", nil)
	ph := regexp.MustCompile(`\{[a-z_]+\}`)
	var frags []string
	for _, k := range locale.Keys("en") {
		if !strings.HasPrefix(k, "webhook.") {
			continue
		}
		for _, part := range ph.Split(en.T(k), -1) {
			if part = strings.TrimSpace(part); len(part) >= 12 && strings.Contains(part, " ") {
				frags = append(frags, part)
			}
		}
	}
	created := b.post("/settings/webhooks", url.Values{"idempotency_key": {b.webhookForm()}, "url": {"https://hooks.example.com/fabrikam"},
		"format": {"standard"}})
	if created.status != http.StatusCreated {
		t.Fatalf("create: %d", created.status)
	}
	id := s.hooksOf("ada@fabrikam.example")[0].ID
	b.post(fmt.Sprintf("/settings/webhooks/%d/test", id), nil)
	pages := []page{created, b.get("/settings/webhooks"), b.get(fmt.Sprintf("/settings/webhooks/%d", id)),
		b.get(fmt.Sprintf("/settings/webhooks/%d/delete", id)),
		b.post("/settings/webhooks", url.Values{"url": {"http://10.0.0.1/"}, "format": {"standard"}})}
	for i, p := range pages {
		p.has(t, `<html lang="nl">`)
		p.lacks(t, "⟦")
		for _, f := range frags {
			if strings.Contains(html.UnescapeString(p.body), f) {
				t.Errorf("page %d shows English %q", i, f)
			}
		}
	}
	pages[1].has(t, "Webhookinstellingen", "Webhook toevoegen", "Teamchat")
	pages[2].has(t, "Bezorglogboek", "Testmelding", "Wacht op verzending")
}
