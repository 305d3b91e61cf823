package desk_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"desk"
)

// webhookEnv is a desk with the services of a small status page.
func webhookEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.svc.Mail.BaseURL = "https://desk.example/"
	for _, c := range []desk.Component{
		{Code: "mail", Name: "Mail", Product: "mail"},
		{Code: "mail-delivery", Name: "Delivery", Parent: "mail"},
		{Code: "drive", Name: "Drive", Product: "drive"},
	} {
		if _, err := e.svc.PutComponent(e.ctx, e.stan, c); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) mustWebhook(t *testing.T, actor *desk.User, in desk.NewWebhook) *desk.Webhook {
	t.Helper()
	w, err := e.svc.CreateWebhook(e.ctx, actor, in)
	if err != nil {
		t.Fatalf("create webhook %s: %v", in.URL, err)
	}
	return w
}

func (e *env) deliveries(t *testing.T, actor *desk.User, id int64) []*desk.WebhookDelivery {
	t.Helper()
	ds, err := e.svc.WebhookDeliveries(e.ctx, actor, id)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestCreateWebhookRules(t *testing.T) {
	e := webhookEnv(t)
	checked := []string{}
	e.svc.CheckURL = func(_ context.Context, raw string) error {
		checked = append(checked, raw)
		if strings.Contains(raw, "internal") {
			return errors.New("webhook destination refused: private address 10.1.2.3")
		}
		return nil
	}
	ok := desk.NewWebhook{URL: "https://hooks.example.com/desk"}
	with := func(f func(*desk.NewWebhook)) desk.NewWebhook { n := ok; f(&n); return n }
	for _, tc := range []struct {
		name  string
		actor *desk.User
		in    desk.NewWebhook
		kind  string
		code  string
	}{
		{"support admin", e.bizAdmin, ok, "", ""},
		{"super admin", e.entAdmin, ok, "", ""},
		{"billing admin without privilege", e.billing, ok, desk.EFORBIDDEN, "support_privilege_required"},
		{"ordinary user", e.user, ok, desk.EFORBIDDEN, "support_privilege_required"},
		{"agent", e.agent, ok, desk.EFORBIDDEN, "customer_only"},
		{"status manager", e.stan, ok, desk.EFORBIDDEN, "customer_only"},
		{"no url", e.bizAdmin, with(func(n *desk.NewWebhook) { n.URL = " " }), desk.EREFUSED, "url_required"},
		{"http", e.bizAdmin, with(func(n *desk.NewWebhook) { n.URL = "http://hooks.example.com/" }), desk.EREFUSED, "webhook_https_required"},
		{"ftp", e.bizAdmin, with(func(n *desk.NewWebhook) { n.URL = "ftp://hooks.example.com/" }), desk.EREFUSED, "webhook_https_required"},
		{"relative", e.bizAdmin, with(func(n *desk.NewWebhook) { n.URL = "/hooks" }), desk.EINVALID, "invalid_url"},
		{"no host", e.bizAdmin, with(func(n *desk.NewWebhook) { n.URL = "https:///x" }), desk.EINVALID, "invalid_url"},
		{"credentials", e.bizAdmin, with(func(n *desk.NewWebhook) { n.URL = "https://u:p@hooks.example.com/" }), desk.EREFUSED, "webhook_url_credentials"},
		{"too long", e.bizAdmin, with(func(n *desk.NewWebhook) { n.URL = "https://hooks.example.com/" + strings.Repeat("a", 2000) }), desk.EREFUSED, "url_too_long"},
		{"internal", e.bizAdmin, with(func(n *desk.NewWebhook) { n.URL = "https://internal.example/" }), desk.EREFUSED, "webhook_url_refused"},
		{"bad format", e.bizAdmin, with(func(n *desk.NewWebhook) { n.Format = "xml" }), desk.EINVALID, "invalid_format"},
		{"unknown service", e.bizAdmin, with(func(n *desk.NewWebhook) { n.Components = []string{"mail", "nope"} }), desk.EREFUSED, "unknown_component"},
		{"repeated service", e.bizAdmin, with(func(n *desk.NewWebhook) { n.Components = []string{"mail", "mail"} }), desk.EREFUSED, "unknown_component"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := e.svc.CreateWebhook(e.ctx, tc.actor, tc.in)
			if desk.ErrorKind(err) != tc.kind || (tc.code != "" && desk.ErrorCode(err) != tc.code) {
				t.Fatalf("err = %v, want kind %q code %q", err, tc.kind, tc.code)
			}
			if tc.kind == "" && (w.ID == 0 || w.OrgID != tc.actor.OrgID || w.CreatedBy != tc.actor.ID || !w.Active) {
				t.Fatalf("webhook = %+v", w)
			}
		})
	}
	// The refusal tells nothing of what the name resolved to.
	_, err := e.svc.CreateWebhook(e.ctx, e.bizAdmin, desk.NewWebhook{URL: "https://internal.example/"})
	if strings.Contains(err.Error(), "10.1.2.3") {
		t.Fatalf("refusal names the address: %v", err)
	}
	if len(checked) == 0 || checked[0] != ok.URL {
		t.Fatalf("CheckURL saw %q", checked)
	}

	// http is for tests and the demo, when configured.
	e.svc.AllowHTTPWebhooks = true
	if _, err := e.svc.CreateWebhook(e.ctx, e.bizAdmin, desk.NewWebhook{URL: "http://hooks.example.com/"}); err != nil {
		t.Fatalf("http with AllowHTTPWebhooks: %v", err)
	}
	// Biz has 2 webhooks now; the limit is 10 per organisation.
	for i := 2; i < desk.MaxWebhooksPerOrg; i++ {
		e.mustWebhook(t, e.bizAdmin, desk.NewWebhook{URL: fmt.Sprintf("https://hooks.example.com/%d", i), Format: desk.WebhookChat})
	}
	_, err = e.svc.CreateWebhook(e.ctx, e.bizAdmin, ok)
	if desk.ErrorCode(err) != "too_many_webhooks" {
		t.Fatalf("webhook beyond the limit: %v", err)
	}
	if _, err := e.svc.CreateWebhook(e.ctx, e.entAdmin, ok); err != nil {
		t.Fatalf("another organisation's limit counted: %v", err)
	}
}

func TestWebhookSecretAndScope(t *testing.T) {
	e := webhookEnv(t)
	w := e.mustWebhook(t, e.bizAdmin, desk.NewWebhook{URL: "https://hooks.example.com/T000/B000/s3cr3t-path", Components: []string{"mail"}})
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(w.Secret, "whsec_"))
	if !strings.HasPrefix(w.Secret, "whsec_") || err != nil || len(key) != 24 {
		t.Fatalf("secret %q: %d bytes, %v", w.Secret, len(key), err)
	}
	chat := e.mustWebhook(t, e.bizAdmin, desk.NewWebhook{URL: "https://chat.example.com/x", Format: desk.WebhookChat})
	if chat.Secret != "" {
		t.Fatalf("a chat webhook, which is never signed, got a secret")
	}
	list, err := e.svc.Webhooks(e.ctx, e.bizAdmin)
	if err != nil || len(list) != 2 {
		t.Fatalf("list = %d, %v", len(list), err)
	}
	for _, got := range list {
		if got.Secret != "" {
			t.Fatalf("the list shows a secret: %+v", got)
		}
	}
	b, _ := json.Marshal(list)
	if strings.Contains(string(b), "secret") || strings.Contains(string(b), "whsec_") {
		t.Fatalf("list JSON = %s", b)
	}

	// Another organisation neither sees nor touches Biz's webhooks.
	if list, err := e.svc.Webhooks(e.ctx, e.entAdmin); err != nil || len(list) != 0 {
		t.Fatalf("Ent lists %d webhooks, %v", len(list), err)
	}
	if err := e.svc.DeleteWebhook(e.ctx, e.entAdmin, w.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("cross-organisation delete: %v", err)
	}
	if _, err := e.svc.TestWebhook(e.ctx, e.entAdmin, w.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("cross-organisation test: %v", err)
	}
	if _, err := e.svc.WebhookDeliveries(e.ctx, e.entAdmin, w.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("cross-organisation log: %v", err)
	}
	if _, err := e.svc.WebhookDeliveries(e.ctx, e.user, w.ID); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("ordinary user's log: %v", err)
	}

	// A test event is queued and shows in the log, newest first.
	d1, err := e.svc.TestWebhook(e.ctx, e.bizAdmin, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Minute)
	d2, err := e.svc.TestWebhook(e.ctx, e.bizAdmin, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d1.EventID, "msg_") || d1.EventID == d2.EventID || d1.EventType != desk.EventWebhookTest {
		t.Fatalf("test deliveries %+v %+v", d1, d2)
	}
	var body struct {
		Type string
		Data struct {
			WebhookID int64 `json:"webhook_id"`
		}
	}
	if err := json.Unmarshal(d1.Payload, &body); err != nil || body.Type != "webhook.test" || body.Data.WebhookID != w.ID {
		t.Fatalf("test payload %s: %v", d1.Payload, err)
	}
	log := e.deliveries(t, e.bizAdmin, w.ID)
	if len(log) != 2 || log[0].ID != d2.ID || log[0].Status != desk.DeliveryPending {
		t.Fatalf("log = %+v", log)
	}

	// Every change is audited, without the path that may hold a credential.
	if err := e.svc.DeleteWebhook(e.ctx, e.bizAdmin, w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.WebhookDeliveries(e.ctx, e.bizAdmin, w.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("log of a deleted webhook: %v", err)
	}
	es, err := e.svc.Store.Audit(e.ctx, e.biz.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, a := range es {
		actions[a.Action]++
		if strings.Contains(a.Detail, "s3cr3t") || strings.Contains(a.Detail, "whsec_") {
			t.Fatalf("audit entry holds a secret: %+v", a)
		}
		if a.Action == "webhook.create" && (a.ActorID != e.bizAdmin.ID || a.ObjectID == "" || !strings.Contains(a.Detail, `.example.com/…"`)) {
			t.Fatalf("create entry = %+v", a)
		}
	}
	if actions["webhook.create"] != 2 || actions["webhook.test"] != 2 || actions["webhook.delete"] != 1 {
		t.Fatalf("audited actions = %v", actions)
	}
}

type payload struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      struct {
		ID         int64                `json:"id"`
		Kind       string               `json:"kind"`
		Title      string               `json:"title"`
		Impact     string               `json:"impact"`
		Status     string               `json:"status"`
		Affected   []desk.Affected      `json:"affected"`
		StartedAt  time.Time            `json:"started_at"`
		EndedAt    *time.Time           `json:"ended_at"`
		URL        string               `json:"url"`
		LatestPost *desk.IncidentPost   `json:"latest_post"`
		Extra      map[string]time.Time `json:"-"`
	} `json:"data"`
	Text string `json:"text"`
}

func decodePayload(t *testing.T, d *desk.WebhookDelivery) payload {
	t.Helper()
	var p payload
	if err := json.Unmarshal(d.Payload, &p); err != nil {
		t.Fatalf("payload %s: %v", d.Payload, err)
	}
	return p
}

// TestIncidentWebhooks: incident changes queue a delivery for every active
// webhook whose organisation may see the incident and whose services it
// affects, in the shape of the webhook's format.
func TestIncidentWebhooks(t *testing.T) {
	e := webhookEnv(t)
	entAll := e.mustWebhook(t, e.entAdmin, desk.NewWebhook{URL: "https://ent.example/all"})
	entChat := e.mustWebhook(t, e.entAdmin, desk.NewWebhook{URL: "https://chat.example/ent", Format: desk.WebhookChat, Components: []string{"mail"}})
	bizDrive := e.mustWebhook(t, e.bizAdmin, desk.NewWebhook{URL: "https://biz.example/drive", Components: []string{"drive"}})
	bizMail := e.mustWebhook(t, e.bizAdmin, desk.NewWebhook{URL: "https://biz.example/mail", Components: []string{"mail"}})
	bizOff := e.mustWebhook(t, e.bizAdmin, desk.NewWebhook{URL: "https://biz.example/off"})
	if err := e.svc.Store.SetWebhookActive(e.ctx, e.biz.ID, bizOff.ID, false, nil); err != nil {
		t.Fatal(err)
	}
	count := func(w *desk.Webhook, org *desk.User) int { return len(e.deliveries(t, org, w.ID)) }

	// A public incident on a feature group of mail: every mail webhook and
	// every all-services webhook, never the drive one or the switched-off one.
	long := strings.Repeat("Details <b>& more</b>. ", 100)
	pub, err := e.svc.CreateIncident(e.ctx, e.stan, desk.NewIncident{Title: "Mail <delayed>", Impact: desk.ImpactMajor, Public: true,
		Affected: []desk.Affected{{Component: "mail-delivery", Status: desk.ComponentPartialOutage}},
		Body:     "## Update\n\nMessages **queue** for up to an hour; see [the note](https://desk.example/n). " + long})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		w     *desk.Webhook
		admin *desk.User
		want  int
	}{{entAll, e.entAdmin, 1}, {entChat, e.entAdmin, 1}, {bizDrive, e.bizAdmin, 0}, {bizMail, e.bizAdmin, 1}, {bizOff, e.bizAdmin, 0}} {
		if got := count(c.w, c.admin); got != c.want {
			t.Errorf("%s got %d deliveries, want %d", c.w.URL, got, c.want)
		}
	}
	d := e.deliveries(t, e.entAdmin, entAll.ID)[0]
	p := decodePayload(t, d)
	if d.EventType != desk.EventIncidentCreated || d.IncidentID != pub.ID || p.Type != "incident.created" ||
		p.Data.ID != pub.ID || p.Data.Title != "Mail <delayed>" || p.Data.Status != "investigating" || p.Data.Impact != "major" ||
		p.Data.Kind != "incident" || len(p.Data.Affected) != 1 || p.Data.Affected[0].Component != "mail-delivery" ||
		p.Data.URL != fmt.Sprintf("https://desk.example/status/incidents/%d", pub.ID) || p.Data.EndedAt != nil ||
		p.Data.LatestPost == nil || !strings.HasPrefix(p.Data.LatestPost.Body, "## Update") || !p.Data.StartedAt.Equal(monday10) {
		t.Fatalf("standard payload = %s", d.Payload)
	}
	if ts, err := time.Parse(time.RFC3339, p.Timestamp); err != nil || !ts.Equal(monday10) {
		t.Fatalf("timestamp %q: %v", p.Timestamp, err)
	}
	if strings.Contains(string(d.Payload), "org_ids") {
		t.Fatalf("payload names organisations: %s", d.Payload)
	}
	chat := decodePayload(t, e.deliveries(t, e.entAdmin, entChat.ID)[0])
	lines := strings.Split(chat.Text, "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "[Investigating] Mail &lt;delayed&gt; — Update Messages queue for up to an hour; see the note (https://desk.example/n). Details &lt;b&gt;&amp; more") ||
		lines[1] != fmt.Sprintf("https://desk.example/status/incidents/%d", pub.ID) || strings.ContainsAny(lines[0], "<>") {
		t.Fatalf("chat text = %q", chat.Text)
	}
	unescaped := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(lines[0])
	if n := len([]rune(strings.TrimPrefix(unescaped, "[Investigating] Mail <delayed> — "))); n > 1000 || n < 900 || !strings.HasSuffix(lines[0], "…") {
		t.Fatalf("chat post not clipped: %d runes", n)
	}

	// A post, then the end, then the report.
	e.clock.Add(time.Hour)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, pub.ID, desk.IncidentUpdate{Status: desk.IncidentIdentified, Body: "Found it."}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, pub.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Fixed."}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.PublishReport(e.ctx, e.stan, pub.ID, "Root cause: a full queue."); err != nil {
		t.Fatal(err)
	}
	log := e.deliveries(t, e.entAdmin, entAll.ID)
	var types []string
	for _, d := range log {
		types = append(types, d.EventType)
	}
	if strings.Join(types, " ") != "incident.updated incident.resolved incident.updated incident.created" {
		t.Fatalf("events, newest first = %v", types)
	}
	resolved := decodePayload(t, log[1])
	if resolved.Data.Status != "service_restored" || resolved.Data.EndedAt == nil || resolved.Data.LatestPost.Body != "Fixed." {
		t.Fatalf("resolved payload = %s", log[1].Payload)
	}
	if report := decodePayload(t, log[0]); report.Data.Status != "post_incident_report_published" {
		t.Fatalf("report payload = %s", log[0].Payload)
	}
	if chat := decodePayload(t, e.deliveries(t, e.entAdmin, entChat.ID)[0]); !strings.HasPrefix(chat.Text, "[Post-incident report published] Mail &lt;delayed&gt; — Fixed.\n") {
		t.Fatalf("chat after the report = %q", chat.Text)
	}

	// An incident limited to Ent reaches Ent's webhooks only, with a link
	// to the portal rather than the public page.
	before := count(bizMail, e.bizAdmin) + count(bizDrive, e.bizAdmin)
	lim, err := e.svc.CreateIncident(e.ctx, e.stan, desk.NewIncident{Title: "Ent's mailbox moves", Impact: desk.ImpactMinor,
		OrgIDs: []int64{e.ent.ID}, Affected: []desk.Affected{{Component: "mail"}, {Component: "drive"}}, Body: "Only for Ent."})
	if err != nil {
		t.Fatal(err)
	}
	if after := count(bizMail, e.bizAdmin) + count(bizDrive, e.bizAdmin); after != before {
		t.Fatalf("Biz got %d deliveries of an incident limited to Ent", after-before)
	}
	d = e.deliveries(t, e.entAdmin, entAll.ID)[0]
	if p := decodePayload(t, d); d.IncidentID != lim.ID || p.Data.URL != "https://desk.example/" || p.Data.Title != "Ent's mailbox moves" {
		t.Fatalf("limited payload = %s", d.Payload)
	}
	if d := e.deliveries(t, e.entAdmin, entChat.ID)[0]; d.IncidentID != lim.ID {
		t.Fatalf("Ent's mail chat webhook missed the limited incident: %+v", d)
	}
	// Maintenance on drive announced ahead: Biz's drive webhook hears of it.
	start := e.clock.Now().Add(48 * time.Hour)
	end := start.Add(2 * time.Hour)
	if _, err := e.svc.CreateIncident(e.ctx, e.stan, desk.NewIncident{Kind: desk.KindMaintenance, Title: "Drive upgrade", Public: true,
		StartedAt: &start, ScheduledEnd: &end, Affected: []desk.Affected{{Component: "drive"}}, Body: "Read-only for two hours."}); err != nil {
		t.Fatal(err)
	}
	if d := e.deliveries(t, e.bizAdmin, bizDrive.ID); len(d) != 1 || decodePayload(t, d[0]).Data.Kind != "maintenance" {
		t.Fatalf("drive webhook deliveries = %+v", d)
	}
	if n := count(bizMail, e.bizAdmin); n != 4 {
		t.Fatalf("Biz's mail webhook has %d deliveries, want the 4 of the public mail incident", n)
	}
}
