package bizhours

import "fmt"

// Error reports input the package refuses: a malformed calendar, target or
// holiday request. Field names the offending input the way a JSON document
// would spell its path ("week[1][0]", "holidays[3].to", "time_zone"), so
// that callers can map it onto their own validation errors; Message says
// what is wrong with it.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Field + ": " + e.Message }

// MinYear and MaxYear bound the years of holidays: dates outside them are
// almost certainly typing errors, and the bound keeps arithmetic on
// calendars with holidays from walking centuries.
const (
	MinYear = 1970
	MaxYear = 2199
)

// Validate checks that the calendar can be used: it has a name and a time
// zone; its intervals lie within 00:00–24:00, are not empty or inverted,
// and are in ascending order without overlapping on each day; it has some
// open time; and its holidays are named real dates in MinYear..MaxYear
// whose range does not end before it starts. A 24x7 calendar (AlwaysOpen)
// may have neither intervals nor holidays, since it would ignore them. The
// first problem found is returned as an *Error.
func (c *Calendar) Validate() error {
	if c.Name == "" {
		return &Error{Field: "name", Message: "missing"}
	}
	if c.Location == nil {
		return &Error{Field: "time_zone", Message: "missing"}
	}
	if c.Location.String() == "Local" {
		return &Error{Field: "time_zone", Message: `"Local" differs per machine; name an IANA zone such as "Europe/Amsterdam"`}
	}
	open := false
	for d, ivs := range c.Week {
		for i, iv := range ivs {
			field := fmt.Sprintf("week[%d][%d]", d, i)
			switch {
			case c.AlwaysOpen:
				return &Error{Field: field, Message: "a 24x7 calendar has no intervals"}
			case iv.Start < 0 || iv.End > 1440 || iv.Start > 1440 || iv.End < 0:
				return &Error{Field: field, Message: fmt.Sprintf("interval %v is outside 00:00–24:00", iv)}
			case iv.Start > iv.End:
				return &Error{Field: field, Message: fmt.Sprintf("interval %v is inverted", iv)}
			case iv.Start == iv.End:
				return &Error{Field: field, Message: fmt.Sprintf("interval %v is empty", iv)}
			}
			if i > 0 && iv.Start < ivs[i-1].End {
				prev := ivs[i-1]
				if iv.End > prev.Start {
					return &Error{Field: field, Message: fmt.Sprintf("interval %v overlaps week[%d][%d] %v", iv, d, i-1, prev)}
				}
				return &Error{Field: field, Message: fmt.Sprintf("interval %v comes before week[%d][%d] %v; list intervals in order", iv, d, i-1, prev)}
			}
			open = true
		}
	}
	if !open && !c.AlwaysOpen {
		return &Error{Field: "week", Message: "no open time on any day"}
	}
	for i, h := range c.Holidays {
		field := fmt.Sprintf("holidays[%d]", i)
		if c.AlwaysOpen {
			return &Error{Field: field, Message: "a 24x7 calendar has no holidays"}
		}
		if h.Name == "" {
			return &Error{Field: field + ".name", Message: "missing"}
		}
		if err := checkDate(field+".from", h.From); err != nil {
			return err
		}
		if h.To.IsZero() {
			continue
		}
		if err := checkDate(field+".to", h.To); err != nil {
			return err
		}
		if h.To.days() < h.From.days() {
			return &Error{Field: field + ".to", Message: fmt.Sprintf("%v is before from %v", h.To, h.From)}
		}
	}
	return nil
}

// checkDate refuses a missing date, one that does not exist, and one
// outside MinYear..MaxYear.
func checkDate(field string, d Date) error {
	switch {
	case d.IsZero():
		return &Error{Field: field, Message: "missing"}
	case d.Year < MinYear || d.Year > MaxYear:
		return &Error{Field: field, Message: fmt.Sprintf("%v is outside the years %d–%d", d, MinYear, MaxYear)}
	case !d.valid():
		return &Error{Field: field, Message: fmt.Sprintf("%v is not a date", d)}
	}
	return nil
}
