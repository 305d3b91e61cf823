// Package bizhours does business-hours arithmetic: when a target of open
// time, counted from an instant, runs out on a weekly schedule with
// holidays in a time zone, and how much open time lies between two
// instants.
//
// Support contracts promise answers "within 8 hours" or "within 1
// business day" of a schedule such as Monday to Friday 09:00–17:00 in
// Amsterdam, or every day 09:00–24:00 in Beijing. A due time that is off
// by an hour around a daylight-saving change, or that ignores Christmas,
// turns into a false breach or a missed one, so the arithmetic lives here,
// apart from storage and clocks, where it can be tested exactly. The
// package is pure: it keeps no state, reads no clock and stores nothing;
// callers pass the instants in.
//
// # Calendars
//
// A [Calendar] is a weekly schedule of open [Interval] values per weekday,
// in minutes from local midnight (an interval may end at 24:00), in an
// IANA time zone, plus dated [Holiday] values (single days or ranges) on
// which it is closed all day. [Calendar.Validate] refuses malformed ones
// with an [*Error] naming the field. [Seeded] and [Named] give the
// calendars the desk ships with; [CountryHolidays] imports national public
// holidays.
//
// # Open time
//
// An instant is open when its wall-clock time in the calendar's zone lies
// in one of the intervals of its local date's weekday, and that date is not
// a holiday. Everything else follows from this one rule, including the
// daylight-saving changes:
//
//   - On a spring-forward day the skipped wall-clock times never occur, so
//     the part of an interval inside the gap contributes no time: an
//     interval 02:00–03:00 on the day clocks jump from 02:00 to 03:00 is
//     empty, and 01:00–04:00 that day holds two hours.
//   - On a fall-back day the repeated wall-clock times occur twice, so an
//     interval covering them counts the real elapsed time: 02:00–03:00 on
//     the day clocks fall back from 03:00 to 02:00 holds two hours.
//
// Intervals that do not touch a change (a desk open 09:00–17:00 while
// clocks change at 02:00 or 03:00) keep their length; only the UTC offset
// of the answer differs.
//
// The arithmetic walks local dates forwards and so assumes that the local
// date never goes back, which holds for every change in use since 2011.
// (Newfoundland used to fall back from 00:01 to 23:01; counting that
// starts in the minute after such a midnight misses the repeated minute
// before it.)
//
// # Targets
//
// A [Target] is either an amount of open time ([Calendar.Add]) or a number
// of business days ([Calendar.AddBusinessDays]). "1 business day" means the
// same clock time on the next business day, the way a support desk reads
// it: a case opened Friday at 16:30 on a Monday-to-Friday 09:00–17:00
// calendar is due Monday at 16:30. A case opened while the desk is closed
// first waits for the next open instant: opened Friday at 20:00, it starts
// counting Monday at 09:00 and is due Tuesday at 09:00. See
// [Calendar.AddBusinessDays] for the details.
//
// All arithmetic steps through whole intervals and days, never minute by
// minute, so a due time costs a few hundred nanoseconds.
package bizhours
