package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"desk"
	"desk/bizhours"
)

// PutCalendar creates or replaces a calendar, stored as its JSON.
func (db *DB) PutCalendar(ctx context.Context, c *bizhours.Calendar, updatedAt time.Time) error {
	def, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode calendar %s: %w", c.Name, err)
	}
	return db.exec(ctx, "put-calendar", c.Name, string(def), us(updatedAt))
}

// Calendar returns a calendar by name.
func (db *DB) Calendar(ctx context.Context, name string) (*bizhours.Calendar, error) {
	var c *bizhours.Calendar
	err := db.one(ctx, "calendar", func(s scanner) error {
		var def string
		if err := s.Scan(&def); err != nil {
			return err
		}
		var err error
		c, err = decodeCalendar(def)
		return err
	}, db.q.Get("get-calendar"), name)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Calendars lists every calendar by name.
func (db *DB) Calendars(ctx context.Context) ([]*bizhours.Calendar, error) {
	return many(ctx, db, func(s scanner) (*bizhours.Calendar, error) {
		var def string
		if err := s.Scan(&def); err != nil {
			return nil, err
		}
		return decodeCalendar(def)
	}, db.q.Get("list-calendars"))
}

// decodeCalendar reads a stored calendar. A definition that no longer
// decodes (a time zone dropped from the zone database) is an internal
// error: the calendar was valid when it was stored.
func decodeCalendar(def string) (*bizhours.Calendar, error) {
	c := &bizhours.Calendar{}
	if err := json.Unmarshal([]byte(def), c); err != nil {
		return nil, fmt.Errorf("decode stored calendar: %w", err)
	}
	return c, nil
}

var _ desk.CalendarStore = (*DB)(nil)
