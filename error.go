package desk

import (
	"errors"
	"fmt"
)

// Error kinds. A kind says what went wrong in terms a transport can map to
// its own vocabulary (web/ maps them to HTTP statuses); the more specific,
// stable machine code of an Error says why.
const (
	EINVALID      = "invalid"      // malformed input: bad syntax, unknown field, invalid enum value
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EFORBIDDEN    = "forbidden"    // refused by role or privilege
	ENOTFOUND     = "not_found"    // absent, or outside the caller's organisation
	ECONFLICT     = "conflict"     // state changed underneath, or a duplicate
	ETOOLARGE     = "too_large"    // a body or file over its limit
	EREFUSED      = "refused"      // refused by an entitlement or validation rule
	EINTERNAL     = "internal"     // a bug or an unavailable dependency
)

// Error is the error type of the domain. Message is safe to show to the
// caller; nothing else in an error chain is.
type Error struct {
	// Kind is one of the E* constants.
	Kind string
	// Code is a stable, specific machine code such as "severity_not_allowed".
	Code string
	// Message is a human-readable explanation for the caller.
	Message string
	// Field names the input field at fault, if any.
	Field string
	// UpgradePath names what the caller can do about a refusal, such as the
	// plan that would allow it.
	UpgradePath string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s): %s [%s]", e.Kind, e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s (%s): %s", e.Kind, e.Code, e.Message)
}

// Errorf returns an *Error of the given kind and code.
func Errorf(kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an *Error about one input field.
func FieldError(kind, code, field, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorKind(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return EINTERNAL
}

// ErrorCode returns the code of the first *Error in err's chain, "internal"
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// NotFound returns the ENOTFOUND error for an object of the given type. The
// same error is returned for an object that never existed and for one that
// belongs to another organisation, so that ids reveal nothing.
func NotFound(what string) *Error {
	return &Error{Kind: ENOTFOUND, Code: what + "_not_found", Message: what + " not found"}
}
