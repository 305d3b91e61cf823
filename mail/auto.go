package mail

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/emersion/go-message/textproto"

	"desk"
)

// auto tells whether a machine wrote the message, and for a bounce which
// recipients failed. Our own mail come back wins over everything, since
// answering it could start a loop; a bounce wins over the other kinds
// because its failed recipients must be recorded.
func (p *parser) auto(h header, root *node, m *desk.InMail) (desk.AutoKind, []string) {
	if h.has("X-Supportdesk-Mail") {
		return desk.AutoOwnMail, nil
	}
	local, _, _ := strings.Cut(m.From, "@")
	report := reportType(root)
	// MAILER-DAEMON is never a person; postmaster may be, so it counts only
	// with a delivery status attached.
	if report == "delivery-status" || local == "mailer-daemon" || (p.hasDSN && local == "postmaster") {
		return desk.AutoBounce, p.dsnFailed
	}
	if report == "disposition-notification" || isAutoReply(h, m.Subject) {
		return desk.AutoReply, nil
	}
	prec := strings.ToLower(strings.TrimSpace(h.get("Precedence")))
	if h.has("List-Id") || h.has("List-Unsubscribe") || prec == "bulk" || prec == "list" || prec == "junk" {
		return desk.AutoList, nil
	}
	return desk.AutoNone, nil
}

// reportType returns the report-type of the first multipart/report in the
// tree: bounces are mostly the whole message, but some gateways wrap them.
func reportType(n *node) string {
	if n.mediaType == "multipart/report" {
		return strings.ToLower(n.params["report-type"])
	}
	for _, c := range n.children {
		if t := reportType(c); t != "" {
			return t
		}
	}
	return ""
}

// autoSubjects start the subjects of auto-replies from the clients and
// languages the desk's customers use (en, nl, de, sv, no). Matching is on
// the lowercased subject.
var autoSubjects = []string{
	"automatic reply:", "auto reply:", "auto-reply:", "autoreply:", "out of office",
	"automatisch antwoord:", "automatische antwort:", "autosvar:", "automatisk svar:", "fraværende",
}

// isAutoReply reports an auto-reply by its headers (RFC 3834 and the
// de-facto ones) or its subject. X-Auto-Response-Suppress is not a sign:
// Outlook sets it on mail people write, to ask others not to auto-reply.
func isAutoReply(h header, subject string) bool {
	if v := strings.ToLower(strings.TrimSpace(h.get("Auto-Submitted"))); v != "" {
		tok, _, _ := strings.Cut(v, ";")
		if strings.TrimSpace(tok) != "no" {
			return true
		}
	}
	if h.has("X-Autoreply") || h.has("X-Autorespond") {
		return true
	}
	if strings.ToLower(strings.TrimSpace(h.get("Precedence"))) == "auto_reply" {
		return true
	}
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, prefix := range autoSubjects {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// maxDSNBlocks bounds the recipient blocks read from one delivery status,
// and maxFailed the failed recipients kept from all of them; a real bounce
// has a handful, and the bounds keep a hostile one from costing more.
const (
	maxDSNBlocks = 1000
	maxFailed    = 100
)

// failedRecipients reads a message/delivery-status body (RFC 3464): a block
// of per-message fields, then a block per recipient. It appends to out the
// Original-Recipient and Final-Recipient of the blocks whose Action is
// failed, or whose Status is permanent (5.x.x) when the Action is missing.
func failedRecipients(out []string, b []byte) []string {
	br := bufio.NewReader(bytes.NewReader(b))
	for range maxDSNBlocks {
		if len(out) >= maxFailed {
			break
		}
		th, _ := textproto.ReadHeader(br)
		h := convertHeader(th)
		action := strings.ToLower(strings.TrimSpace(h.get("Action")))
		status := strings.TrimSpace(h.get("Status"))
		if strings.HasPrefix(action, "failed") || (action == "" && strings.HasPrefix(status, "5") && h.has("Final-Recipient")) {
			for _, k := range []string{"Original-Recipient", "Final-Recipient"} {
				if a, ok := dsnAddress(h.get(k)); ok {
					out = appendUnique(out, a)
				}
			}
		}
		// A malformed line ends the block it is in; the reader has consumed
		// it, so reading goes on with the next line until the input ends.
		if atEOF(br) {
			break
		}
	}
	return out
}

func atEOF(br *bufio.Reader) bool {
	_, err := br.Peek(1)
	return err != nil
}

// dsnAddress reads a recipient field, "rfc822; user@example.com".
func dsnAddress(v string) (string, bool) {
	if _, a, ok := strings.Cut(v, ";"); ok {
		v = a
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	return cleanAddress(v)
}
