package desk

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// WebhookFormat is the shape of what a webhook receives.
type WebhookFormat string

const (
	// WebhookStandard posts signed JSON events in the Standard Webhooks
	// style (webhook-id, webhook-timestamp and webhook-signature headers),
	// for integrations that parse them.
	WebhookStandard WebhookFormat = "standard"
	// WebhookChat posts {"text": "..."}, which the incoming webhooks of
	// Slack, Mattermost, Google Chat and Microsoft Teams accept as a
	// message to a channel. Chat services ignore signatures, so these posts
	// are not signed.
	WebhookChat WebhookFormat = "chat"
)

// Valid reports whether f is a known format.
func (f WebhookFormat) Valid() bool { return f == WebhookStandard || f == WebhookChat }

// Webhook is an address an organisation's admins ask the desk to tell
// about service health: incidents, advisories and maintenance that the
// organisation may see and that concern the services it chose.
type Webhook struct {
	ID     int64         `json:"id"`
	OrgID  int64         `json:"org_id"`
	URL    string        `json:"url"`
	Format WebhookFormat `json:"format"`
	// Secret signs standard-format deliveries: "whsec_" and the base64 of
	// random bytes, as Standard Webhooks libraries expect. It is shown
	// once, when the webhook is created; lists leave it out.
	Secret string `json:"secret,omitempty"`
	// Components are the service codes the webhook is about; empty means
	// every service. A service includes its feature groups.
	Components []string `json:"components"`
	// Active is cleared when the receiver answers 410 Gone: it has said
	// that it wants nothing more.
	Active    bool      `json:"active"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// DeliveryStatus is where a webhook delivery stands.
type DeliveryStatus string

const (
	DeliveryPending   DeliveryStatus = "pending"   // waiting to be sent, or to be retried
	DeliveryDelivered DeliveryStatus = "delivered" // the receiver answered 2xx
	DeliveryFailed    DeliveryStatus = "failed"    // given up: refused, gone, or retried for too long
)

// The events a webhook receives.
const (
	EventIncidentCreated  = "incident.created"
	EventIncidentUpdated  = "incident.updated"
	EventIncidentResolved = "incident.resolved"
	EventWebhookTest      = "webhook.test"
)

// WebhookDelivery is one event for one webhook. It is written in the same
// transaction as the change it tells of, with its payload and event id
// fixed then: a retry sends the same bytes under the same webhook-id, so a
// receiver recognises a duplicate after a crash.
type WebhookDelivery struct {
	ID        int64 `json:"id"`
	WebhookID int64 `json:"webhook_id"`
	OrgID     int64 `json:"org_id"`
	// IncidentID is the incident the event is about; zero for a test.
	IncidentID int64  `json:"incident_id,omitempty"`
	EventID    string `json:"event_id"`
	EventType  string `json:"event_type"`
	// Payload is the request body exactly as sent.
	Payload       json.RawMessage `json:"payload"`
	Status        DeliveryStatus  `json:"status"`
	Attempts      int             `json:"attempts"`
	NextAttemptAt time.Time       `json:"next_attempt_at"`
	// LastStatus is the HTTP status of the last answer; zero when there was
	// none (a network error or a refused address).
	LastStatus  int        `json:"last_status,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// DeliveryFunc makes the webhook deliveries of an incident change. The
// store calls it inside the change's transaction, once the incident has
// its id, and stores what it returns in that transaction; a nil
// DeliveryFunc makes none. It must not use the store.
type DeliveryFunc func(inc *Incident) ([]*WebhookDelivery, error)

// WebhookStore keeps webhooks and their queue of deliveries. Reads and
// changes of one webhook take its organisation, so that no path can reach
// another organisation's webhook.
type WebhookStore interface {
	// CreateWebhook stores a new webhook and sets its id, with its audit
	// entry. It refuses with EREFUSED, code too_many_webhooks, when the
	// organisation has limit webhooks already, also against concurrent
	// creates.
	CreateWebhook(ctx context.Context, w *Webhook, limit int, audit *AuditEntry) error
	// Webhooks lists an organisation's webhooks, oldest first.
	Webhooks(ctx context.Context, orgID int64) ([]*Webhook, error)
	// Webhook returns one webhook of an organisation.
	Webhook(ctx context.Context, orgID, id int64) (*Webhook, error)
	// DeleteWebhook deletes a webhook of an organisation with its
	// deliveries.
	DeleteWebhook(ctx context.Context, orgID, id int64, audit *AuditEntry) error
	// SetWebhookActive switches a webhook on or off.
	SetWebhookActive(ctx context.Context, orgID, id int64, active bool, audit *AuditEntry) error
	// ActiveWebhooks lists the active webhooks of the given organisations,
	// or of every organisation when orgIDs is nil: the candidates for an
	// incident's deliveries.
	ActiveWebhooks(ctx context.Context, orgIDs []int64) ([]*Webhook, error)
	// QueueDeliveries stores deliveries outside an incident change, such as
	// a test event, and sets their ids. A delivery for a webhook that does
	// not exist in its organisation fails with ENOTFOUND.
	QueueDeliveries(ctx context.Context, ds []*WebhookDelivery, audit *AuditEntry) error
	// ClaimDeliveries leases up to limit pending deliveries whose next
	// attempt is due at now to owner until now+lease, oldest first.
	ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*WebhookDelivery, error)
	// FinishDeliveries records the results of attempts and ends their
	// leases: each delivery takes its Status, Attempts, NextAttemptAt,
	// LastStatus, LastError and DeliveredAt. A delivery that is no longer
	// pending is left as it is.
	FinishDeliveries(ctx context.Context, ds []*WebhookDelivery) error
	// Deliveries lists a webhook's deliveries, newest first.
	Deliveries(ctx context.Context, orgID, webhookID int64, limit int) ([]*WebhookDelivery, error)
}

// WebhookConfig is how the desk guards the webhooks that organisation
// admins set. Service embeds it.
type WebhookConfig struct {
	// CheckURL vets a webhook's destination when it is saved: it resolves
	// the host and refuses internal addresses (package webhook's CheckURL).
	// Nil checks nothing, for tests; the sending client checks every
	// connection again whatever this does.
	CheckURL func(ctx context.Context, rawURL string) error
	// AllowHTTPWebhooks lets webhooks use http:// addresses, for tests and
	// the demo. Production sends over HTTPS only.
	AllowHTTPWebhooks bool
}

// Limits on webhooks.
const (
	MaxWebhooksPerOrg    = 10
	MaxWebhookURLLen     = 2000
	MaxWebhookComponents = 50
	// WebhookDeliveryLog is how many deliveries the log shows.
	WebhookDeliveryLog = 100
	// maxChatPost bounds the post quoted in a chat message, which should
	// read as a notice, not as the whole incident.
	maxChatPost = 1000
)

// NewWebhook is what an organisation admin sends to create a webhook.
// The organisation, secret and state are the server's.
type NewWebhook struct {
	URL        string        `json:"url"`
	Format     WebhookFormat `json:"format"`
	Components []string      `json:"components"`
}

// RequireWebhookAdmin refuses anyone but an organisation's super admins and
// holders of the Support privilege: webhooks send the organisation's
// service health to an address of its choosing.
func RequireWebhookAdmin(actor *User) error {
	if actor.IsStaff() {
		return Errorf(EFORBIDDEN, "customer_only", "webhooks belong to customer organisations; their admins manage them")
	}
	if !actor.HasSupportPrivilege() {
		return Errorf(EFORBIDDEN, "support_privilege_required",
			"only super admins and admins with the Support privilege manage webhooks; ask one of your organisation's admins")
	}
	return nil
}

// CreateWebhook adds a webhook to the actor's organisation. The returned
// webhook carries its secret, which is never shown again.
func (s *Service) CreateWebhook(ctx context.Context, actor *User, in NewWebhook) (*Webhook, error) {
	if err := RequireWebhookAdmin(actor); err != nil {
		return nil, err
	}
	w := &Webhook{OrgID: actor.OrgID, URL: strings.TrimSpace(in.URL), Format: in.Format, Components: []string{},
		Active: true, CreatedBy: actor.ID, CreatedAt: s.Clock.Now()}
	if w.Format == "" {
		w.Format = WebhookStandard
	}
	if !w.Format.Valid() {
		return nil, FieldError(EINVALID, "invalid_format", "format", "format must be standard or chat")
	}
	if err := s.checkWebhookURL(w.URL); err != nil {
		return nil, err
	}
	if len(in.Components) > MaxWebhookComponents {
		return nil, FieldError(EREFUSED, "too_many_components", "components", "name at most %d services", MaxWebhookComponents)
	}
	if len(in.Components) > 0 {
		comps, err := s.Store.Components(ctx)
		if err != nil {
			return nil, err
		}
		for _, code := range in.Components {
			if !slices.ContainsFunc(comps, func(c *Component) bool { return c.Code == code }) || slices.Contains(w.Components, code) {
				return nil, FieldError(EREFUSED, "unknown_component", "components", "unknown or repeated service %q", code)
			}
			w.Components = append(w.Components, code)
		}
	}
	if err := s.vetWebhookDestination(ctx, w.URL); err != nil {
		return nil, err
	}
	if w.Format == WebhookStandard {
		w.Secret = newWebhookSecret()
	}
	// The audit log keeps where the webhook points without the path and
	// query: chat services put the credential of a channel there.
	detail := map[string]any{"url": redactURL(w.URL), "format": w.Format, "components": w.Components}
	if err := s.Store.CreateWebhook(ctx, w, MaxWebhooksPerOrg, s.audit(ctx, actor, actor.OrgID, "webhook.create", "webhook", "", detail)); err != nil {
		return nil, fmt.Errorf("create webhook: %w", err)
	}
	return w, nil
}

// checkWebhookURL refuses URLs a webhook may not have: anything but an
// absolute https URL (http when allowed) of at most MaxWebhookURLLen
// characters without credentials.
func (s *Service) checkWebhookURL(raw string) error {
	if raw == "" {
		return FieldError(EREFUSED, "url_required", "url", "url is required")
	}
	if len(raw) > MaxWebhookURLLen {
		return FieldError(EREFUSED, "url_too_long", "url", "url is longer than %d characters", MaxWebhookURLLen)
	}
	if !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return FieldError(EINVALID, "invalid_url", "url", "url must be valid text without control characters")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" || u.Hostname() == "" {
		return FieldError(EINVALID, "invalid_url", "url", "url must be an absolute URL such as https://hooks.example.com/desk")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && s.AllowHTTPWebhooks:
	default:
		return FieldError(EREFUSED, "webhook_https_required", "url", "a webhook URL must start with https://")
	}
	if u.User != nil {
		return FieldError(EREFUSED, "webhook_url_credentials", "url",
			"a webhook URL must not carry a user name or password; put a token in the path or query instead")
	}
	return nil
}

// vetWebhookDestination asks CheckURL whether the destination may be
// reached. It resolves names, so it runs after every other check.
func (s *Service) vetWebhookDestination(ctx context.Context, raw string) error {
	if s.CheckURL == nil {
		return nil
	}
	if err := s.CheckURL(ctx, raw); err != nil {
		// One answer for every reason, without the addresses the name
		// resolved to: the refusal must not map the internal network.
		return FieldError(EREFUSED, "webhook_url_refused", "url",
			"the webhook URL must name a host on the public internet that resolves to public addresses only")
	}
	return nil
}

// redactURL returns a URL's scheme and host only.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// newWebhookSecret returns a signing secret in the Standard Webhooks form:
// "whsec_" and the base64 of 24 random bytes, within the 24 to 64 bytes
// the specification asks for.
func newWebhookSecret() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b[:])
}

// newEventID returns the id of an event: the webhook-id header, the same
// on every retry, by which a receiver recognises a duplicate.
func newEventID() string { return "msg_" + newID() }

// Webhooks lists the webhooks of the actor's organisation, without their
// secrets.
func (s *Service) Webhooks(ctx context.Context, actor *User) ([]*Webhook, error) {
	if err := RequireWebhookAdmin(actor); err != nil {
		return nil, err
	}
	ws, err := s.Store.Webhooks(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		w.Secret = ""
	}
	return ws, nil
}

// DeleteWebhook deletes a webhook of the actor's organisation with its
// delivery log; deliveries not yet sent are dropped.
func (s *Service) DeleteWebhook(ctx context.Context, actor *User, id int64) error {
	if err := RequireWebhookAdmin(actor); err != nil {
		return err
	}
	w, err := s.Store.Webhook(ctx, actor.OrgID, id)
	if err != nil {
		return err
	}
	detail := map[string]any{"url": redactURL(w.URL), "format": w.Format}
	return s.Store.DeleteWebhook(ctx, actor.OrgID, id, s.audit(ctx, actor, actor.OrgID, "webhook.delete", "webhook", strconv.FormatInt(id, 10), detail))
}

// TestWebhook queues a webhook.test event for a webhook of the actor's
// organisation, so that an admin can see the receiver work. It is sent
// also to a webhook that was switched off, to show whether the receiver
// is back.
func (s *Service) TestWebhook(ctx context.Context, actor *User, id int64) (*WebhookDelivery, error) {
	if err := RequireWebhookAdmin(actor); err != nil {
		return nil, err
	}
	w, err := s.Store.Webhook(ctx, actor.OrgID, id)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	d := &WebhookDelivery{WebhookID: w.ID, OrgID: w.OrgID, EventID: newEventID(), EventType: EventWebhookTest,
		Status: DeliveryPending, NextAttemptAt: now, CreatedAt: now}
	if d.Payload, err = testPayload(w, now); err != nil {
		return nil, err
	}
	if err := s.Store.QueueDeliveries(ctx, []*WebhookDelivery{d},
		s.audit(ctx, actor, actor.OrgID, "webhook.test", "webhook", strconv.FormatInt(id, 10), map[string]any{"event_id": d.EventID})); err != nil {
		return nil, fmt.Errorf("queue test event: %w", err)
	}
	return d, nil
}

// WebhookDeliveries returns the delivery log of a webhook of the actor's
// organisation: the last WebhookDeliveryLog deliveries, newest first.
func (s *Service) WebhookDeliveries(ctx context.Context, actor *User, id int64) ([]*WebhookDelivery, error) {
	if err := RequireWebhookAdmin(actor); err != nil {
		return nil, err
	}
	if _, err := s.Store.Webhook(ctx, actor.OrgID, id); err != nil {
		return nil, err
	}
	return s.Store.Deliveries(ctx, actor.OrgID, id, WebhookDeliveryLog)
}

// incidentEvent names the event of an incident change: resolved when the
// change ended an incident that had not ended before.
func incidentEvent(wasEnded bool, inc *Incident) string {
	if !wasEnded && inc.EndedAt != nil {
		return EventIncidentResolved
	}
	return EventIncidentUpdated
}

// incidentDeliveries returns the DeliveryFunc of an incident change: one
// delivery for every active webhook whose organisation may see the
// incident and whose services it affects. The webhooks are read before
// the change's transaction; one created meanwhile misses this event, and
// one deleted meanwhile gets nothing, because its deliveries are inserted
// only while it exists.
func (s *Service) incidentDeliveries(ctx context.Context, event string, inc *Incident) (DeliveryFunc, error) {
	var orgs []int64
	if !inc.Public {
		if len(inc.OrgIDs) == 0 {
			return nil, nil
		}
		orgs = inc.OrgIDs
	}
	hooks, err := s.Store.ActiveWebhooks(ctx, orgs)
	if err != nil {
		return nil, fmt.Errorf("find webhooks: %w", err)
	}
	if len(hooks) == 0 {
		return nil, nil
	}
	comps, err := s.Store.Components(ctx)
	if err != nil {
		return nil, err
	}
	parent := make(map[string]string, len(comps))
	for _, c := range comps {
		parent[c.Code] = c.Parent
	}
	now := s.Clock.Now()
	base := strings.TrimRight(s.Mail.BaseURL, "/")
	return func(inc *Incident) ([]*WebhookDelivery, error) {
		var out []*WebhookDelivery
		for _, h := range hooks {
			// Visibility is checked here, on the incident as stored, and not
			// only by the query: an organisation never gets an incident it
			// may not see.
			if !h.Active || !inc.VisibleTo(h.OrgID) || !webhookConcerns(h, inc, parent) {
				continue
			}
			payload, err := incidentPayload(h.Format, event, inc, now, IncidentURL(base, inc))
			if err != nil {
				return nil, err
			}
			out = append(out, &WebhookDelivery{WebhookID: h.ID, OrgID: h.OrgID, IncidentID: inc.ID,
				EventID: newEventID(), EventType: event, Payload: payload,
				Status: DeliveryPending, NextAttemptAt: now, CreatedAt: now})
		}
		return out, nil
	}, nil
}

// webhookConcerns reports whether an incident affects a service the
// webhook is about: one it names, or a feature group of one.
func webhookConcerns(w *Webhook, inc *Incident, parent map[string]string) bool {
	if len(w.Components) == 0 {
		return true
	}
	for _, a := range inc.Affected {
		if slices.Contains(w.Components, a.Component) || (parent[a.Component] != "" && slices.Contains(w.Components, parent[a.Component])) {
			return true
		}
	}
	return false
}

// IncidentURL is where a person reads an incident: its page on the status
// page when it is public, else the organisation's portal, which shows the
// incidents that concern it.
func IncidentURL(base string, inc *Incident) string {
	base = strings.TrimRight(base, "/")
	if inc.Public {
		return base + "/status/incidents/" + strconv.FormatInt(inc.ID, 10)
	}
	return base + "/"
}

// eventEnvelope is the body of a standard-format delivery.
type eventEnvelope struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      any    `json:"data"`
}

// incidentData is what a standard-format event says of an incident: what
// the public status page shows, without the organisations it is limited
// to.
type incidentData struct {
	ID                int64          `json:"id"`
	Kind              IncidentKind   `json:"kind"`
	Title             string         `json:"title"`
	Impact            Impact         `json:"impact"`
	Status            IncidentStatus `json:"status"`
	Affected          []Affected     `json:"affected"`
	StartedAt         time.Time      `json:"started_at"`
	EndedAt           *time.Time     `json:"ended_at"`
	ScheduledEnd      *time.Time     `json:"scheduled_end,omitempty"`
	NextUpdateAt      *time.Time     `json:"next_update_at,omitempty"`
	ReportPublishedAt *time.Time     `json:"report_published_at,omitempty"`
	URL               string         `json:"url"`
	LatestPost        *postData      `json:"latest_post,omitempty"`
}

type postData struct {
	Status    IncidentStatus `json:"status"`
	Body      string         `json:"body"`
	CreatedAt time.Time      `json:"created_at"`
}

// chatMessage is the body of a chat-format delivery.
type chatMessage struct {
	Text string `json:"text"`
}

// incidentPayload returns the body a webhook of format f receives for an
// incident event.
func incidentPayload(f WebhookFormat, event string, inc *Incident, now time.Time, link string) (json.RawMessage, error) {
	var post *IncidentPost
	if n := len(inc.Posts); n > 0 {
		post = inc.Posts[n-1]
	}
	var v any
	switch f {
	case WebhookChat:
		line := "[" + statusLabel(inc.Status) + "] " + inc.Title
		if post != nil {
			if text := clipRunes(plainText(post.Body), maxChatPost); text != "" {
				line += " — " + text
			}
		}
		v = chatMessage{Text: escapeChat(line) + "\n" + link}
	default:
		d := incidentData{ID: inc.ID, Kind: inc.Kind, Title: inc.Title, Impact: inc.Impact, Status: inc.Status,
			Affected: inc.Affected, StartedAt: inc.StartedAt, EndedAt: inc.EndedAt, ScheduledEnd: inc.ScheduledEnd,
			NextUpdateAt: inc.NextUpdateAt, ReportPublishedAt: inc.ReportPublishedAt, URL: link}
		if d.Affected == nil {
			d.Affected = []Affected{}
		}
		if post != nil {
			d.LatestPost = &postData{Status: post.Status, Body: post.Body, CreatedAt: post.CreatedAt}
		}
		v = eventEnvelope{Type: event, Timestamp: now.UTC().Format(time.RFC3339), Data: d}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode webhook payload: %w", err)
	}
	return b, nil
}

// testPayload returns the body of a webhook.test event.
func testPayload(w *Webhook, now time.Time) (json.RawMessage, error) {
	const msg = "This is a test event from Supportdesk: the webhook works."
	var v any = chatMessage{Text: msg}
	if w.Format != WebhookChat {
		v = eventEnvelope{Type: EventWebhookTest, Timestamp: now.UTC().Format(time.RFC3339),
			Data: map[string]any{"webhook_id": w.ID, "message": msg}}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode webhook payload: %w", err)
	}
	return b, nil
}

// statusLabels name the statuses in chat messages.
var statusLabels = map[IncidentStatus]string{
	IncidentInvestigating: "Investigating", IncidentIdentified: "Identified", IncidentRestoring: "Restoring service",
	IncidentVerifying: "Verifying", IncidentRestored: "Service restored", IncidentReported: "Post-incident report published",
	IncidentFalsePositive: "False positive", MaintenanceScheduled: "Scheduled maintenance",
	MaintenanceInProgress: "Maintenance in progress", MaintenanceCompleted: "Maintenance completed",
}

func statusLabel(s IncidentStatus) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

var (
	mdLink   = regexp.MustCompile(`\[([^\]\n]*)\]\(([^)\s]*)\)`)
	mdPrefix = regexp.MustCompile(`(?m)^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+)`)
)

// plainText turns a post's Markdown into one line of text for a chat
// message: links become "text (url)", heading, quote and list markers and
// emphasis go, and line breaks become spaces. It is no Markdown renderer;
// a chat client shows the rest as the author typed it.
func plainText(md string) string {
	s := mdLink.ReplaceAllString(md, "$1 ($2)")
	s = mdPrefix.ReplaceAllString(s, "")
	s = strings.NewReplacer("**", "", "__", "", "`", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// escapeChat escapes the three characters Slack's message syntax gives a
// meaning (links and mentions such as <!channel>); the other chat services
// show the entities as the characters.
func escapeChat(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// clipRunes cuts s to at most n runes, marking the cut with an ellipsis.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
