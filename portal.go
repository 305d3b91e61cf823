package desk

import (
	"context"
	"slices"
	"time"

	"desk/bizhours"
	"desk/help"
)

// This file holds what the customer's support portal asks of the desk
// beyond opening and working cases: what the organisation's subscriptions
// allow, who may contact support, how long an answer will take, and which
// open cases a new one may repeat.

// Entitlement is one subscription of an organisation with what its plan
// allows.
type Entitlement struct {
	Product *Product
	Plan    *Plan
	// Upgrade is the plan to move to for more support; nil when there is
	// none.
	Upgrade         *Plan
	ExtendedSupport bool
	// Partner sold the subscription; nil when it was bought directly.
	Partner *Partner
}

// MaxSeverity returns the highest severity the subscription allows:
// critical with an extended support contract, else the plan's ceiling.
func (e Entitlement) MaxSeverity() Severity {
	if e.ExtendedSupport {
		return SeverityCritical
	}
	return e.Plan.MaxSeverity
}

// SupportOptions is what an organisation can do when it needs help.
type SupportOptions struct {
	Org *Org
	// Entitlements are the organisation's subscriptions, in the order of
	// the product catalogue.
	Entitlements []Entitlement
	// Admins are the organisation's users who may contact support: super
	// admins and holders of the Support privilege. Users without the
	// privilege are sent to them.
	Admins []*User
}

// SupportIncluded reports whether any subscription of the organisation
// includes contacting support; an organisation on entry plans only gets
// help resources and an upgrade path.
func (o *SupportOptions) SupportIncluded() bool {
	for _, e := range o.Entitlements {
		if e.Plan.SupportIncluded {
			return true
		}
	}
	return false
}

// Supported returns the entitlements whose plan includes support: the
// products a case may be opened for.
func (o *SupportOptions) Supported() []Entitlement {
	var out []Entitlement
	for _, e := range o.Entitlements {
		if e.Plan.SupportIncluded {
			out = append(out, e)
		}
	}
	return out
}

// Partners returns each partner that sold one of the organisation's
// subscriptions once, with the products it sold, in catalogue order.
func (o *SupportOptions) Partners() []PartnerProducts {
	var out []PartnerProducts
	for _, e := range o.Entitlements {
		if e.Partner == nil {
			continue
		}
		i := slices.IndexFunc(out, func(p PartnerProducts) bool { return p.Partner.ID == e.Partner.ID })
		if i < 0 {
			out = append(out, PartnerProducts{Partner: e.Partner})
			i = len(out) - 1
		}
		out[i].Products = append(out[i].Products, e.Product)
	}
	return out
}

// PartnerProducts is a partner and the products it sold an organisation.
type PartnerProducts struct {
	Partner  *Partner
	Products []*Product
}

// SupportOptions returns the subscriptions of the actor's organisation,
// with their plans and partners, and its support admins. Every user of a
// customer organisation may read them, because even those who may not
// contact support must learn whom to ask.
func (s *Service) SupportOptions(ctx context.Context, actor *User) (*SupportOptions, error) {
	if actor.IsStaff() || actor.OrgID == 0 {
		return nil, Errorf(EFORBIDDEN, "customer_only", "support options belong to a customer organisation")
	}
	org, err := s.Store.Org(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	products, err := s.Store.Products(ctx)
	if err != nil {
		return nil, err
	}
	subs, err := s.Store.Subscriptions(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	o := &SupportOptions{Org: org}
	for _, p := range products {
		for _, sub := range subs {
			if sub.Product != p.Code {
				continue
			}
			plan, err := s.plan(ctx, sub.Plan)
			if err != nil {
				return nil, err
			}
			e := Entitlement{Product: p, Plan: plan, ExtendedSupport: sub.ExtendedSupport, Partner: sub.Partner}
			if plan.UpgradeTo != "" {
				up, err := s.plan(ctx, plan.UpgradeTo)
				if err != nil && ErrorKind(err) != ENOTFOUND {
					return nil, err
				}
				e.Upgrade = up
			}
			o.Entitlements = append(o.Entitlements, e)
		}
	}
	users, err := s.Store.Users(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.HasSupportPrivilege() {
			o.Admins = append(o.Admins, u)
		}
	}
	return o, nil
}

// ExpectedWait is how long a new case waits for its first answer.
type ExpectedWait struct {
	Product  string
	Severity Severity
	// Target is the first-response target; zero when the plan promises
	// none for the severity (an answer comes, but without a commitment).
	Target bizhours.Target
	// RoundTheClock is set when the target counts every hour of the week;
	// otherwise it counts business hours only.
	RoundTheClock bool
	// By is the latest time of the first answer for a case opened now;
	// nil without a target.
	By *time.Time
}

// ExpectedWait returns how long a case the actor opened now for product at
// severity, answered by contact method, would wait for its first answer,
// from the SLA policy of the organisation's plan. It refuses what opening
// the case would refuse on the plan's account (product not subscribed,
// support or channel not included, severity above the plan or contract)
// with the same errors, UpgradePath included, so that the form can say so
// before the case is sent. The duties of the highest severity (business
// impact, phone number) are not checked: they belong to the case, not to
// the wait.
func (s *Service) ExpectedWait(ctx context.Context, actor *User, product string, sev Severity, method ContactMethod) (*ExpectedWait, error) {
	if actor.IsStaff() {
		return nil, Errorf(EFORBIDDEN, "customer_only", "expected waits are for customers")
	}
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	if !sev.Valid() {
		return nil, FieldError(EINVALID, "invalid_severity", "severity", "severity must be critical, high, normal or low")
	}
	if method == "" {
		method = ContactEmail
	}
	if !method.Valid() {
		return nil, FieldError(EINVALID, "invalid_contact_method", "contact_method", "contact_method must be email, phone or chat")
	}
	org, err := s.Store.Org(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	// The probe carries what the highest severity's duties ask for, so that
	// entitle decides on the plan's rules alone.
	probe := &Case{OrgID: org.ID, Product: product, Category: CategoryTechnical, Severity: sev,
		ContactMethod: method, BusinessImpact: "-", ContactPhone: "-"}
	if err := s.entitle(ctx, probe); err != nil {
		return nil, err
	}
	return s.wait(ctx, org, probe.Plan, product, sev, s.Clock.Now())
}

// ExpectedWaits returns the expected wait of every product the actor's
// organisation may open cases for and every severity its subscription
// allows, products in catalogue order and severities from critical to
// low, for a form that shows them all.
func (s *Service) ExpectedWaits(ctx context.Context, actor *User) ([]*ExpectedWait, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	o, err := s.SupportOptions(ctx, actor)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var out []*ExpectedWait
	for _, e := range o.Supported() {
		for _, sev := range Severities {
			if sev.Above(e.MaxSeverity()) {
				continue
			}
			w, err := s.wait(ctx, o.Org, e.Plan.Code, e.Product.Code, sev, now)
			if err != nil {
				return nil, err
			}
			out = append(out, w)
		}
	}
	return out, nil
}

// wait computes the first-response wait of a case opened at now.
func (s *Service) wait(ctx context.Context, org *Org, plan, product string, sev Severity, now time.Time) (*ExpectedWait, error) {
	w := &ExpectedWait{Product: product, Severity: sev}
	p, err := s.slaPolicy(ctx, plan, sev)
	if ErrorKind(err) == ENOTFOUND {
		return w, nil
	} else if err != nil {
		return nil, err
	}
	t := p.FirstResponse()
	if t.IsZero() {
		return w, nil
	}
	cal, err := s.calendar(ctx, t.Calendar, org.TimeZone)
	if err != nil {
		return nil, err
	}
	w.Target, w.RoundTheClock = t.Target, cal.AlwaysOpen
	if by := cal.Due(now, t.Target); !by.IsZero() {
		by = by.UTC()
		w.By = &by
	}
	return w, nil
}

// RelatedCases returns the open cases of the actor's organisation (new,
// open or waiting on the customer) whose titles look like title, newest
// first, at most limit of them: the cases a new one may repeat, which the
// portal asks about before it opens another. Only the newest page of open
// cases is searched, since an older duplicate is rarely what the admin
// means.
func (s *Service) RelatedCases(ctx context.Context, actor *User, title string, limit int) ([]*Case, error) {
	if len(help.Words(title)) == 0 {
		return nil, nil
	}
	page, err := s.Cases(ctx, actor, CaseFilter{
		Statuses: []Status{StatusNew, StatusOpen, StatusActionRequired},
		Limit:    MaxPageSize,
	})
	if err != nil {
		return nil, err
	}
	var out []*Case
	for _, c := range page.Items {
		if RelatedTitles(title, c.Title) {
			out = append(out, c)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// RelatedTitles reports whether two case titles look like the same
// problem: they share at least two significant words (see help.Words:
// case, accents, common words and inflections do not count), or every
// significant word of the shorter title is in the longer one. One shared
// word between longer titles ("mail" in "mail delayed" and "mail footer")
// is too weak a sign to bother the admin with.
func RelatedTitles(a, b string) bool {
	wa, wb := help.Words(a), help.Words(b)
	shared := 0
	for _, w := range wa {
		if slices.Contains(wb, w) {
			shared++
		}
	}
	return shared >= 2 || (shared > 0 && shared == min(len(wa), len(wb)))
}

// UserNames returns the display names of the users with the given ids
// that the actor may know of: the users of the actor's own organisation
// and the vendor's staff, whose names customers see on the answers they
// get. Other ids are left out, so that an id from another organisation
// reveals nothing.
func (s *Service) UserNames(ctx context.Context, actor *User, ids []int64) (map[int64]string, error) {
	names := map[int64]string{}
	if len(ids) == 0 {
		return names, nil
	}
	if actor.OrgID != 0 {
		users, err := s.Store.Users(ctx, actor.OrgID)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if slices.Contains(ids, u.ID) {
				names[u.ID] = u.Name
			}
		}
	}
	scope := ScopeOf(actor)
	for _, id := range ids {
		if _, ok := names[id]; ok || id == 0 {
			continue
		}
		u, err := s.Store.User(ctx, id)
		if ErrorKind(err) == ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if u.IsStaff() || scope.Allows(u.OrgID) {
			names[id] = u.Name
		}
	}
	return names, nil
}
