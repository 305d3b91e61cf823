package bizhours

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(c *Calendar)
		want   string // the error, "" for none
	}{
		{"seeded shape is valid", func(c *Calendar) {}, ""},
		{"two intervals a day", func(c *Calendar) { c.Week[1] = []Interval{{540, 720}, {780, 1020}} }, ""},
		{"touching intervals", func(c *Calendar) { c.Week[1] = []Interval{{540, 720}, {720, 1440}} }, ""},
		{"holiday range", func(c *Calendar) {
			c.Holidays = []Holiday{{Name: "Shutdown", From: Date{2026, 12, 24}, To: Date{2027, 1, 1}}}
		}, ""},
		{"missing name", func(c *Calendar) { c.Name = "" }, "name: missing"},
		{"missing zone", func(c *Calendar) { c.Location = nil }, "time_zone: missing"},
		{"machine zone", func(c *Calendar) { c.Location = time.Local }, `time_zone: "Local" differs per machine; name an IANA zone such as "Europe/Amsterdam"`},
		{"inverted", func(c *Calendar) { c.Week[1] = []Interval{{1020, 540}} }, "week[1][0]: interval 17:00–09:00 is inverted"},
		{"empty", func(c *Calendar) { c.Week[2] = []Interval{{540, 540}} }, "week[2][0]: interval 09:00–09:00 is empty"},
		{"past midnight", func(c *Calendar) { c.Week[5] = []Interval{{540, 1500}} }, "week[5][0]: interval 09:00–25:00 is outside 00:00–24:00"},
		{"negative", func(c *Calendar) { c.Week[5] = []Interval{{-60, 540}} }, "week[5][0]: interval -01:00–09:00 is outside 00:00–24:00"},
		{"overlapping", func(c *Calendar) { c.Week[3] = []Interval{{540, 780}, {720, 1020}} }, "week[3][1]: interval 12:00–17:00 overlaps week[3][0] 09:00–13:00"},
		{"out of order", func(c *Calendar) { c.Week[3] = []Interval{{780, 1020}, {540, 720}} }, "week[3][1]: interval 09:00–12:00 comes before week[3][0] 13:00–17:00; list intervals in order"},
		{"no open time", func(c *Calendar) { c.Week = [7][]Interval{} }, "week: no open time on any day"},
		{"holiday without name", func(c *Calendar) { c.Holidays = []Holiday{{From: Date{2026, 12, 25}}} }, "holidays[0].name: missing"},
		{"holiday without date", func(c *Calendar) { c.Holidays = []Holiday{{Name: "X"}} }, "holidays[0].from: missing"},
		{"holiday to before from", func(c *Calendar) {
			c.Holidays = []Holiday{{Name: "Xmas", From: Date{2026, 12, 25}}, {Name: "Shutdown", From: Date{2026, 12, 31}, To: Date{2026, 12, 24}}}
		}, "holidays[1].to: 2026-12-24 is before from 2026-12-31"},
		{"holiday before 1970", func(c *Calendar) { c.Holidays = []Holiday{{Name: "Old", From: Date{1969, 12, 25}}} }, "holidays[0].from: 1969-12-25 is outside the years 1970–2199"},
		{"holiday after 2199", func(c *Calendar) {
			c.Holidays = []Holiday{{Name: "Far", From: Date{2199, 12, 25}, To: Date{2200, 1, 1}}}
		}, "holidays[0].to: 2200-01-01 is outside the years 1970–2199"},
		{"holiday not a date", func(c *Calendar) { c.Holidays = []Holiday{{Name: "Feb", From: Date{2026, 2, 29}}} }, "holidays[0].from: 2026-02-29 is not a date"},
		{"24x7 with intervals", func(c *Calendar) { c.AlwaysOpen = true }, "week[1][0]: a 24x7 calendar has no intervals"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Weekdays("test", ams, 540, 1020)
			tc.change(c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate() = %v (%T), want *Error", err, err)
			}
			if err.Error() != tc.want {
				t.Fatalf("Validate() = %q, want %q", err, tc.want)
			}
		})
	}
	for _, c := range Seeded() {
		if err := c.Validate(); err != nil {
			t.Errorf("seeded %s: %v", c.Name, err)
		}
	}
	c := &Calendar{Name: "24x7", Location: time.UTC, AlwaysOpen: true, Holidays: []Holiday{{Name: "X", From: Date{2026, 1, 1}}}}
	if err := c.Validate(); err == nil || err.Error() != "holidays[0]: a 24x7 calendar has no holidays" {
		t.Errorf("24x7 with holidays: %v", err)
	}
}

func TestNew(t *testing.T) {
	var week [7][]Interval
	week[time.Monday] = []Interval{{540, 1020}}
	c, err := New("mondays", "Europe/Oslo", week, Holiday{Name: "Easter Monday", From: Date{2026, 4, 6}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "Europe/Oslo" || len(c.Holidays) != 1 {
		t.Fatalf("New = %+v", c)
	}
	for tz, want := range map[string]string{
		"":          "time_zone: missing",
		"Mars/Base": `time_zone: unknown time zone "Mars/Base"`,
		"Local":     `time_zone: "Local" differs per machine; name an IANA zone such as "Europe/Amsterdam"`,
	} {
		if _, err := New("x", tz, week); err == nil || err.Error() != want {
			t.Errorf("New(%q) = %v, want %q", tz, err, want)
		}
	}
	week[time.Monday] = []Interval{{1020, 540}}
	if _, err := New("x", "UTC", week); err == nil || err.Error() != "week[1][0]: interval 17:00–09:00 is inverted" {
		t.Errorf("New with inverted interval: %v", err)
	}
}

func TestCalendarJSON(t *testing.T) {
	c := named(t, "weekdays-nl", "").Copy()
	c.Week[time.Wednesday] = []Interval{{540, 720}, {780, 1440}}
	c.Holidays = append(c.Holidays, Holiday{Name: "Shutdown", From: Date{2027, 12, 27}, To: Date{2027, 12, 31}})
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Calendar
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Location.String() != "Europe/Amsterdam" || back.Name != c.Name || len(back.Holidays) != len(c.Holidays) ||
		back.Holidays[len(back.Holidays)-1] != c.Holidays[len(c.Holidays)-1] || back.Week[3][1] != (Interval{780, 1440}) {
		t.Fatalf("round trip lost data:\n%s\n%+v", b, back)
	}
	for _, frag := range []string{`"time_zone":"Europe/Amsterdam"`, `"09:00-17:00"`, `"13:00-24:00"`, `{"name":"Nieuwjaarsdag","from":"2026-01-01","to":"2026-01-01"}`} {
		if !json.Valid(b) || !strings.Contains(string(b), frag) {
			t.Errorf("JSON lacks %s:\n%s", frag, b)
		}
	}
	err = json.Unmarshal([]byte(`{"name":"x","time_zone":"Nowhere/Town","week":[]}`), &back)
	var e *Error
	if !errors.As(err, &e) || e.Field != "time_zone" {
		t.Errorf("unknown zone: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"name":"x","time_zone":"UTC","week":[[],["9-17"]]}`), &back); err == nil {
		t.Error("malformed interval accepted")
	}
}

func TestParseInterval(t *testing.T) {
	for in, want := range map[string]Interval{
		"09:00-17:00":    {540, 1020},
		"09:00–24:00":    {540, 1440},
		" 00:00 - 01:30": {0, 90},
	} {
		if got, err := ParseInterval(in); err != nil || got != want {
			t.Errorf("ParseInterval(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "9-17", "09:00", "09:00-24:01", "25:00-26:00", "09:60-10:00", "9:5-10:00"} {
		if _, err := ParseInterval(in); err == nil {
			t.Errorf("ParseInterval(%q) accepted", in)
		}
	}
}
