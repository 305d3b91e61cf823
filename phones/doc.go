// Package phones is the directory of the vendor's support phone lines: one
// line per country or region, with its number, the services it answers
// (technical support, billing, pre-sales), the languages and weekly hours
// of each service, and whether it answers at a given instant.
//
// The data comes from the seed help pages the product is built from, not
// from a database: seed 001 (Dutch) and seed 004 (German), the vendor's
// "contact support for business products" pages. They give numbers for the
// United States, Australia, Canada and the United Kingdom; a table for
// Germany and for the rest of the European Economic Area, both reached on
// German numbers; and the number of the 21Vianet desk for China. Numbers
// are never made up here: a country the seeds name without a number (seed
// 004's country picker, see Countries) has no line, and ForCountry returns
// nothing for it unless a regional line, such as the one for the rest of
// the European Economic Area, serves it.
//
// Where the seeds give hours without a time zone or without exact times,
// the choice made is written next to the data in lines.go, so that it can
// be corrected when the vendor confirms it.
//
// Whether a line is open is a property of an instant, not of the caller:
// a Berlin desk open 09:00–17:00 is open or closed at the same moment for
// a caller in New York and one in Shanghai. Callers show the hours in the
// caller's zone by converting the calendar's intervals, and ask Open or
// OpenFor with time.Now().
package phones
