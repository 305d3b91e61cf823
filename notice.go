package desk

import (
	"context"
	"strings"
	"time"
)

// mailOn reports whether the desk sends mail at all: without a support
// address there is nowhere for replies to go.
func (s *Service) mailOn() bool { return s.Mail.Address != "" }

// changeMails returns the notification a change sends to the case's
// contacts, if any. One change sends at most one kind of mail: the most
// significant of what happened (closing over resolving over asking over a
// severity change over a reply).
func (s *Service) changeMails(ctx context.Context, actor *User, ch *CaseChange, prev Case, now time.Time) ([]*OutMail, error) {
	if !s.mailOn() || prev.ID == 0 {
		return nil, nil
	}
	c := ch.Case
	var public *Message
	for _, m := range ch.Messages {
		// Only what the customer may read goes into mail: internal notes
		// and events never do.
		if m.Kind == MessagePublic && m.FromStaff {
			public = m
		}
	}
	data := MailData{CaseTitle: c.Title}
	if public != nil {
		data.Body = public.Body
		if actor != nil {
			data.AuthorName = actor.Name
		}
	}
	var kind MailKind
	switch {
	case c.Status == StatusClosed && prev.Status != StatusClosed:
		kind = MailClosed
		data.MergedInto = c.MergedInto
		if c.MergedInto == 0 && prev.Status == StatusResolved {
			// A case closed after its resolution invites a rating, unless
			// the customer has rated it already.
			_, err := s.Store.Rating(ctx, Scope{OrgID: c.OrgID}, c.ID)
			switch ErrorKind(err) {
			case ENOTFOUND:
				kind = MailSurvey
			case "":
			default:
				return nil, err
			}
		}
	case c.Status == StatusResolved && prev.Status != StatusResolved:
		kind, data.Outcome = MailResolved, c.Outcome
	case c.Status == StatusActionRequired && prev.Status != StatusActionRequired:
		kind = MailActionRequired
	case c.Severity != prev.Severity:
		kind, data.SeverityFrom, data.SeverityTo, data.Reason = MailSeverityChanged, prev.Severity, c.Severity, ch.reason
	case public != nil:
		kind = MailReply
	default:
		return nil, nil
	}
	// Mail that carries what a person wrote is not automatic; the rest
	// counts against the flood limit.
	auto := !(kind == MailReply || kind == MailActionRequired || (kind == MailResolved && data.Body != "")) || actor == nil
	var known []*User
	if actor != nil {
		known = append(known, actor)
	}
	return s.caseMails(ctx, c, kind, data, auto, now, nil, known...)
}

// recipient is someone a case's mail goes to.
type recipient struct {
	userID         int64
	email, name    string
	lang, timeZone string
}

// recipients returns who hears about a case: the contact person the form
// asked to confirm, and the admin who opened it when that is someone else.
// org and known users, when the caller has them, save reading them again:
// opening a case is the hot path.
func (s *Service) recipients(ctx context.Context, c *Case, org *Org, known ...*User) ([]recipient, error) {
	if org == nil {
		var err error
		if org, err = s.Store.Org(ctx, c.OrgID); err != nil {
			return nil, err
		}
	}
	byEmail := func(email string) (*User, error) {
		for _, u := range known {
			if strings.EqualFold(u.Email, email) {
				return u, nil
			}
		}
		return s.Store.UserByEmail(ctx, email)
	}
	byID := func(id int64) (*User, error) {
		for _, u := range known {
			if u.ID == id {
				return u, nil
			}
		}
		return s.Store.User(ctx, id)
	}
	var out []recipient
	add := func(u *User, email, name string) {
		for _, r := range out {
			if strings.EqualFold(r.email, email) {
				return
			}
		}
		r := recipient{email: email, name: name, lang: c.Language, timeZone: org.TimeZone}
		// A user of the organisation reads in their own language and zone;
		// anyone else in the case's support language.
		if u != nil && u.OrgID == c.OrgID {
			r.userID, r.name = u.ID, u.Name
			if validLanguage(u.Language) {
				r.lang = u.Language
			}
			if u.TimeZone != "" {
				r.timeZone = u.TimeZone
			}
		}
		out = append(out, r)
	}
	if c.ContactEmail != "" {
		u, err := byEmail(c.ContactEmail)
		if err != nil && ErrorKind(err) != ENOTFOUND {
			return nil, err
		}
		add(u, c.ContactEmail, c.ContactName)
	}
	if c.CreatedBy != 0 {
		u, err := byID(c.CreatedBy)
		if err != nil && ErrorKind(err) != ENOTFOUND {
			return nil, err
		}
		if u != nil && u.OrgID == c.OrgID {
			add(u, u.Email, u.Name)
		}
	}
	return out, nil
}

// caseMails addresses one notification to each of a case's recipients.
// The reply address and thread headers are filled in by Complete when the
// mail is sent, since a new case has no number until it is stored.
func (s *Service) caseMails(ctx context.Context, c *Case, kind MailKind, data MailData, auto bool, now time.Time, org *Org, known ...*User) ([]*OutMail, error) {
	rs, err := s.recipients(ctx, c, org, known...)
	if err != nil {
		return nil, err
	}
	out := make([]*OutMail, 0, len(rs))
	for _, r := range rs {
		d := data
		d.TimeZone = r.timeZone
		out = append(out, &OutMail{
			MessageID: s.Mail.newMessageID(), Kind: kind, OrgID: c.OrgID, CaseID: c.ID, UserID: r.userID,
			To: r.email, ToName: r.name, Language: r.lang, Auto: auto, Data: d,
			Status: OutPending, NextAttemptAt: now, CreatedAt: now,
		})
	}
	return out, nil
}

// Complete fills in what an outgoing mail about a case needs at sending:
// the case's signed reply address, and thread headers that make every
// mail about the case one conversation in the recipient's mail client.
func (m MailConfig) Complete(om *OutMail) {
	if om.CaseID == 0 {
		return
	}
	if om.ReplyTo == "" {
		om.ReplyTo = m.ReplyAddress(om.CaseID, om.OrgID)
	}
	root := m.threadRoot(om.CaseID)
	if om.InReplyTo == "" {
		om.InReplyTo = root
	}
	if len(om.References) == 0 {
		om.References = []string{root}
	}
}
