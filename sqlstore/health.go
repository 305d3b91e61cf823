package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"desk"
)

var _ desk.HealthStore = (*DB)(nil)

// PutComponent stores or replaces a component.
func (db *DB) PutComponent(ctx context.Context, c *desk.Component) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, db.q.Get("put-component"), c.Code, c.Name, c.Parent, c.Product, c.Position)
		return err
	})
}

// Components lists components by position.
func (db *DB) Components(ctx context.Context) ([]*desk.Component, error) {
	return many(ctx, db, func(s scanner) (*desk.Component, error) {
		c := &desk.Component{}
		return c, s.Scan(&c.Code, &c.Name, &c.Parent, &c.Product, &c.Position)
	}, db.q.Get("list-components"))
}

// incidentJSON encodes the JSON columns of an incident.
func incidentJSON(inc *desk.Incident) (affected, regions, orgs, posts string, err error) {
	enc := func(v any) string {
		if err != nil {
			return ""
		}
		var b []byte
		b, err = json.Marshal(v)
		return string(b)
	}
	if inc.Regions == nil {
		inc.Regions = []string{}
	}
	if inc.OrgIDs == nil {
		inc.OrgIDs = []int64{}
	}
	affected, regions, orgs, posts = enc(inc.Affected), enc(inc.Regions), enc(inc.OrgIDs), enc(inc.Posts)
	return
}

// CreateIncident stores a new incident with its webhook deliveries.
func (db *DB) CreateIncident(ctx context.Context, inc *desk.Incident, audit *desk.AuditEntry, deliver desk.DeliveryFunc) error {
	affected, regions, orgs, posts, err := incidentJSON(inc)
	if err != nil {
		return fmt.Errorf("encode incident: %w", err)
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.QueryRowContext(ctx, db.q.Get("insert-incident"), string(inc.Kind), inc.Title, string(inc.Impact),
			string(inc.Status), affected, regions, inc.Public, orgs, us(inc.StartedAt), nus(inc.EndedAt),
			nus(inc.ScheduledEnd), nus(inc.NextUpdateAt), posts, inc.Report, nus(inc.ReportPublishedAt),
			nid(inc.CreatedBy), us(inc.CreatedAt), us(inc.UpdatedAt), inc.Version).Scan(&inc.ID); err != nil {
			return fmt.Errorf("insert incident: %w", err)
		}
		if err := db.insertIncidentDeliveries(ctx, tx, inc, deliver); err != nil {
			return err
		}
		if err := db.insertStatusNotice(ctx, tx, inc); err != nil {
			return err
		}
		if audit != nil {
			audit.ObjectID = fmt.Sprint(inc.ID)
			return db.insertAudit(ctx, tx, audit)
		}
		return nil
	})
}

// UpdateIncident stores an incident's new state, compare-and-set on its
// version, with its webhook deliveries.
func (db *DB) UpdateIncident(ctx context.Context, inc *desk.Incident, prevVersion int, audit *desk.AuditEntry, deliver desk.DeliveryFunc) error {
	affected, regions, orgs, posts, err := incidentJSON(inc)
	if err != nil {
		return fmt.Errorf("encode incident: %w", err)
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("update-incident"), inc.ID, prevVersion, string(inc.Kind), inc.Title,
			string(inc.Impact), string(inc.Status), affected, regions, inc.Public, orgs, us(inc.StartedAt),
			nus(inc.EndedAt), nus(inc.ScheduledEnd), nus(inc.NextUpdateAt), posts, inc.Report,
			nus(inc.ReportPublishedAt), us(inc.UpdatedAt), inc.Version)
		if err != nil {
			return fmt.Errorf("update incident: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "incident_changed", Message: "the incident was changed by someone else; try again"}
		}
		if err := db.insertIncidentDeliveries(ctx, tx, inc, deliver); err != nil {
			return err
		}
		if err := db.insertStatusNotice(ctx, tx, inc); err != nil {
			return err
		}
		if audit != nil {
			return db.insertAudit(ctx, tx, audit)
		}
		return nil
	})
}

func scanIncident(s scanner) (*desk.Incident, error) {
	inc := &desk.Incident{}
	var kind, impact, status, affected, regions, orgs, posts string
	var started, created, updated int64
	var ended, schedEnd, next, reportAt, by sql.NullInt64
	err := s.Scan(&inc.ID, &kind, &inc.Title, &impact, &status, &affected, &regions, &inc.Public, &orgs,
		&started, &ended, &schedEnd, &next, &posts, &inc.Report, &reportAt, &by, &created, &updated, &inc.Version)
	if err != nil {
		return nil, err
	}
	inc.Kind, inc.Impact, inc.Status = desk.IncidentKind(kind), desk.Impact(impact), desk.IncidentStatus(status)
	inc.StartedAt, inc.CreatedAt, inc.UpdatedAt = fromUS(started), fromUS(created), fromUS(updated)
	inc.EndedAt, inc.ScheduledEnd, inc.NextUpdateAt, inc.ReportPublishedAt = fromNUS(ended), fromNUS(schedEnd), fromNUS(next), fromNUS(reportAt)
	inc.CreatedBy = by.Int64
	for _, f := range []struct {
		s string
		v any
	}{{affected, &inc.Affected}, {regions, &inc.Regions}, {orgs, &inc.OrgIDs}, {posts, &inc.Posts}} {
		if err := json.Unmarshal([]byte(f.s), f.v); err != nil {
			return nil, fmt.Errorf("decode incident %d: %w", inc.ID, err)
		}
	}
	return inc, nil
}

// Incident returns one incident.
func (db *DB) Incident(ctx context.Context, id int64) (*desk.Incident, error) {
	var inc *desk.Incident
	err := db.one(ctx, "incident", func(s scanner) (err error) { inc, err = scanIncident(s); return err }, db.q.Get("get-incident"), id)
	return inc, err
}

// Incidents returns the incidents going on or ended since a time.
func (db *DB) Incidents(ctx context.Context, since time.Time) ([]*desk.Incident, error) {
	return many(ctx, db, scanIncident, db.q.Get("list-incidents"), us(since))
}
