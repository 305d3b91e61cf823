package desk

import (
	"context"
	"time"

	"desk/bizhours"
)

// Org is a customer organisation: a tenant. Everything a customer can see
// hangs off exactly one Org.
type Org struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"`
	Language string `json:"language"`
	// Phones and Emails are the contact points registered in the
	// organisation's profile; caller verification sends codes only there.
	Phones    []string  `json:"phones"`
	Emails    []string  `json:"emails"`
	CreatedAt time.Time `json:"created_at"`
}

// Partner is a reseller through which a subscription was bought. Its
// contact details are shown to the organisation's admins before the
// vendor's own.
type Partner struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
	URL   string `json:"url"`
}

// Product is something the vendor sells, such as Mail or Drive.
type Product struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Channel is a way of contacting support that a plan may allow.
type Channel string

const (
	ChannelWeb   Channel = "web"
	ChannelEmail Channel = "email"
	ChannelPhone Channel = "phone"
	ChannelChat  Channel = "chat"
)

// Plan is an entry of the plan catalogue. It decides whether support may be
// contacted at all, through which channels, up to which severity, and which
// SLA policy applies.
type Plan struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// SupportIncluded is false for entry plans, which get help resources and
	// an upgrade path only.
	SupportIncluded bool      `json:"support_included"`
	Channels        []Channel `json:"channels"`
	// MaxSeverity is the highest severity the plan allows without an
	// extended support contract.
	MaxSeverity Severity `json:"max_severity"`
	// UpgradeTo names the plan to move to for more support, if any.
	UpgradeTo string `json:"upgrade_to,omitempty"`
	// UptimeCommitment is the monthly uptime the plan promises, in percent
	// (such as 99.9); zero means none. CreditTiers say which share of the
	// monthly fee is credited when a month falls short (see credit.go).
	UptimeCommitment float64      `json:"uptime_commitment,omitempty"`
	CreditTiers      []CreditTier `json:"credit_tiers,omitempty"`
}

// AllowsChannel reports whether the plan includes channel ch.
func (p *Plan) AllowsChannel(ch Channel) bool {
	for _, c := range p.Channels {
		if c == ch {
			return true
		}
	}
	return false
}

// Subscription is an organisation's plan for one product.
type Subscription struct {
	OrgID   int64  `json:"-"`
	Product string `json:"product"`
	Plan    string `json:"plan"`
	// ExtendedSupport unlocks the highest severity.
	ExtendedSupport bool     `json:"extended_support"`
	Partner         *Partner `json:"partner,omitempty"`
	// MonthlyFee is what the subscription costs a month, in cents of
	// Currency (an ISO 4217 code); service credits are a share of it.
	MonthlyFee int64  `json:"monthly_fee,omitempty"`
	Currency   string `json:"currency,omitempty"`
}

// SLAPolicy gives the response targets for one plan and severity: a
// first-response target, and optional next-response and resolution
// targets. Each target is an amount of open time in minutes or a number of
// business days ("1 business day": the same clock time on the next
// business day), counted on its own calendar or, when it names none, on
// the policy's. A zero target means there is none.
type SLAPolicy struct {
	Plan     string   `json:"plan"`
	Severity Severity `json:"severity"`
	// Calendar names the business-hours calendar of the targets that name
	// none: a stored calendar (see CalendarStore), or "weekdays", the
	// Monday-to-Friday calendar of each organisation's own country.
	Calendar string `json:"calendar"`

	FirstResponseMinutes      int    `json:"first_response_minutes"`
	FirstResponseBusinessDays int    `json:"first_response_business_days,omitempty"`
	FirstResponseCalendar     string `json:"first_response_calendar,omitempty"`

	NextResponseMinutes      int    `json:"next_response_minutes,omitempty"`
	NextResponseBusinessDays int    `json:"next_response_business_days,omitempty"`
	NextResponseCalendar     string `json:"next_response_calendar,omitempty"`

	ResolutionMinutes      int    `json:"resolution_minutes,omitempty"`
	ResolutionBusinessDays int    `json:"resolution_business_days,omitempty"`
	ResolutionCalendar     string `json:"resolution_calendar,omitempty"`
}

// SLATarget is one target of a policy and the calendar it counts on.
type SLATarget struct {
	Target   bizhours.Target
	Calendar string
}

// IsZero reports whether there is no target.
func (t SLATarget) IsZero() bool { return t.Target.IsZero() }

// FirstResponse returns the first-response target.
func (p *SLAPolicy) FirstResponse() SLATarget {
	return p.target(p.FirstResponseMinutes, p.FirstResponseBusinessDays, p.FirstResponseCalendar)
}

// NextResponse returns the target for answering a customer's reply.
func (p *SLAPolicy) NextResponse() SLATarget {
	return p.target(p.NextResponseMinutes, p.NextResponseBusinessDays, p.NextResponseCalendar)
}

// Resolution returns the resolution target.
func (p *SLAPolicy) Resolution() SLATarget {
	return p.target(p.ResolutionMinutes, p.ResolutionBusinessDays, p.ResolutionCalendar)
}

func (p *SLAPolicy) target(minutes, days int, cal string) SLATarget {
	if cal == "" {
		cal = p.Calendar
	}
	return SLATarget{Target: bizhours.Target{Minutes: minutes, BusinessDays: days}, Calendar: cal}
}

// SetFirstResponse sets the first-response target; an empty calendar means
// the policy's.
func (p *SLAPolicy) SetFirstResponse(t bizhours.Target, calendar string) {
	p.FirstResponseMinutes, p.FirstResponseBusinessDays, p.FirstResponseCalendar = t.Minutes, t.BusinessDays, calendar
}

// SetNextResponse sets the next-response target; an empty calendar means
// the policy's.
func (p *SLAPolicy) SetNextResponse(t bizhours.Target, calendar string) {
	p.NextResponseMinutes, p.NextResponseBusinessDays, p.NextResponseCalendar = t.Minutes, t.BusinessDays, calendar
}

// SetResolution sets the resolution target; an empty calendar means the
// policy's.
func (p *SLAPolicy) SetResolution(t bizhours.Target, calendar string) {
	p.ResolutionMinutes, p.ResolutionBusinessDays, p.ResolutionCalendar = t.Minutes, t.BusinessDays, calendar
}

// OrgStore reads and writes organisations, the catalogue and subscriptions.
type OrgStore interface {
	CreateOrg(ctx context.Context, o *Org) error
	Org(ctx context.Context, id int64) (*Org, error)
	CreatePartner(ctx context.Context, p *Partner) error
	PutProduct(ctx context.Context, p *Product) error
	Products(ctx context.Context) ([]*Product, error)
	PutPlan(ctx context.Context, p *Plan) error
	Plan(ctx context.Context, code string) (*Plan, error)
	PutSLAPolicy(ctx context.Context, p *SLAPolicy) error
	// SLAPolicy returns ENOTFOUND when the plan has no policy for sev.
	SLAPolicy(ctx context.Context, plan string, sev Severity) (*SLAPolicy, error)
	// SLAPolicies lists every policy, by plan.
	SLAPolicies(ctx context.Context) ([]*SLAPolicy, error)
	PutSubscription(ctx context.Context, s *Subscription) error
	// Subscriptions lists an organisation's subscriptions, partner included.
	Subscriptions(ctx context.Context, orgID int64) ([]*Subscription, error)
}
