// Package mail parses received e-mail into desk.InMail: the sender and
// recipients, the threading headers, the text of the message with and
// without quoted history, its attachments, and whether a machine rather than
// a person wrote it (bounces, auto-replies, mailing lists, our own mail come
// back).
//
// Received mail is hostile input. Parse bounds the work one message may
// cost (size, number of MIME parts, nesting depth, header size, time) and
// reports a message over a bound, or one too broken to read, as a
// *desk.Error with a stable code that the caller stores as the reason the
// mail was quarantined. Within those bounds it is lenient: broken base64,
// quoted-printable or an unknown charset keep what can be decoded rather than
// refusing the whole message.
//
// MIME structure, RFC 2047 words and charsets are read by
// github.com/emersion/go-message and the standard library; HTML is
// tokenized by golang.org/x/net/html. This package decides what is the body,
// what is an attachment and what is quoted history.
package mail
