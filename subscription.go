package desk

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
)

// StatusSubscription is an e-mail address that follows the public status
// page: it is told of public incidents, advisories and maintenance that
// affect the services it chose. Anyone may ask for one without signing
// in, so nothing happens until the address proves it wants the mail:
// a request stores a pending choice and mails a confirmation link, and
// only confirming it (double opt-in) makes the choice active.
type StatusSubscription struct {
	ID int64 `json:"id"`
	// Email is the address, a plain addr-spec with its domain lowercased.
	Email string `json:"email"`
	// Language and Components are the confirmed choice: the language the
	// mail is written in, and the service codes followed (empty means
	// every service; a service includes its feature groups).
	Language   string   `json:"language"`
	Components []string `json:"components"`
	// ConfirmedAt is when the address first confirmed; nil while it never
	// has, and then it receives nothing.
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
	// The pending choice waits for the confirmation link of the last
	// request. TokenHash is the hex SHA-256 of the link's token (the token
	// itself is only in the mail), empty when nothing is pending.
	PendingLanguage   string     `json:"pending_language,omitempty"`
	PendingComponents []string   `json:"pending_components,omitempty"`
	TokenHash         string     `json:"-"`
	TokenExpiresAt    *time.Time `json:"token_expires_at,omitempty"`
	// ConfirmMailAt is when the last confirmation mail was queued: at most
	// one goes to an address per ConfirmMailInterval, whoever asks.
	ConfirmMailAt *time.Time `json:"confirm_mail_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Version       int        `json:"version"`
}

// Active reports whether the subscription receives mail.
func (s *StatusSubscription) Active() bool { return s.ConfirmedAt != nil }

// StatusNotice is one incident change waiting to be mailed to the status
// page's subscribers. The store queues one in the transaction of every
// incident it creates or updates, so no change is lost between the
// commit and the mail; a worker then decides what the change means (a
// post, a report, or nothing to tell) and expands it into outbox rows.
type StatusNotice struct {
	ID         int64 `json:"id"`
	IncidentID int64 `json:"incident_id"`
	Version    int   `json:"version"`
	// PostCount is how many posts the incident had after the change, and
	// ChangedAt its UpdatedAt then: a post made by the change carries that
	// time, and so does a report it published.
	PostCount     int       `json:"post_count"`
	ChangedAt     time.Time `json:"changed_at"`
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	CreatedAt     time.Time `json:"created_at"`
}

// StatusSubscriptionStore keeps the status page's e-mail subscriptions
// and the queue of incident changes to tell them of.
type StatusSubscriptionStore interface {
	// StatusSubscription returns a subscription by id.
	StatusSubscription(ctx context.Context, id int64) (*StatusSubscription, error)
	// StatusSubscriptionByEmail returns the subscription of an address.
	StatusSubscriptionByEmail(ctx context.Context, email string) (*StatusSubscription, error)
	// StatusSubscriptionByToken returns the subscription whose pending
	// choice the token with this hash confirms.
	StatusSubscriptionByToken(ctx context.Context, tokenHash string) (*StatusSubscription, error)
	// SaveStatusSubscription stores a new subscription (ID zero: it sets
	// the id, and fails with ECONFLICT when the address has one already)
	// or the new state of one whose stored version is prevVersion (else
	// ECONFLICT), with mail, when not nil, queued in the same transaction.
	SaveStatusSubscription(ctx context.Context, sub *StatusSubscription, prevVersion int, mail *OutMail) error
	// DeleteStatusSubscription deletes a subscription; ENOTFOUND if there
	// is none.
	DeleteStatusSubscription(ctx context.Context, id int64) error
	// ActiveStatusSubscriptions lists up to limit confirmed subscriptions
	// with an id above afterID, by id.
	ActiveStatusSubscriptions(ctx context.Context, afterID int64, limit int) ([]*StatusSubscription, error)
	// PurgeStatusSubscriptions deletes the subscriptions never confirmed
	// whose link expired before now, and returns how many.
	PurgeStatusSubscriptions(ctx context.Context, now time.Time) (int, error)
	// ClaimStatusNotices leases up to limit pending notices due at now to
	// owner until now+lease, oldest first.
	ClaimStatusNotices(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*StatusNotice, error)
	// FinishStatusNotice queues a claimed notice's mails and marks it done,
	// in one transaction, if owner still holds its lease; otherwise it
	// changes nothing and fails with ECONFLICT. So a notice's mails are
	// queued once, however often it is claimed.
	FinishStatusNotice(ctx context.Context, id int64, owner string, mails []*OutMail) error
	// RetryStatusNotice ends owner's lease on a notice and records the
	// failed attempt: its Attempts and NextAttemptAt.
	RetryStatusNotice(ctx context.Context, n *StatusNotice, owner string) error
}

// Limits of status page subscriptions.
const (
	// ConfirmWindow is how long a confirmation link works; a subscription
	// never confirmed is deleted after it.
	ConfirmWindow = 48 * time.Hour
	// ConfirmMailInterval is the least time between two confirmation
	// mails to one address, so that the form cannot be used to flood
	// someone's mailbox.
	ConfirmMailInterval = time.Hour
	maxEmailLen         = 254
	// statusNoticeBatch is how many subscriptions one read takes while a
	// notice is expanded.
	statusNoticeBatch = 500
)

// The mails of status page subscriptions.
const (
	MailStatusConfirm  MailKind = "status_confirm"  // confirm the subscription
	MailStatusIncident MailKind = "status_incident" // news of an incident on a followed service
)

// ParseSubscriberEmail checks an address typed into the subscribe form: a
// bare addr-spec (no display name, no comments, no list) without control
// characters, at most 254 bytes. It returns the address with its domain
// lowercased; the local part is kept, since it may be case-sensitive.
func ParseSubscriberEmail(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	bad := FieldError(EINVALID, "invalid_email", "email", "enter one e-mail address, such as name@example.com")
	if raw == "" {
		return "", FieldError(EINVALID, "email_required", "email", "an e-mail address is required")
	}
	if len(raw) > maxEmailLen || strings.ContainsFunc(raw, func(r rune) bool { return r < 0x21 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }) {
		return "", bad
	}
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Name != "" || a.Address != raw || strings.ContainsAny(raw, "<>()[],;:\\\"") {
		return "", bad
	}
	local, domain, ok := strings.Cut(a.Address, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", bad
	}
	return local + "@" + strings.ToLower(domain), nil
}

// StatusSubscriptionsOn reports whether the desk takes status page
// subscriptions: it needs to send mail, and a secret to sign unsubscribe
// links with.
func (s *Service) StatusSubscriptionsOn() bool { return s.mailOn() && len(s.Mail.Secret) > 0 }

// SubscribeStatus asks for status page mail to an address about the given
// services (none: every service), in a language. It answers the same
// whether or not the address is subscribed already: only the mailbox
// learns that, from the confirmation mail, which goes out at most once
// per ConfirmMailInterval. A confirmed subscription keeps working
// unchanged until the new choice is confirmed.
func (s *Service) SubscribeStatus(ctx context.Context, email string, components []string, lang string) error {
	if !s.StatusSubscriptionsOn() {
		return Errorf(EREFUSED, "subscriptions_off", "e-mail subscriptions are not available")
	}
	addr, err := ParseSubscriberEmail(email)
	if err != nil {
		return err
	}
	if !validLanguage(lang) {
		lang = "en"
	}
	comps, err := s.Store.Components(ctx)
	if err != nil {
		return err
	}
	var chosen []string
	for _, code := range components {
		if !slices.ContainsFunc(comps, func(c *Component) bool { return c.Code == code }) || slices.Contains(chosen, code) {
			return FieldError(EINVALID, "unknown_component", "components", "unknown or repeated service %q", code)
		}
		chosen = append(chosen, code)
	}
	// Every service chosen is the same as none: services added later are
	// followed too.
	if len(chosen) > 0 && !slices.ContainsFunc(comps, func(c *Component) bool { return c.Parent == "" && !slices.Contains(chosen, c.Code) }) {
		chosen = nil
	}
	for attempt := 0; ; attempt++ {
		err := s.subscribeOnce(ctx, addr, chosen, lang)
		if ErrorKind(err) == ECONFLICT && attempt < maxChangeAttempts {
			continue
		}
		return err
	}
}

func (s *Service) subscribeOnce(ctx context.Context, addr string, chosen []string, lang string) error {
	now := s.Clock.Now()
	sub, err := s.Store.StatusSubscriptionByEmail(ctx, addr)
	switch {
	case ErrorKind(err) == ENOTFOUND:
		sub = &StatusSubscription{Email: addr, Language: lang, Components: []string{}, CreatedAt: now}
	case err != nil:
		return err
	case !sub.Active() && sub.TokenExpiresAt != nil && !sub.TokenExpiresAt.After(now):
		// An expired request starts afresh, as if it had been purged.
		sub.CreatedAt = now
	}
	prev := sub.Version
	sub.PendingLanguage, sub.PendingComponents = lang, chosen
	if sub.PendingComponents == nil {
		sub.PendingComponents = []string{}
	}
	sub.UpdatedAt, sub.Version = now, prev+1
	var m *OutMail
	// Within the interval the choice is still updated, and a link mailed
	// already confirms it; otherwise a new link replaces the old one.
	if sub.ConfirmMailAt == nil || !sub.ConfirmMailAt.Add(ConfirmMailInterval).After(now) {
		token := newToken()
		exp, sent := now.Add(ConfirmWindow), now
		sub.TokenHash, sub.TokenExpiresAt, sub.ConfirmMailAt = hashToken(token), &exp, &sent
		base := strings.TrimRight(s.Mail.BaseURL, "/")
		m = &OutMail{MessageID: s.Mail.newMessageID(), Kind: MailStatusConfirm, To: addr, Language: lang, Auto: true,
			Data:   MailData{Link: base + "/status/confirm?token=" + token + "&lang=" + lang, ExpiresAt: &exp},
			Status: OutPending, NextAttemptAt: now, CreatedAt: now}
	}
	return s.Store.SaveStatusSubscription(ctx, sub, prev, m)
}

// ConfirmStatusSubscription confirms the pending choice a confirmation
// link's token stands for. A token that is unknown, used or expired gets
// ENOTFOUND, one answer for all three.
func (s *Service) ConfirmStatusSubscription(ctx context.Context, token string) (*StatusSubscription, error) {
	invalid := Errorf(ENOTFOUND, "invalid_link", "the link is not valid or has expired; subscribe again to get a new one")
	if token == "" || len(token) > 100 {
		return nil, invalid
	}
	for attempt := 0; ; attempt++ {
		sub, err := s.Store.StatusSubscriptionByToken(ctx, hashToken(token))
		if ErrorKind(err) == ENOTFOUND {
			return nil, invalid
		} else if err != nil {
			return nil, err
		}
		now := s.Clock.Now()
		if sub.TokenExpiresAt == nil || !sub.TokenExpiresAt.After(now) {
			return nil, invalid
		}
		prev := sub.Version
		sub.Language, sub.Components = sub.PendingLanguage, sub.PendingComponents
		if sub.Components == nil {
			sub.Components = []string{}
		}
		if sub.ConfirmedAt == nil {
			t := now
			sub.ConfirmedAt = &t
		}
		sub.PendingLanguage, sub.PendingComponents, sub.TokenHash, sub.TokenExpiresAt = "", nil, "", nil
		sub.UpdatedAt, sub.Version = now, prev+1
		err = s.Store.SaveStatusSubscription(ctx, sub, prev, nil)
		if ErrorKind(err) == ECONFLICT && attempt < maxChangeAttempts {
			continue
		}
		if err != nil {
			return nil, err
		}
		return sub, nil
	}
}

// UnsubscribeStatus ends the subscription an unsubscribe link names, at
// once. A link that is forged, or whose subscription has ended already,
// gets ENOTFOUND.
func (s *Service) UnsubscribeStatus(ctx context.Context, token string) error {
	invalid := Errorf(ENOTFOUND, "invalid_link", "the link is not valid, or the subscription has ended already")
	idPart, _, ok := strings.Cut(token, "-")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if !ok || err != nil || id <= 0 || len(s.Mail.Secret) == 0 {
		return invalid
	}
	sub, err := s.Store.StatusSubscription(ctx, id)
	if ErrorKind(err) == ENOTFOUND {
		return invalid
	} else if err != nil {
		return err
	}
	if !hmac.Equal([]byte(s.Mail.unsubscribeToken(sub)), []byte(token)) {
		return invalid
	}
	if err := s.Store.DeleteStatusSubscription(ctx, id); ErrorKind(err) == ENOTFOUND {
		return invalid
	} else if err != nil {
		return err
	}
	return nil
}

// unsubscribeToken signs a subscription's id and address, so that the
// link in every mail works without storing a token per mail, and a link
// cannot be made up for another subscription. A subscription made again
// after unsubscribing has a new id, so old links do not end it.
func (m MailConfig) unsubscribeToken(sub *StatusSubscription) string {
	mac := hmac.New(sha256.New, m.Secret)
	mac.Write([]byte("status-unsubscribe:" + strconv.FormatInt(sub.ID, 10) + ":" + sub.Email))
	return strconv.FormatInt(sub.ID, 10) + "-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(mac.Sum(nil)[:20]))
}

// UnsubscribeURL returns the one-click unsubscribe address of a
// subscription.
func (m MailConfig) UnsubscribeURL(sub *StatusSubscription) string {
	return strings.TrimRight(m.BaseURL, "/") + "/status/unsubscribe?token=" + m.unsubscribeToken(sub)
}

// newToken returns 256 random bits, URL-safe.
func newToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashToken is what the store keeps of a token: a leaked table confirms
// nothing.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// StatusNoticeLease is how long a worker holds a claimed notice.
const StatusNoticeLease = 2 * time.Minute

// SendStatusNotices expands the incident changes queued since the last
// run into mail to the subscribers they concern, and deletes the
// subscriptions never confirmed in time. It returns how many notices it
// finished. owner names the worker in leases, so that several nodes share
// the queue and a node that dies hands its notices on when their leases
// run out.
func (s *Service) SendStatusNotices(ctx context.Context, owner string, limit int) (int, error) {
	now := s.Clock.Now()
	if _, err := s.Store.PurgeStatusSubscriptions(ctx, now); err != nil {
		return 0, fmt.Errorf("purge subscriptions: %w", err)
	}
	ns, err := s.Store.ClaimStatusNotices(ctx, owner, now, StatusNoticeLease, limit)
	if err != nil {
		return 0, fmt.Errorf("claim status notices: %w", err)
	}
	done := 0
	var errs []error
	for _, n := range ns {
		// The cases first: a failure there leaves the notice to be
		// retried whole, before any mail of it is written.
		err := s.noticeCases(ctx, n)
		var mails []*OutMail
		if err == nil {
			mails, err = s.noticeMails(ctx, n, now)
		}
		if err == nil {
			err = s.Store.FinishStatusNotice(ctx, n.ID, owner, mails)
		}
		switch {
		case err == nil:
			done++
		case ErrorKind(err) == ECONFLICT:
			// Another worker took it over after our lease ran out.
		default:
			errs = append(errs, fmt.Errorf("status notice %d: %w", n.ID, err))
			n.Attempts++
			n.NextAttemptAt = now.Add(min(time.Duration(n.Attempts)*time.Minute, time.Hour))
			if rerr := s.Store.RetryStatusNotice(ctx, n, owner); rerr != nil {
				errs = append(errs, rerr)
			}
		}
	}
	if len(errs) > 0 {
		return done, errs[0]
	}
	return done, nil
}

// noticeMails decides what an incident change tells subscribers: the post
// it made, or the report it published. Only public incidents are told:
// a subscription belongs to an address, not an organisation, so it may
// learn only what the public status page shows.
func (s *Service) noticeMails(ctx context.Context, n *StatusNotice, now time.Time) ([]*OutMail, error) {
	if !s.StatusSubscriptionsOn() {
		return nil, nil
	}
	inc, err := s.Store.Incident(ctx, n.IncidentID)
	if ErrorKind(err) == ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !inc.Public {
		return nil, nil
	}
	data := MailData{IncidentTitle: inc.Title, IncidentKind: inc.Kind, IncidentURL: IncidentURL(s.Mail.BaseURL, inc)}
	switch {
	case n.PostCount > 0 && n.PostCount <= len(inc.Posts) && inc.Posts[n.PostCount-1].CreatedAt.Equal(n.ChangedAt):
		p := inc.Posts[n.PostCount-1]
		data.Body, data.IncidentStatus = p.Body, p.Status
	case inc.ReportPublishedAt != nil && inc.ReportPublishedAt.Equal(n.ChangedAt):
		data.Body, data.IncidentStatus = inc.Report, IncidentReported
	default:
		return nil, nil
	}
	comps, err := s.Store.Components(ctx)
	if err != nil {
		return nil, err
	}
	parent := make(map[string]string, len(comps))
	names := make(map[string]string, len(comps))
	for _, c := range comps {
		parent[c.Code], names[c.Code] = c.Parent, c.Name
	}
	for _, a := range inc.Affected {
		if name := names[a.Component]; name != "" {
			data.Services = append(data.Services, name)
		}
	}
	var out []*OutMail
	for after := int64(0); ; {
		subs, err := s.Store.ActiveStatusSubscriptions(ctx, after, statusNoticeBatch)
		if err != nil {
			return nil, err
		}
		for _, sub := range subs {
			after = sub.ID
			if !sub.Active() || !webhookConcerns(&Webhook{Components: sub.Components}, inc, parent) {
				continue
			}
			d := data
			d.UnsubscribeURL = s.Mail.UnsubscribeURL(sub)
			out = append(out, &OutMail{MessageID: s.Mail.newMessageID(), Kind: MailStatusIncident, To: sub.Email,
				Language: sub.Language, Auto: true, Data: d, Status: OutPending, NextAttemptAt: now, CreatedAt: now})
		}
		if len(subs) < statusNoticeBatch {
			return out, nil
		}
	}
}
