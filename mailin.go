package desk

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Reasons a received mail is quarantined. Each is a stable code shown to
// staff on the quarantine page.
const (
	QuarantineOwnMail         = "own_mail"             // one of our own messages came back
	QuarantineAutomatic       = "automatic_mail"       // an auto-reply or list mail: nobody wrote it
	QuarantineInvalidToken    = "invalid_token"        // a reply address with a forged or broken token
	QuarantineUnknownSender   = "unknown_sender"       // not a registered user
	QuarantineStaffSender     = "staff_sender"         // staff answer in the console, not by mail
	QuarantineNoPrivilege     = "no_support_privilege" // an admin without the Support privilege
	QuarantineOtherOrg        = "wrong_organisation"   // the case belongs to another organisation
	QuarantineUnknownCase     = "unknown_case"         // the case no longer exists
	QuarantineCaseClosed      = "case_closed"          // closed cases take no replies
	QuarantineUnknownAddress  = "unknown_recipient"    // not addressed to the support address
	QuarantineNoSubscriptions = "no_email_support"     // no subscription includes e-mail support
)

// ReceiveMail decides what a received mail is: a reply added to a case, a
// new case, a bounce, or something for staff to review. The mail must be
// stored (SaveInMail) and parsed. Nothing is ever added on the strength
// of the sender's address alone: a reply needs the case's signed reply
// address or the Message-ID of a mail we sent about the case, and its
// sender must be a Support admin of the case's organisation. Quarantined
// mail gets no automatic answer, so that nobody can make the desk mail a
// third party. Processing a mail twice, or on two nodes at once, adds it
// once.
func (s *Service) ReceiveMail(ctx context.Context, in *InMail) error {
	if in.Status != InReceived && in.Status != "" {
		return nil
	}
	now := s.Clock.Now()
	quarantine := func(reason string) error {
		in.Status, in.Reason = InQuarantined, reason
		return s.Store.SetInMail(ctx, in)
	}
	switch in.Auto {
	case AutoBounce:
		for _, a := range in.Failed {
			if err := s.Store.MarkAddressFailing(ctx, a, "bounced: "+trimTo(in.Subject, 200), now); err != nil {
				return fmt.Errorf("receive mail: %w", err)
			}
		}
		in.Status, in.Reason = InBounce, strings.Join(in.Failed, ", ")
		return s.Store.SetInMail(ctx, in)
	case AutoOwnMail:
		return quarantine(QuarantineOwnMail)
	}

	caseID, token, err := s.caseOfMail(ctx, in)
	if err != nil {
		return fmt.Errorf("receive mail: %w", err)
	}
	if token == tokenForged {
		return quarantine(QuarantineInvalidToken)
	}
	if in.Auto != AutoNone {
		// Out-of-office replies to our notifications would otherwise land
		// on the case as if the customer had answered, and answering them
		// starts mail loops.
		return quarantine(QuarantineAutomatic)
	}
	sender, err := s.Store.UserByEmail(ctx, in.From)
	switch {
	case ErrorKind(err) == ENOTFOUND:
		return quarantine(QuarantineUnknownSender)
	case err != nil:
		return fmt.Errorf("receive mail: %w", err)
	case sender.IsStaff():
		return quarantine(QuarantineStaffSender)
	case !sender.HasSupportPrivilege():
		return quarantine(QuarantineNoPrivilege)
	}
	// The sender wrote to us, so their address works again.
	if err := s.Store.ClearAddressFailing(ctx, sender.Email); err != nil {
		return fmt.Errorf("receive mail: %w", err)
	}
	if caseID != 0 {
		return s.replyByMail(ctx, sender, caseID, in, quarantine)
	}
	toSupport := false
	for _, a := range in.To {
		toSupport = toSupport || s.Mail.isSupportAddress(a)
	}
	if !toSupport {
		return quarantine(QuarantineUnknownAddress)
	}
	return s.openByMail(ctx, sender, in, quarantine)
}

// How a mail's recipients named a case.
const (
	tokenNone   = iota // no reply address among them
	tokenValid         // a reply address with the case's own token
	tokenForged        // a reply address whose token is not the case's
)

// caseOfMail finds the case a mail answers: by a signed reply address
// among its recipients first, then by the Message-IDs of mail we sent that
// it refers to. The subject and the sender alone never decide it.
func (s *Service) caseOfMail(ctx context.Context, in *InMail) (caseID int64, token int, err error) {
	for _, a := range in.To {
		id, tok, ok := s.Mail.parseReplyAddress(a)
		if !ok {
			continue
		}
		c, err := s.Store.Case(ctx, Scope{AllOrgs: true, Internal: true}, id)
		if ErrorKind(err) == ENOTFOUND {
			return 0, tokenForged, nil
		} else if err != nil {
			return 0, 0, err
		}
		if !s.Mail.verifyReplyToken(c.ID, c.OrgID, tok) {
			return 0, tokenForged, nil
		}
		return c.ID, tokenValid, nil
	}
	refs := append(append([]string(nil), in.InReplyTo...), in.References...)
	// The newest reference comes last in References; look from the end.
	for i := len(refs) - 1; i >= 0 && i >= len(refs)-20; i-- {
		id, err := s.Store.CaseOfMessageID(ctx, refs[i])
		if err == nil {
			return id, tokenNone, nil
		}
		if ErrorKind(err) != ENOTFOUND {
			return 0, 0, err
		}
	}
	return 0, tokenNone, nil
}

// replyByMail adds a mail to a case's timeline as the sender's public
// reply, with its files.
func (s *Service) replyByMail(ctx context.Context, sender *User, caseID int64, in *InMail, quarantine func(string) error) error {
	c, err := s.Store.Case(ctx, Scope{AllOrgs: true, Internal: true}, caseID)
	if ErrorKind(err) == ENOTFOUND {
		return quarantine(QuarantineUnknownCase)
	} else if err != nil {
		return fmt.Errorf("receive mail: %w", err)
	}
	if c.OrgID != sender.OrgID {
		return quarantine(QuarantineOtherOrg)
	}
	if c.Status == StatusClosed {
		return quarantine(QuarantineCaseClosed)
	}
	atts, notes, err := s.mailAttachments(ctx, sender, in)
	if err != nil {
		return fmt.Errorf("receive mail: %w", err)
	}
	_, err = s.change(ctx, sender, caseID, "case.message", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status == StatusClosed {
			return nil, Errorf(EREFUSED, QuarantineCaseClosed, "case %d is closed", c.ID)
		}
		ch.Messages = append(ch.Messages, mailMessages(in, atts, notes)...)
		events, err := s.customerReplied(c, now)
		if err != nil {
			return nil, err
		}
		ch.Messages = append(ch.Messages, events...)
		for _, a := range atts {
			a.OrgID, a.CreatedAt = c.OrgID, now
		}
		ch.Attachments = atts
		ch.InMail, ch.InMailStatus = in, InAdded
		return map[string]any{"kind": MessagePublic, "mail": in.ID}, nil
	})
	switch {
	case err == nil:
		return nil
	case ErrorCode(err) == "mail_processed":
		in.Status = InAdded
		return nil
	case ErrorKind(err) == EREFUSED:
		// A rule of the case refused the reply (closed meanwhile, or
		// resolved longer ago than it can be reopened).
		return quarantine(ErrorCode(err))
	}
	return fmt.Errorf("receive mail: %w", err)
}

// openByMail opens a case from a mail to the support address, under the
// rules of the API: the sender's privilege, a subscription whose plan
// includes e-mail support, and normal severity.
func (s *Service) openByMail(ctx context.Context, sender *User, in *InMail, quarantine func(string) error) error {
	product, err := s.mailProduct(ctx, sender.OrgID)
	if err != nil {
		if ErrorKind(err) == EREFUSED {
			return quarantine(ErrorCode(err))
		}
		return fmt.Errorf("receive mail: %w", err)
	}
	atts, notes, err := s.mailAttachments(ctx, sender, in)
	if err != nil {
		return fmt.Errorf("receive mail: %w", err)
	}
	nc := NewCase{
		Product: product, Category: CategoryTechnical, Severity: SeverityNormal,
		Title: mailTitle(in.Subject), Description: trimTo(strings.TrimSpace(in.Text), MaxDescriptionLen),
		Language: sender.Language, ContactMethod: ContactEmail, ContactName: sender.Name, ContactEmail: sender.Email,
		Channel: "email",
	}
	if nc.Description == "" {
		nc.Description = "(no text)"
	}
	if !validLanguage(nc.Language) {
		nc.Language = ""
	}
	_, _, err = s.openCase(ctx, sender, nc, "", func(ch *CaseChange) {
		now := ch.Case.CreatedAt
		for _, a := range atts {
			a.OrgID, a.CreatedAt = sender.OrgID, now
		}
		for _, m := range mailMessages(in, atts, notes) {
			// The description holds the text; the timeline keeps the files
			// and the full original.
			if m.Kind == MessagePublic {
				continue
			}
			m.AuthorID, m.CreatedAt, m.Channel = sender.ID, now, "email"
			ch.Messages = append(ch.Messages, m)
		}
		// The "case opened" entry points to the mail, whose original stays
		// viewable.
		ch.Messages[0].MailID = in.ID
		ch.Attachments = atts
		ch.InMail, ch.InMailStatus = in, InOpened
	})
	switch {
	case err == nil:
		return nil
	case ErrorCode(err) == "mail_processed":
		in.Status = InOpened
		return nil
	case ErrorKind(err) == EREFUSED || ErrorKind(err) == EFORBIDDEN || ErrorKind(err) == EINVALID:
		return quarantine(ErrorCode(err))
	}
	return fmt.Errorf("receive mail: %w", err)
}

// mailProduct picks the product a case opened by mail is about: the first
// of the organisation's subscriptions whose plan includes e-mail support.
// A mail cannot say which product it means, and agents can move the case.
func (s *Service) mailProduct(ctx context.Context, orgID int64) (string, error) {
	subs, err := s.Store.Subscriptions(ctx, orgID)
	if err != nil {
		return "", err
	}
	for _, sub := range subs {
		plan, err := s.plan(ctx, sub.Plan)
		if err != nil {
			return "", err
		}
		if plan.SupportIncluded && plan.AllowsChannel(ChannelEmail) {
			return sub.Product, nil
		}
	}
	return "", Errorf(EREFUSED, QuarantineNoSubscriptions, "no subscription of the organisation includes e-mail support")
}

// mailAttachments stores a mail's files. A file over the attachment limit
// is left out, with a note on the timeline; the raw mail keeps it.
func (s *Service) mailAttachments(ctx context.Context, sender *User, in *InMail) ([]*Attachment, []string, error) {
	var atts []*Attachment
	var notes []string
	for _, f := range in.Attachments {
		name := CleanFileName(f.Name)
		if int64(len(f.Data)) > s.AttachmentLimit {
			notes = append(notes, fmt.Sprintf("%s was not added: it is larger than %d MB", name, s.AttachmentLimit>>20))
			continue
		}
		if len(f.Data) == 0 {
			continue
		}
		sum, size, err := s.Blobs.Put(ctx, bytes.NewReader(f.Data), s.AttachmentLimit)
		if err != nil {
			return nil, nil, err
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		atts = append(atts, &Attachment{ID: newID(), Name: name, ContentType: ct, Size: size, SHA256: sum, UploadedBy: sender.ID})
	}
	return atts, notes, nil
}

// mailMessages returns the timeline entries of a received mail: the reply
// without quoted history (keeping the full text beside it), its files, and
// notes on files left out.
func mailMessages(in *InMail, atts []*Attachment, notes []string) []*Message {
	body := strings.TrimSpace(in.Trimmed)
	if body == "" {
		body = strings.TrimSpace(in.Text)
	}
	if body == "" {
		body = "(no text)"
	}
	m := &Message{Kind: MessagePublic, Body: trimTo(body, MaxBodyLen), Channel: "email", MailID: in.ID}
	if full := strings.TrimSpace(in.Text); full != "" && full != m.Body {
		m.FullBody = trimTo(full, 4*MaxBodyLen)
	}
	out := []*Message{m}
	for _, a := range atts {
		out = append(out, &Message{Kind: MessageAttachment, Body: a.Name, AttachmentID: a.ID, Channel: "email"})
	}
	for _, n := range notes {
		out = append(out, &Message{Kind: MessageEvent, Body: n, Channel: "email"})
	}
	return out
}

// replyPrefixes are what mail clients put before a subject they answer or
// forward, in the languages of the desk.
var replyPrefixes = []string{"re:", "fw:", "fwd:", "aw:", "wg:", "sv:", "vs:", "antw:", "doorst:", "ref:"}

// mailTitle makes a case title of a mail's subject.
func mailTitle(subject string) string {
	t := strings.TrimSpace(subject)
	for again := true; again; {
		again = false
		for _, p := range replyPrefixes {
			if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
				t, again = strings.TrimSpace(t[len(p):]), true
			}
		}
	}
	if t == "" {
		t = "(no subject)"
	}
	return trimTo(t, MaxTitleLen)
}

// trimTo cuts s to at most n characters, on a character boundary.
func trimTo(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
