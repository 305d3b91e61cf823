package demo

import (
	"context"
	"fmt"
	"time"

	"desk"
	"desk/passwd"
)

// Password is the password of every demo login.
const Password = "demo-password"

// marker is the user whose existence means the demo has been seeded. It is
// written last, so that a seed that failed halfway is not taken for a
// finished one.
const marker = "ada@fabrikam.example"

// first is the first user written; finding it without the marker means an
// earlier seed stopped halfway.
const first = "agent.nl@vendor.example"

// Login describes one demo account, for the command to print.
type Login struct {
	Email string
	Role  string
	Org   string
	Note  string
}

// Logins returns the demo accounts, customers first. All share Password.
func Logins() []Login {
	out := make([]Login, 0, len(people))
	for _, p := range people {
		org := "Vendor"
		if p.org != "" {
			org = orgByKey(p.org).Name
		}
		out = append(out, Login{Email: p.email, Role: string(p.role), Org: org, Note: p.note})
	}
	return out
}

var products = []desk.Product{
	{Code: "mail", Name: "Mail"},
	{Code: "calendar", Name: "Calendar"},
	{Code: "drive", Name: "Drive"},
	{Code: "chat", Name: "Chat"},
}

// plans: the paid plans promise 99.9% monthly uptime with the default
// service credit table (desk.DefaultCreditTiers); Starter promises none.
var plans = []desk.Plan{
	{Code: "starter", Name: "Starter", SupportIncluded: false, MaxSeverity: desk.SeverityNormal, UpgradeTo: "business"},
	{
		Code: "business", Name: "Business", SupportIncluded: true,
		Channels:    []desk.Channel{desk.ChannelWeb, desk.ChannelEmail, desk.ChannelPhone},
		MaxSeverity: desk.SeverityHigh, UpgradeTo: "enterprise",
		UptimeCommitment: 99.9,
	},
	{
		// Critical needs an extended support contract on the subscription
		// as well (seeds 001 and 004, note 2 of the 21Vianet table).
		Code: "enterprise", Name: "Enterprise", SupportIncluded: true,
		Channels:    []desk.Channel{desk.ChannelWeb, desk.ChannelEmail, desk.ChannelPhone, desk.ChannelChat},
		MaxSeverity: desk.SeverityHigh, UptimeCommitment: 99.9,
	},
}

// Policies returns the SLA policies of the demo plans under an SLA scheme
// (see desk.SLASchemes). The empty scheme is the demo's own choice, from
// the older Office 365 table of seed 003 (Norwegian): Business gets the
// standard column ("Office 365 for virksomheter", desk.SchemeO365Standard)
// and Enterprise the elevated one ("Opphøyde støttealternativer",
// desk.SchemeO365Elevated), both round the clock:
//
//	A: 1 hour / 1 hour; B: 8 hours / 2 hours; C: none / 4 hours.
//
// Any other scheme applies to both plans. Starter includes no support and
// gets no policy.
func Policies(scheme string) ([]desk.SLAPolicy, error) {
	schemes := map[string]string{"business": desk.SchemeO365Standard, "enterprise": desk.SchemeO365Elevated}
	if scheme != "" {
		schemes = map[string]string{"business": scheme, "enterprise": scheme}
	}
	var out []desk.SLAPolicy
	for _, plan := range plans {
		if !plan.SupportIncluded {
			continue
		}
		ps, err := desk.SchemePolicies(schemes[plan.Code], plan.Code)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

var northwind = desk.Partner{
	Name:  "Northwind Partners",
	Email: "support@northwind-partners.example",
	Phone: "+49 30 5557 1200",
	URL:   "https://northwind-partners.example/support",
}

type org struct {
	key  string
	org  desk.Org
	subs []desk.Subscription // Partner set through viaPartner
	// viaPartner marks subscriptions bought through Northwind Partners.
	viaPartner bool
}

var orgs = []org{
	{
		key: "fabrikam",
		org: desk.Org{
			Name: "Fabrikam B.V.", TimeZone: "Europe/Amsterdam", Language: "nl",
			Phones: []string{"+31 20 794 1200", "+31 6 2145 8830"},
			Emails: []string{"it-beheer@fabrikam.example", "ada@fabrikam.example"},
		},
		subs: []desk.Subscription{
			{Product: "mail", Plan: "enterprise", ExtendedSupport: true, MonthlyFee: 680000, Currency: "EUR"},
			{Product: "calendar", Plan: "enterprise", ExtendedSupport: true, MonthlyFee: 170000, Currency: "EUR"},
			{Product: "drive", Plan: "enterprise", ExtendedSupport: true, MonthlyFee: 340000, Currency: "EUR"},
		},
	},
	{
		key: "contoso",
		org: desk.Org{
			Name: "Contoso GmbH", TimeZone: "Europe/Berlin", Language: "de",
			Phones: []string{"+49 30 901 8200"},
			Emails: []string{"it-admin@contoso.example"},
		},
		subs: []desk.Subscription{
			{Product: "mail", Plan: "business", MonthlyFee: 240000, Currency: "EUR"},
			{Product: "drive", Plan: "business", MonthlyFee: 96000, Currency: "EUR"},
		},
		viaPartner: true,
	},
	{
		key: "tailspin",
		org: desk.Org{
			Name: "Tailspin Toys AB", TimeZone: "Europe/Stockholm", Language: "sv",
			Phones: []string{"+46 8 555 012 40"},
			Emails: []string{"it@tailspin.example"},
		},
		subs: []desk.Subscription{{Product: "mail", Plan: "starter", MonthlyFee: 4000, Currency: "SEK"}},
	},
}

func orgByKey(key string) *desk.Org {
	for i := range orgs {
		if orgs[i].key == key {
			return &orgs[i].org
		}
	}
	panic("demo: no org " + key)
}

type person struct {
	email, name string
	org         string // key into orgs; empty for vendor staff
	role        desk.Role
	languages   []string
	language    string
	tz          string
	note        string
}

// people are written in this order, the marker last.
var people = []person{
	{email: "ada@fabrikam.example", name: "Ada de Wit", org: "fabrikam", role: desk.RoleSuperAdmin, language: "nl", tz: "Europe/Amsterdam",
		note: "super admin; Enterprise with extended support, so critical cases are allowed"},
	{email: "daan@fabrikam.example", name: "Daan Visser", org: "fabrikam", role: desk.RoleSupportAdmin, language: "nl", tz: "Europe/Amsterdam",
		note: "support admin; opened most Fabrikam cases"},
	{email: "ingrid@fabrikam.example", name: "Ingrid Haugen", org: "fabrikam", role: desk.RoleSupportAdmin, language: "nb", tz: "Europe/Oslo",
		note: "support admin at the Oslo office; writes in Norwegian"},
	{email: "carl@contoso.example", name: "Carl Becker", org: "contoso", role: desk.RoleSupportAdmin, language: "de", tz: "Europe/Berlin",
		note: "support admin; Business plan bought through Northwind Partners"},
	{email: "sven@contoso.example", name: "Sven Lindberg", org: "contoso", role: desk.RoleSupportAdmin, language: "sv", tz: "Europe/Stockholm",
		note: "support admin at the Stockholm branch; writes in Swedish"},
	{email: "bill@contoso.example", name: "Bill Hoffmann", org: "contoso", role: desk.RoleBillingAdmin, language: "de", tz: "Europe/Berlin",
		note: "billing admin without the Support privilege: cannot open cases"},
	{email: "uma@contoso.example", name: "Uma Schulz", org: "contoso", role: desk.RoleUser, language: "de", tz: "Europe/Berlin",
		note: "ordinary user: is sent to an admin or the community"},
	{email: "tess@tailspin.example", name: "Tess Lindqvist", org: "tailspin", role: desk.RoleSuperAdmin, language: "sv", tz: "Europe/Stockholm",
		note: "super admin; Starter plan: help resources and an upgrade path only"},
	{email: "agent.nl@vendor.example", name: "Noor Bakker", role: desk.RoleAgent, languages: []string{"nl", "en"}, language: "nl", tz: "Europe/Amsterdam",
		note: "agent for Dutch and English"},
	{email: "agent.de@vendor.example", name: "Jonas Weber", role: desk.RoleAgent, languages: []string{"de", "en"}, language: "de", tz: "Europe/Berlin",
		note: "agent for German and English"},
	{email: "sam@vendor.example", name: "Sam Nilsen", role: desk.RoleSupervisor, languages: []string{"en", "nb", "sv"}, language: "en", tz: "Europe/Oslo",
		note: "supervisor; imported the historical cases; handles Norwegian and Swedish"},
	{email: "stan@vendor.example", name: "Stan Jacobs", role: desk.RoleStatusManager, languages: []string{"en"}, language: "en", tz: "Europe/London",
		note: "status manager: publishes incidents"},
	{email: "root@vendor.example", name: "Robin Root", role: desk.RoleSystemAdmin, languages: []string{"en"}, language: "en", tz: "UTC",
		note: "system admin"},
}

// Seed writes the demo data into svc's store unless it is there already,
// with the demo's own SLA policies; see SeedScheme.
func Seed(ctx context.Context, svc *desk.Service) error {
	return SeedScheme(ctx, svc, "")
}

// SeedScheme writes the demo data into svc's store unless it is there
// already, with the SLA policies of scheme (see Policies). It expects an
// otherwise empty store: the demo organisations and users are created, not
// merged. The calendars the desk ships with are stored too, where missing
// (desk.Service.SeedCalendars).
func SeedScheme(ctx context.Context, svc *desk.Service, scheme string) error {
	policies, err := Policies(scheme)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if _, err := svc.SeedCalendars(ctx); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	switch _, err := svc.Store.UserByEmail(ctx, marker); desk.ErrorKind(err) {
	case "":
		return nil
	case desk.ENOTFOUND:
	default:
		return fmt.Errorf("demo: %w", err)
	}
	if _, err := svc.Store.UserByEmail(ctx, first); err == nil {
		return fmt.Errorf("demo: an earlier seed stopped halfway (%s exists, %s does not); start from an empty database", first, marker)
	} else if desk.ErrorKind(err) != desk.ENOTFOUND {
		return fmt.Errorf("demo: %w", err)
	}
	// Hashing once is deliberate: Argon2 takes a noticeable time per call
	// and every demo user has the same password.
	hash, err := passwd.Hash(Password)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	now := svc.Clock.Now()
	st := svc.Store

	for _, p := range products {
		if err := st.PutProduct(ctx, &p); err != nil {
			return fmt.Errorf("demo: product %s: %w", p.Code, err)
		}
	}
	for _, p := range plans {
		if err := st.PutPlan(ctx, &p); err != nil {
			return fmt.Errorf("demo: plan %s: %w", p.Code, err)
		}
	}
	for _, p := range policies {
		if err := st.PutSLAPolicy(ctx, &p); err != nil {
			return fmt.Errorf("demo: SLA policy %s/%s: %w", p.Plan, p.Severity, err)
		}
	}
	partner := northwind
	if err := st.CreatePartner(ctx, &partner); err != nil {
		return fmt.Errorf("demo: partner: %w", err)
	}

	orgIDs := map[string]int64{}
	for i, o := range orgs {
		org := o.org
		// Customers of some standing: onboarded a year or more ago.
		org.CreatedAt = now.Add(-time.Duration(400+60*i) * 24 * time.Hour)
		if err := st.CreateOrg(ctx, &org); err != nil {
			return fmt.Errorf("demo: org %s: %w", o.org.Name, err)
		}
		orgIDs[o.key] = org.ID
		for _, sub := range o.subs {
			sub.OrgID = org.ID
			if o.viaPartner {
				sub.Partner = &partner
			}
			if err := st.PutSubscription(ctx, &sub); err != nil {
				return fmt.Errorf("demo: subscription %s/%s: %w", o.org.Name, sub.Product, err)
			}
		}
	}

	users := map[string]*desk.User{}
	create := func(p person) error {
		u := &desk.User{
			OrgID: orgIDs[p.org], Email: p.email, Name: p.name, Role: p.role,
			Languages: p.languages, Language: p.language,
			TimeZone: p.tz, PasswordHash: hash, CreatedAt: now.Add(-300 * 24 * time.Hour),
		}
		if err := st.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("demo: user %s: %w", p.email, err)
		}
		users[p.email] = u
		return nil
	}
	// Staff first, so that finding the first of them without the marker
	// means an interrupted seed.
	var last person
	for _, staff := range []bool{true, false} {
		for _, p := range people {
			switch {
			case p.role.IsStaff() != staff:
			case p.email == marker:
				last = p
			default:
				if err := create(p); err != nil {
					return err
				}
			}
		}
	}
	if err := writeCases(ctx, svc, now, users); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := writeHealth(ctx, svc, now, users, orgIDs); err != nil {
		return fmt.Errorf("demo: service health: %w", err)
	}
	if err := writeArticles(ctx, svc, now, users["sam@vendor.example"]); err != nil {
		return fmt.Errorf("demo: knowledge base: %w", err)
	}
	return create(last)
}
