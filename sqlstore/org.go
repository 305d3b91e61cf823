package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"desk"
)

// CreateOrg stores a new organisation and sets its ID.
func (db *DB) CreateOrg(ctx context.Context, o *desk.Org) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.QueryRowContext(ctx, db.q.Get("create-org"), o.Name, o.TimeZone, o.Language,
			join(o.Phones), join(o.Emails), us(o.CreatedAt)).Scan(&o.ID)
	})
}

// Org returns an organisation.
func (db *DB) Org(ctx context.Context, id int64) (*desk.Org, error) {
	o := &desk.Org{}
	err := db.one(ctx, "org", func(s scanner) error {
		var phones, emails string
		var created int64
		if err := s.Scan(&o.ID, &o.Name, &o.TimeZone, &o.Language, &phones, &emails, &created); err != nil {
			return err
		}
		o.Phones, o.Emails, o.CreatedAt = split(phones), split(emails), fromUS(created)
		return nil
	}, db.q.Get("get-org"), id)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// CreatePartner stores a new partner and sets its ID.
func (db *DB) CreatePartner(ctx context.Context, p *desk.Partner) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.QueryRowContext(ctx, db.q.Get("create-partner"), p.Name, p.Email, p.Phone, p.URL).Scan(&p.ID)
	})
}

// PutProduct creates or updates a product.
func (db *DB) PutProduct(ctx context.Context, p *desk.Product) error {
	return db.exec(ctx, "put-product", p.Code, p.Name)
}

// Products lists every product.
func (db *DB) Products(ctx context.Context) ([]*desk.Product, error) {
	return many(ctx, db, func(s scanner) (*desk.Product, error) {
		p := &desk.Product{}
		return p, s.Scan(&p.Code, &p.Name)
	}, db.q.Get("list-products"))
}

// PutPlan creates or updates a plan.
func (db *DB) PutPlan(ctx context.Context, p *desk.Plan) error {
	ch := make([]string, len(p.Channels))
	for i, c := range p.Channels {
		ch[i] = string(c)
	}
	tiers := ""
	if len(p.CreditTiers) > 0 {
		b, err := json.Marshal(p.CreditTiers)
		if err != nil {
			return fmt.Errorf("put plan: %w", err)
		}
		tiers = string(b)
	}
	return db.exec(ctx, "put-plan", p.Code, p.Name, p.SupportIncluded, join(ch), string(p.MaxSeverity), p.UpgradeTo,
		p.UptimeCommitment, tiers)
}

// Plan returns a plan.
func (db *DB) Plan(ctx context.Context, code string) (*desk.Plan, error) {
	p := &desk.Plan{}
	err := db.one(ctx, "plan", func(s scanner) error {
		var channels, max, tiers string
		if err := s.Scan(&p.Code, &p.Name, &p.SupportIncluded, &channels, &max, &p.UpgradeTo, &p.UptimeCommitment, &tiers); err != nil {
			return err
		}
		if tiers != "" {
			if err := json.Unmarshal([]byte(tiers), &p.CreditTiers); err != nil {
				return fmt.Errorf("plan %s: credit tiers: %w", p.Code, err)
			}
		}
		for _, c := range split(channels) {
			p.Channels = append(p.Channels, desk.Channel(c))
		}
		p.MaxSeverity = desk.Severity(max)
		return nil
	}, db.q.Get("get-plan"), code)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PutSLAPolicy creates or updates the policy of a plan and severity.
func (db *DB) PutSLAPolicy(ctx context.Context, p *desk.SLAPolicy) error {
	return db.exec(ctx, "put-sla-policy", p.Plan, string(p.Severity), p.Calendar,
		p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes,
		p.FirstResponseBusinessDays, p.NextResponseBusinessDays, p.ResolutionBusinessDays,
		p.FirstResponseCalendar, p.NextResponseCalendar, p.ResolutionCalendar)
}

// scanSLAPolicy reads a row of get-sla-policy or list-sla-policies.
func scanSLAPolicy(s scanner) (*desk.SLAPolicy, error) {
	p := &desk.SLAPolicy{}
	var sv string
	err := s.Scan(&p.Plan, &sv, &p.Calendar,
		&p.FirstResponseMinutes, &p.NextResponseMinutes, &p.ResolutionMinutes,
		&p.FirstResponseBusinessDays, &p.NextResponseBusinessDays, &p.ResolutionBusinessDays,
		&p.FirstResponseCalendar, &p.NextResponseCalendar, &p.ResolutionCalendar)
	p.Severity = desk.Severity(sv)
	return p, err
}

// SLAPolicy returns the policy of a plan and severity.
func (db *DB) SLAPolicy(ctx context.Context, plan string, sev desk.Severity) (*desk.SLAPolicy, error) {
	var p *desk.SLAPolicy
	err := db.one(ctx, "sla_policy", func(s scanner) (err error) {
		p, err = scanSLAPolicy(s)
		return err
	}, db.q.Get("get-sla-policy"), plan, string(sev))
	if err != nil {
		return nil, err
	}
	return p, nil
}

// SLAPolicies lists every policy by plan and severity.
func (db *DB) SLAPolicies(ctx context.Context) ([]*desk.SLAPolicy, error) {
	return many(ctx, db, scanSLAPolicy, db.q.Get("list-sla-policies"))
}

// PutSubscription creates or updates an organisation's plan for a product.
func (db *DB) PutSubscription(ctx context.Context, s *desk.Subscription) error {
	var partner any
	if s.Partner != nil {
		partner = s.Partner.ID
	}
	return db.exec(ctx, "put-subscription", s.OrgID, s.Product, s.Plan, s.ExtendedSupport, partner, s.MonthlyFee, s.Currency)
}

// Subscriptions lists an organisation's subscriptions.
func (db *DB) Subscriptions(ctx context.Context, orgID int64) ([]*desk.Subscription, error) {
	return many(ctx, db, func(s scanner) (*desk.Subscription, error) {
		sub := &desk.Subscription{OrgID: orgID}
		var pid sql.NullInt64
		var name, email, phone, url sql.NullString
		if err := s.Scan(&sub.Product, &sub.Plan, &sub.ExtendedSupport, &sub.MonthlyFee, &sub.Currency, &pid, &name, &email, &phone, &url); err != nil {
			return nil, err
		}
		if pid.Valid {
			sub.Partner = &desk.Partner{ID: pid.Int64, Name: name.String, Email: email.String, Phone: phone.String, URL: url.String}
		}
		return sub, nil
	}, db.q.Get("list-subscriptions"), orgID)
}

// exec runs one named statement in a write transaction.
func (db *DB) exec(ctx context.Context, name string, args ...any) error {
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, db.q.Get(name), args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", strings.ReplaceAll(name, "-", " "), err)
	}
	return nil
}
