// Package web serves the REST API of Supportdesk under /api/v1, together
// with the health and readiness probes.
//
// The API is a thin edge around desk.Service: handlers authenticate the
// caller by bearer token, decode a strictly checked JSON body, call one
// Service method and encode its result. Every rule about who may do what
// lives in the domain; this package only maps the domain's errors to HTTP
// (see errors.go) and applies the limits and headers every HTTP response
// needs.
//
// All routes are listed in one table (routes.go), which the embedded OpenAPI
// document (openapi.json, served at /api/v1/openapi.json) must match exactly;
// a test enforces that.
//
// Errors are application/problem+json documents (RFC 9457) carrying the
// domain error's stable code. Lists are {"items": [...]} and, where they are
// paged, carry an opaque "next_cursor".
package web
