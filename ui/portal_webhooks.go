package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"desk"
)

// The webhook settings are where an organisation's admins point the desk's
// service health at their own systems: a list of the organisation's
// webhooks with the state of each, a form for a new one, each webhook's
// delivery log with a button that sends a test event, and deleting with a
// confirmation. Only those the desk lets manage webhooks see them
// (desk.RequireWebhookAdmin); the pages ask the service, which checks
// again and scopes every read to the reader's organisation.

// portalWebhookRoutes are the webhook settings pages of the portal.
var portalWebhookRoutes = []route{
	{"GET /settings/webhooks", customerOnly, (*Server).portalWebhooks},
	{"POST /settings/webhooks", customerOnly, (*Server).portalCreateWebhook},
	{"GET /settings/webhooks/{id}", customerOnly, (*Server).portalWebhookLog},
	{"POST /settings/webhooks/{id}/test", customerOnly, (*Server).portalTestWebhook},
	{"GET /settings/webhooks/{id}/delete", customerOnly, (*Server).portalConfirmDeleteWebhook},
	{"POST /settings/webhooks/{id}/delete", customerOnly, (*Server).portalDeleteWebhook},
}

// webhooksPath is the list of webhooks.
const webhooksPath = "/settings/webhooks"

// canManageWebhooks reports whether the navigation offers u the webhook
// settings: the same people desk.RequireWebhookAdmin lets in.
func canManageWebhooks(u *desk.User) bool {
	return u != nil && desk.RequireWebhookAdmin(u) == nil
}

// webhookFormFields are the fields of the new-webhook form; the service
// names them the same in its errors.
var webhookFormFields = []string{"url", "format", "components"}

// webhookFlashes are the confirmations the webhook pages' redirects ask
// for, by name; like portalFlashes, only these are shown.
var webhookFlashes = map[string]string{
	"created": "webhook.flash.created",
	"tested":  "webhook.flash.tested",
	"deleted": "webhook.flash.deleted",
}

// webhookState is how a webhook is doing, as the list shows it.
type webhookState string

const (
	// hookActive receives events and its last delivery, if any, arrived.
	hookActive webhookState = "active"
	// hookFailing receives events, but its last delivery is being retried
	// or was given up: the receiver does not answer as it should.
	hookFailing webhookState = "failing"
	// hookDisabled is switched off: its receiver answered 410 Gone.
	hookDisabled webhookState = "disabled"
)

// stateBadges give each state the look of the badge of the same weight in
// the console's outbox: good, needs attention, stopped.
var stateBadges = map[webhookState]string{hookActive: "mail-sent", hookFailing: "mail-pending", hookDisabled: "mail-failed"}

// webhookRow is one webhook as the list shows it, in the reader's words.
type webhookRow struct {
	ID int64
	// Host is where the webhook points, without path and query: chat
	// services put the credential of a channel there, and a screen is
	// easily shared.
	Host       string
	Format     desk.WebhookFormat
	FormatText string
	// Services are the names of the services it is about; empty means
	// every service.
	Services  []string
	State     webhookState
	StateText string
	Badge     string
	Created   string
	// Last says how the newest delivery went; "" before the first.
	Last     string
	LastWhen string
}

// webhookChoice is one service the form offers.
type webhookChoice struct {
	Code, Name string
	// Groups are the names of its feature groups, which the webhook
	// covers with the service.
	Groups []string
}

// formatChoice is one format the form offers, with what it is for.
type formatChoice struct {
	Value, Label, Hint string
	Selected           bool
}

// webhooksData is the data of the webhook list and form.
type webhooksData struct {
	Rows     []webhookRow
	Services []webhookChoice
	Formats  []formatChoice
	// Full is set when the organisation has as many webhooks as it may.
	Full    bool
	Max     int
	IdemKey string
}

// deliveryRow is one delivery of the log.
type deliveryRow struct {
	When, WhenISO string
	Event         string
	EventType     string
	// Incident is the title of the incident the event is about, when the
	// reader may still see it.
	Incident string
	Result   string
	Badge    string
	// HTTPStatus is the status of the last answer; "" when there was
	// none.
	HTTPStatus string
	Attempts   string
	// Error is the last error as the sender recorded it. It may quote
	// what the receiver answered, so the template escapes it like any
	// text.
	Error string
	// Next says when a delivery waiting for a retry is tried again.
	Next string
}

// webhookLogData is the data of a webhook's page: its settings and its
// delivery log, newest first.
type webhookLogData struct {
	Hook       webhookRow
	Deliveries []deliveryRow
	Limit      int
}

// createdData is the page shown once after a standard webhook was created:
// its signing secret and how to check a signature.
type createdData struct {
	Hook   webhookRow
	Secret string
}

// portalWebhooks lists the organisation's webhooks with the form for a new
// one.
func (s *Server) portalWebhooks(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := desk.RequireWebhookAdmin(p.User); err != nil {
		return err
	}
	p.Flash = webhookFlashes[r.URL.Query().Get("flash")]
	f := NewForm(url.Values{"format": {string(desk.WebhookStandard)}, "idempotency_key": {newIdemKey()}})
	return s.renderWebhooks(w, r, p, f, http.StatusOK)
}

// renderWebhooks shows the list and the form with the state of f.
func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, p *Page, f *Form, status int) error {
	ctx := r.Context()
	hooks, err := s.Service.Webhooks(ctx, p.User)
	if err != nil {
		return err
	}
	names, err := s.componentNames(ctx)
	if err != nil {
		return err
	}
	d := &webhooksData{Max: desk.MaxWebhooksPerOrg, Full: len(hooks) >= desk.MaxWebhooksPerOrg, IdemKey: f.Get("idempotency_key")}
	for _, h := range hooks {
		row, err := s.webhookRow(ctx, p, h, names)
		if err != nil {
			return err
		}
		d.Rows = append(d.Rows, row)
	}
	health, err := s.Service.OrgHealth(ctx, p.User)
	if err != nil {
		return err
	}
	for _, sv := range health.Services {
		c := webhookChoice{Code: sv.Component.Code, Name: sv.Component.Name}
		for _, g := range sv.Groups {
			c.Groups = append(c.Groups, g.Component.Name)
		}
		d.Services = append(d.Services, c)
	}
	for _, fm := range []desk.WebhookFormat{desk.WebhookStandard, desk.WebhookChat} {
		d.Formats = append(d.Formats, formatChoice{Value: string(fm), Label: p.L.T("webhook.format." + string(fm)),
			Hint: p.L.T("webhook.format." + string(fm) + "_hint"), Selected: f.Get("format") == string(fm)})
	}
	p.Title, p.Data, p.Form = "webhook.title", d, f
	return s.render(w, r, status, "portal_webhooks", p)
}

// componentNames maps every service and feature group to its name. A
// webhook may name a service the organisation no longer uses; it is
// still shown by name.
func (s *Server) componentNames(ctx context.Context) (map[string]string, error) {
	comps, err := s.Service.Components(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(comps))
	for _, c := range comps {
		m[c.Code] = c.Name
	}
	return m, nil
}

// webhookRow describes a webhook of the reader's organisation.
func (s *Server) webhookRow(ctx context.Context, p *Page, h *desk.Webhook, names map[string]string) (webhookRow, error) {
	row := webhookRow{ID: h.ID, Host: hostOnly(h.URL), Format: h.Format, FormatText: p.L.T("webhook.format." + string(h.Format)),
		Created: p.L.Date(h.CreatedAt), State: hookActive}
	for _, c := range h.Components {
		if n := names[c]; n != "" {
			row.Services = append(row.Services, n)
		} else {
			row.Services = append(row.Services, c)
		}
	}
	// Only the newest delivery decides the state. The service has already
	// let the reader see this organisation's webhooks, and the store reads
	// the deliveries within the organisation, so the log cannot leak.
	last, err := s.Service.Store.Deliveries(ctx, p.User.OrgID, h.ID, 1)
	if err != nil {
		return row, err
	}
	if len(last) > 0 {
		d := last[0]
		row.Last = deliveryResult(p, d)
		row.LastWhen = p.L.DateTime(d.CreatedAt)
		if d.Status == desk.DeliveryFailed || (d.Status == desk.DeliveryPending && d.Attempts > 0) {
			row.State = hookFailing
		}
	}
	if !h.Active {
		row.State = hookDisabled
	}
	row.StateText, row.Badge = p.L.T("webhook.state."+string(row.State)), stateBadges[row.State]
	return row, nil
}

// hostOnly returns a URL's scheme and host, the rest left out.
func hostOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "…"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// deliveryResult says how a delivery went, in the reader's words.
func deliveryResult(p *Page, d *desk.WebhookDelivery) string {
	switch {
	case d.Status == desk.DeliveryDelivered:
		return p.L.T("webhook.result.delivered")
	case d.Status == desk.DeliveryFailed:
		return p.L.T("webhook.result.failed")
	case d.Attempts > 0:
		return p.L.T("webhook.result.retrying")
	}
	return p.L.T("webhook.result.pending")
}

// deliveryBadge gives each result the look of the outbox's badges.
func deliveryBadge(d *desk.WebhookDelivery) string {
	switch {
	case d.Status == desk.DeliveryDelivered:
		return "mail-sent"
	case d.Status == desk.DeliveryFailed:
		return "mail-failed"
	}
	return "mail-pending"
}

// portalCreateWebhook adds a webhook. A standard webhook's page with its
// signing secret is the answer to the post itself, not a redirect: the
// secret is shown this once and must not sit in a URL or in the store of
// a page that a GET could load again. A chat webhook, which has no
// secret, leads back to the list.
func (s *Server) portalCreateWebhook(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := desk.RequireWebhookAdmin(p.User); err != nil {
		return err
	}
	f, err := readForm(w, r)
	if err != nil {
		return err
	}
	if !validIdemKey(f.Get("idempotency_key")) {
		f.Values.Set("idempotency_key", newIdemKey())
	}
	in := desk.NewWebhook{URL: strings.TrimSpace(f.Get("url")), Format: desk.WebhookFormat(f.Get("format")),
		Components: f.Values["components"]}
	if in.Components == nil {
		in.Components = []string{}
	}
	ctx := r.Context()
	id, fresh, err := s.hookForms.do(s.Service.Clock.Now(), p.User.ID, f.Get("idempotency_key"), webhookFingerprint(in), func() (*desk.Webhook, error) {
		return s.Service.CreateWebhook(ctx, p.User, in)
	})
	if err != nil {
		if !s.webhookFail(p, f, err) {
			return err
		}
		return s.renderWebhooks(w, r, p, f, http.StatusUnprocessableEntity)
	}
	// A repeated form finds the webhook the first one created and shows
	// its secret again: the browser may have dropped the first answer,
	// and this is the only page that has it.
	h := fresh
	if h == nil {
		if h, err = s.Service.Store.Webhook(ctx, p.User.OrgID, id); desk.ErrorKind(err) == desk.ENOTFOUND {
			return portalRedirect(w, r, webhooksPath, "")
		} else if err != nil {
			return err
		}
	}
	if h.Secret == "" {
		return portalRedirect(w, r, webhooksPath, "created")
	}
	names, err := s.componentNames(ctx)
	if err != nil {
		return err
	}
	row, err := s.webhookRow(ctx, p, h, names)
	if err != nil {
		return err
	}
	p.Title, p.Data = "webhook.created.title", &createdData{Hook: row, Secret: h.Secret}
	return s.render(w, r, http.StatusCreated, "portal_webhook_created", p)
}

// webhookFail records a refusal of the service next to its field of the
// form, or above the form; it reports false for errors that are not
// about the input.
func (s *Server) webhookFail(p *Page, f *Form, err error) bool {
	var e *desk.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case desk.EINVALID, desk.EREFUSED, desk.ECONFLICT, desk.ETOOLARGE:
	default:
		return false
	}
	field := e.Field
	if !slices.Contains(webhookFormFields, field) {
		field = formLevel
	}
	key := "webhook.error." + e.Code
	if !p.L.Has(key) {
		key = "webhook.error.refused"
	}
	f.Fail(field, key, "max", desk.MaxWebhooksPerOrg, "services", desk.MaxWebhookComponents)
	return true
}

// webhookFingerprint tells apart two forms sent with one key: a form
// reused after the browser's back button with other input creates a
// webhook of its own.
func webhookFingerprint(in desk.NewWebhook) string {
	h := sha256.New()
	h.Write([]byte(in.URL + "\x00" + string(in.Format)))
	for _, c := range in.Components {
		h.Write([]byte("\x00" + c))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// webhookID reads the {id} of a webhook path; a malformed id is a webhook
// that does not exist.
func webhookID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("webhook")
	}
	return id, nil
}

// ownWebhook returns a webhook of the reader's organisation through the
// service, which refuses readers who may not manage webhooks; any other
// organisation's webhook is not found, like one that never existed.
func (s *Server) ownWebhook(r *http.Request, p *Page) (*desk.Webhook, error) {
	if err := desk.RequireWebhookAdmin(p.User); err != nil {
		return nil, err
	}
	id, err := webhookID(r)
	if err != nil {
		return nil, err
	}
	hooks, err := s.Service.Webhooks(r.Context(), p.User)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(hooks, func(h *desk.Webhook) bool { return h.ID == id })
	if i < 0 {
		return nil, desk.NotFound("webhook")
	}
	return hooks[i], nil
}

// portalWebhookLog shows a webhook with its delivery log, newest first.
func (s *Server) portalWebhookLog(w http.ResponseWriter, r *http.Request, p *Page) error {
	h, err := s.ownWebhook(r, p)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ds, err := s.Service.WebhookDeliveries(ctx, p.User, h.ID)
	if err != nil {
		return err
	}
	names, err := s.componentNames(ctx)
	if err != nil {
		return err
	}
	row, err := s.webhookRow(ctx, p, h, names)
	if err != nil {
		return err
	}
	d := &webhookLogData{Hook: row, Limit: desk.WebhookDeliveryLog}
	now := s.Service.Clock.Now()
	// The log names the incidents by their titles, read as the reader
	// sees them: an incident the organisation may no longer see, or one
	// older than the status history, is left unnamed.
	titles := map[int64]string{}
	if slices.ContainsFunc(ds, func(x *desk.WebhookDelivery) bool { return x.IncidentID != 0 }) {
		incs, err := s.Service.Incidents(ctx, p.User, now.Add(-desk.HealthHistory))
		if err != nil {
			return err
		}
		for _, inc := range incs {
			titles[inc.ID] = inc.Title
		}
	}
	for _, x := range ds {
		dr := deliveryRow{When: p.L.DateTime(x.CreatedAt), WhenISO: x.CreatedAt.UTC().Format(time.RFC3339),
			EventType: x.EventType, Event: eventText(p, x.EventType), Result: deliveryResult(p, x), Badge: deliveryBadge(x),
			Attempts: p.L.Number(int64(x.Attempts)), Error: x.LastError, Incident: titles[x.IncidentID]}
		if x.LastStatus != 0 {
			dr.HTTPStatus = strconv.Itoa(x.LastStatus)
		}
		if x.Status == desk.DeliveryPending && x.Attempts > 0 {
			dr.Next = portalWhen(p.L, now, x.NextAttemptAt)
		}
		d.Deliveries = append(d.Deliveries, dr)
	}
	p.Title, p.Data = "webhook.log.title", d
	p.Flash = webhookFlashes[r.URL.Query().Get("flash")]
	return s.render(w, r, http.StatusOK, "portal_webhook", p)
}

// eventText names an event in the reader's words; an event this page
// does not know yet is shown by its type.
func eventText(p *Page, event string) string {
	key := "webhook.event." + event
	if p.L.Has(key) {
		return p.L.T(key)
	}
	return event
}

// portalTestWebhook queues a test event; the log shows how it went.
func (s *Server) portalTestWebhook(w http.ResponseWriter, r *http.Request, p *Page) error {
	h, err := s.ownWebhook(r, p)
	if err != nil {
		return err
	}
	if _, err := s.Service.TestWebhook(r.Context(), p.User, h.ID); err != nil {
		return err
	}
	return portalRedirect(w, r, webhooksPath+"/"+strconv.FormatInt(h.ID, 10), "tested")
}

// portalConfirmDeleteWebhook asks before deleting: the log goes with the
// webhook, and events not yet sent are dropped.
func (s *Server) portalConfirmDeleteWebhook(w http.ResponseWriter, r *http.Request, p *Page) error {
	h, err := s.ownWebhook(r, p)
	if err != nil {
		return err
	}
	names, err := s.componentNames(r.Context())
	if err != nil {
		return err
	}
	row, err := s.webhookRow(r.Context(), p, h, names)
	if err != nil {
		return err
	}
	p.Title, p.Data = "webhook.delete.title", row
	return s.render(w, r, http.StatusOK, "portal_webhook_delete", p)
}

// portalDeleteWebhook deletes a webhook with its log.
func (s *Server) portalDeleteWebhook(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := desk.RequireWebhookAdmin(p.User); err != nil {
		return err
	}
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteWebhook(r.Context(), p.User, id); err != nil {
		return err
	}
	return portalRedirect(w, r, webhooksPath, "deleted")
}

// hookOnce makes a new-webhook form sent twice with one key create one
// webhook: a double click, or a reload of the page that answered the
// post. The case form gets this from the store's idempotency keys, which
// are tied to cases; webhooks have none, so this node remembers, for a
// while, which webhook each (user, form key, input) created, and a second
// request waits for the first. Forms sent twice reach the same node
// almost always (one browser, one connection); the submit-once script
// guards the rest.
type hookOnce struct {
	mu sync.Mutex
	m  map[string]*hookAttempt
}

// hookAttempt is one creation in flight or done.
type hookAttempt struct {
	done chan struct{}
	id   int64
	ok   bool
	at   time.Time
}

// hookOnceTTL is how long a created webhook is remembered for its form.
const hookOnceTTL = 10 * time.Minute

// do runs create unless an earlier request with the same user, key and
// fingerprint created a webhook. It returns the webhook create made, or
// the id of the earlier one with a nil webhook. A failed attempt is
// forgotten, so that the corrected form can be sent with the same key.
func (o *hookOnce) do(now time.Time, user int64, key, fingerprint string, create func() (*desk.Webhook, error)) (int64, *desk.Webhook, error) {
	k := strconv.FormatInt(user, 10) + "\x00" + key + "\x00" + fingerprint
	for {
		o.mu.Lock()
		if o.m == nil {
			o.m = map[string]*hookAttempt{}
		}
		for ek, a := range o.m {
			if a.ok && now.Sub(a.at) > hookOnceTTL {
				delete(o.m, ek)
			}
		}
		a, found := o.m[k]
		if !found {
			a = &hookAttempt{done: make(chan struct{})}
			o.m[k] = a
		}
		o.mu.Unlock()
		if found {
			<-a.done
			if a.ok {
				return a.id, nil, nil
			}
			// The earlier attempt failed and was forgotten: try again.
			continue
		}
		h, err := create()
		o.mu.Lock()
		if err != nil {
			delete(o.m, k)
		} else {
			a.id, a.ok, a.at = h.ID, true, now
		}
		o.mu.Unlock()
		close(a.done)
		if err != nil {
			return 0, nil, err
		}
		return h.ID, h, nil
	}
}
