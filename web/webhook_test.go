package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"desk"
	"desk/webhook"
)

type webhookBody struct {
	ID         int64    `json:"id"`
	OrgID      int64    `json:"org_id"`
	URL        string   `json:"url"`
	Format     string   `json:"format"`
	Secret     string   `json:"secret"`
	Components []string `json:"components"`
	Active     bool     `json:"active"`
}

func webhookPath(id int64, rest ...string) string {
	return fmt.Sprintf("/api/v1/webhooks/%d", id) + strings.Join(rest, "")
}

// TestWebhooksAPI: organisation admins create, list, test and delete
// their organisation's webhooks; the secret is shown once.
func TestWebhooksAPI(t *testing.T) {
	e := newEnv(t)
	res := e.post(carl, "/api/v1/webhooks", map[string]any{"url": "https://hooks.contoso.example/desk", "components": []string{"mail"}})
	var created webhookBody
	res.ok(t, http.StatusCreated, &created)
	if created.ID == 0 || !strings.HasPrefix(created.Secret, "whsec_") || created.Format != "standard" || !created.Active ||
		created.OrgID != e.user(carl).OrgID || len(created.Components) != 1 {
		t.Fatalf("created = %s", res.Body)
	}
	if loc := res.Header.Get("Location"); loc != webhookPath(created.ID) {
		t.Fatalf("Location = %q", loc)
	}
	var chat webhookBody
	e.post(carl, "/api/v1/webhooks", map[string]any{"url": "https://chat.example/hook", "format": "chat"}).ok(t, http.StatusCreated, &chat)

	var l list[webhookBody]
	res = e.get(carl, "/api/v1/webhooks")
	res.ok(t, http.StatusOK, &l)
	// The demo's webhook of Contoso comes first, oldest first.
	if len(l.Items) != 3 || l.Items[1].ID != created.ID || strings.Contains(string(res.Body), "whsec_") || strings.Contains(string(res.Body), `"secret"`) {
		t.Fatalf("list = %s", res.Body)
	}

	// A test event is queued and shows in the log with its payload.
	var d struct {
		ID        int64           `json:"id"`
		EventID   string          `json:"event_id"`
		EventType string          `json:"event_type"`
		Status    string          `json:"status"`
		Payload   json.RawMessage `json:"payload"`
	}
	e.post(carl, webhookPath(created.ID, "/test"), nil).ok(t, http.StatusAccepted, &d)
	if d.EventType != "webhook.test" || d.Status != "pending" || !strings.HasPrefix(d.EventID, "msg_") {
		t.Fatalf("test delivery = %+v", d)
	}
	var log list[map[string]any]
	e.get(carl, webhookPath(created.ID, "/deliveries")).ok(t, http.StatusOK, &log)
	if len(log.Items) != 1 || log.Items[0]["event_id"] != d.EventID {
		t.Fatalf("log = %+v", log.Items)
	}
	if p, ok := log.Items[0]["payload"].(map[string]any); !ok || p["type"] != "webhook.test" {
		t.Fatalf("payload in the log = %#v", log.Items[0]["payload"])
	}
	e.send(request{Method: "POST", Path: webhookPath(created.ID, "/test"), As: carl, Body: map[string]any{"x": 1}}).problem(t, 400, "unknown_field")

	// Delete, then it is gone.
	res = e.send(request{Method: "DELETE", Path: webhookPath(chat.ID), As: carl})
	if res.Status != http.StatusNoContent || len(res.Body) != 0 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	e.send(request{Method: "DELETE", Path: webhookPath(chat.ID), As: carl}).problem(t, 404, "webhook_not_found")
	e.get(carl, "/api/v1/webhooks").ok(t, http.StatusOK, &l)
	if len(l.Items) != 2 {
		t.Fatalf("%d webhooks after the delete", len(l.Items))
	}
}

// TestWebhooksAPIScope: another organisation's webhooks are not found, by
// any path, exactly like ids that never existed; only the organisation's
// super admins and Support admins reach webhooks at all.
func TestWebhooksAPIScope(t *testing.T) {
	e := newEnv(t)
	var mine webhookBody
	e.post(carl, "/api/v1/webhooks", map[string]any{"url": "https://hooks.contoso.example/desk"}).ok(t, http.StatusCreated, &mine)
	e.post(carl, webhookPath(mine.ID, "/test"), nil).ok(t, http.StatusAccepted, nil)

	var l list[webhookBody]
	e.get(ada, "/api/v1/webhooks").ok(t, http.StatusOK, &l)
	if len(l.Items) != 0 {
		t.Fatalf("Fabrikam lists Contoso's webhooks: %+v", l.Items)
	}
	for _, id := range []int64{mine.ID, mine.ID + 1000} {
		e.send(request{Method: "DELETE", Path: webhookPath(id), As: ada}).problem(t, 404, "webhook_not_found")
		e.post(ada, webhookPath(id, "/test"), nil).problem(t, 404, "webhook_not_found")
		e.get(ada, webhookPath(id, "/deliveries")).problem(t, 404, "webhook_not_found")
	}
	e.get(carl, "/api/v1/webhooks/abc/deliveries").problem(t, 404, "webhook_not_found")
	// Nothing of Contoso's changed.
	var log list[map[string]any]
	e.get(carl, webhookPath(mine.ID, "/deliveries")).ok(t, http.StatusOK, &log)
	if len(log.Items) != 1 {
		t.Fatalf("Contoso's log has %d entries, want 1", len(log.Items))
	}

	body := map[string]any{"url": "https://hooks.example/x"}
	for _, tc := range []struct {
		as     string
		status int
		code   string
	}{
		{bill, 403, "support_privilege_required"},
		{uma, 403, "support_privilege_required"},
		{agent, 403, "customer_only"},
		{sam, 403, "customer_only"},
		{"", 401, "token_required"},
	} {
		e.post(tc.as, "/api/v1/webhooks", body).problem(t, tc.status, tc.code)
		// Who may is answered before what was sent.
		e.post(tc.as, "/api/v1/webhooks", map[string]any{"bogus": true}).problem(t, tc.status, tc.code)
		e.get(tc.as, "/api/v1/webhooks").problem(t, tc.status, tc.code)
		e.get(tc.as, webhookPath(mine.ID, "/deliveries")).problem(t, tc.status, tc.code)
		e.send(request{Method: "DELETE", Path: webhookPath(mine.ID), As: tc.as}).problem(t, tc.status, tc.code)
	}
}

// TestWebhooksAPIRefusesInternalURLs: with the production check in place,
// destinations on internal networks are refused with one stable code and
// nothing is stored.
func TestWebhooksAPIRefusesInternalURLs(t *testing.T) {
	e := newEnv(t)
	e.svc.CheckURL = webhook.CheckURL
	for _, u := range []string{
		"https://127.0.0.1/hook", "https://[::1]/hook", "https://10.0.0.1/", "https://172.16.0.1/", "https://192.168.1.1/",
		"https://169.254.169.254/latest/meta-data/", "https://100.64.0.1/", "https://[fc00::1]/", "https://[::ffff:127.0.0.1]/",
		"https://2130706433/", "https://0177.0.0.1/", "https://0x7f.1/", "https://localhost:8443/hook",
	} {
		p := e.post(carl, "/api/v1/webhooks", map[string]any{"url": u}).problem(t, 422, "webhook_url_refused")
		if p.Field != "url" || strings.Contains(p.Detail, "127.0.0.1") {
			t.Fatalf("%s: problem %+v", u, p)
		}
	}
	for _, tc := range []struct {
		body   map[string]any
		status int
		code   string
	}{
		{map[string]any{"url": "http://hooks.example/"}, 422, "webhook_https_required"},
		{map[string]any{"url": "https://user:pw@hooks.example/"}, 422, "webhook_url_credentials"},
		{map[string]any{"url": "not a url"}, 400, "invalid_url"},
		{map[string]any{"url": "https://hooks.example/", "format": "xml"}, 400, "invalid_format"},
		{map[string]any{"url": "https://hooks.example/", "components": []string{"nope"}}, 422, "unknown_component"},
		{map[string]any{"url": "https://hooks.example/", "secret": "whsec_mine"}, 400, "unknown_field"},
		{map[string]any{"url": "https://hooks.example/", "org_id": 1}, 400, "unknown_field"},
		{map[string]any{"url": 7}, 400, "malformed_json"},
	} {
		e.post(carl, "/api/v1/webhooks", tc.body).problem(t, tc.status, tc.code)
	}
	hooks, err := e.db.Webhooks(e.ctx, e.user(carl).OrgID)
	// Only the demo's webhook of Contoso.
	if err != nil || len(hooks) != 1 {
		t.Fatalf("%d webhooks stored after refusals, %v", len(hooks), err)
	}
}

// TestWebhooksAPILimit: an organisation has at most ten webhooks.
func TestWebhooksAPILimit(t *testing.T) {
	e := newEnv(t)
	for i := range desk.MaxWebhooksPerOrg {
		e.post(ada, "/api/v1/webhooks", map[string]any{"url": fmt.Sprintf("https://hooks.fabrikam.example/%d", i), "format": "chat"}).ok(t, http.StatusCreated, nil)
	}
	e.post(ada, "/api/v1/webhooks", map[string]any{"url": "https://hooks.fabrikam.example/11"}).problem(t, 422, "too_many_webhooks")
	e.post(carl, "/api/v1/webhooks", map[string]any{"url": "https://hooks.contoso.example/1"}).ok(t, http.StatusCreated, nil)
}
