// Package demo fills an empty store with a small, fixed installation: a
// plan catalogue derived from the seed help pages, three customer
// organisations, a reseller, vendor staff, and cases in every state and in
// all five support languages, so that a fresh `supportdesk -demo` shows
// something real in every view.
//
// The data is fixed because documentation and tests refer to it: the
// logins returned by Logins, their roles, and the plans of each
// organisation do not change between runs. Cases are written through the
// Service, not the store, so that they obey the same rules (entitlement,
// SLA due times, state machine, audit) as cases opened by people; their
// history is spread over the past weeks by running the Service on a clock
// that the script moves, and the oldest cases come in through the import,
// as sam the supervisor, with their original timestamps.
package demo
