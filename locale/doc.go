// Package locale holds the translation catalogue of the web UI and formats
// numbers, dates and times the way readers of each supported language expect.
//
// The interface exists in English, Dutch, German, Swedish and Norwegian
// Bokmål (see Languages). Messages live in embedded JSON files named
// messages/<area>.<lang>.json, one per area of the UI and language, so that
// the teams owning the portal and the agent console each keep their own
// strings while one loader merges them. The files are checked when the
// package initialises: a file for an unsupported language, a key defined
// twice for one language or malformed JSON stops the program at start-up
// rather than showing a broken page later. That every key exists in every
// language, with the same placeholders, is checked by the package tests.
//
// A message is a string with named placeholders such as "Case {id} was
// opened", or an object {"one": ..., "other": ...} whose form is chosen by
// the argument named "count". All five languages pluralise the same way: a
// count of exactly one takes "one", every other count takes "other".
//
// A Locale pairs a language with the reader's time zone:
//
//	l := locale.For(locale.Match(r.Header.Get("Accept-Language"), user.Lang), user.Zone)
//	l.T("form.results", "count", 12)  // "12 resultaten"
//	l.DateTime(c.OpenedAt)           // "di 3 mrt 2026 15:05 CET"
//
// The package uses only the standard library: the few CLDR tables it needs
// (separators, weekday and month names, date patterns) are written out here.
package locale
