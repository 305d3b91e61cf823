// Package ui serves the web pages people use: the admin support portal of
// customer organisations, the agent console of the vendor's staff, and the
// public help centre (the knowledge base), which anyone reads without
// signing in.
//
// Pages are rendered on the server with html/template from embedded
// files; the little JavaScript there is (drag-and-drop uploads, progress)
// is embedded too and only improves pages that work without it. Every
// visible string comes from the locale catalogue in the reader's language,
// and every time is shown in the reader's time zone.
//
// Sign-in uses server-side sessions: the browser holds a random token in
// an HttpOnly, SameSite cookie (__Host- prefixed and Secure when served
// over TLS) and the store holds only its hash. Cross-origin form posts are
// refused by http.CrossOriginProtection, and a strict Content-Security-
// Policy without 'unsafe-inline' goes with every page.
package ui
