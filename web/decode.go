package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"desk"
)

// decodeJSON decodes the request body, a single JSON object of at most limit
// bytes sent as application/json, into v. Fields v does not know are refused,
// so that a client can never set a server-owned field by naming it.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	b, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	return unmarshalStrict(b, v)
}

// decodeEmpty accepts a request without a body, or with an empty JSON
// object, for actions that take no input.
func decodeEmpty(w http.ResponseWriter, r *http.Request, limit int64) error {
	b, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := requireJSON(r); err != nil {
		return err
	}
	return unmarshalStrict(b, &struct{}{})
}

func requireJSON(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &statusError{Status: http.StatusUnsupportedMediaType,
			Err: desk.Errorf(desk.EINVALID, "unsupported_media_type", "send the request body as application/json")}
	}
	return nil
}

func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, bodyTooLarge(limit)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, bodyTooLarge(limit)
	} else if err != nil {
		return nil, desk.Errorf(desk.EINVALID, "body_unreadable", "the request body could not be read")
	}
	return b, nil
}

func malformed(format string, args ...any) *desk.Error {
	return desk.Errorf(desk.EINVALID, "malformed_json", format, args...)
}

// unmarshalStrict decodes exactly one JSON object from b into v and turns
// the decoder's errors into errors a client can act on.
func unmarshalStrict(b []byte, v any) error {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) == 0 {
		return malformed("the request body is empty; send a JSON object")
	}
	if trimmed[0] != '{' {
		return malformed("the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return malformed("the request body must hold exactly one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tm     *time.ParseError
	)
	switch {
	case errors.As(err, &syntax):
		return malformed("malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return malformed("the request body must be a JSON object")
		}
		e := malformed("%s must be %s, not a JSON %s", typ.Field, describeType(typ.Type), typ.Value)
		e.Field = typ.Field
		return e
	case errors.As(err, &tm):
		return malformed("%q is not a time in RFC 3339 format, such as 2026-01-02T15:04:05Z", tm.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if n, err := strconv.Unquote(name); err == nil {
			name = n
		}
		return desk.FieldError(desk.EINVALID, "unknown_field", name, "unknown field %q", name)
	}
	return malformed("malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// describeType names a Go type in JSON terms.
func describeType(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return fmt.Sprintf("a %s", t.Kind())
}
