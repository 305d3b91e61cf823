// Package inbox receives e-mail for the desk: an SMTP listener (and an
// IMAP poller, for a mailbox elsewhere) hand each message to an Inbox,
// which stores it raw before anything else happens, parses it and lets the
// desk's rules decide what it is. A message is acknowledged only once it is
// stored, so a crash loses nothing: Recover processes what was stored but
// not yet processed.
package inbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"

	"desk"
)

// Inbox stores, parses and processes received mail.
type Inbox struct {
	Service *desk.Service
	// Parse turns a raw message into an InMail; package mail provides it.
	// Its error, a *desk.Error, is the reason the message is quarantined.
	Parse  func(raw []byte) (*desk.InMail, error)
	Logger *slog.Logger
}

func (ib *Inbox) logger() *slog.Logger {
	if ib.Logger != nil {
		return ib.Logger
	}
	return slog.Default()
}

// Deliver takes one received message. rcpts are the envelope recipients
// (RCPT TO), which name the reply address even when the headers do not
// (Bcc, forwarding). When Deliver returns nil the message is stored and
// may be acknowledged; an error means it is not, and the sender should
// try again later.
func (ib *Inbox) Deliver(ctx context.Context, raw []byte, rcpts []string) (*desk.InMail, error) {
	in, perr := ib.Parse(raw)
	if perr != nil {
		// Unreadable or over a limit: keep it for staff, with the reason.
		in = &desk.InMail{MessageID: sniffMessageID(raw), Status: desk.InQuarantined, Reason: desk.ErrorCode(perr)}
	} else {
		in.Status = desk.InReceived
	}
	in.To = mergeAddresses(rcpts, in.To)
	in.Raw, in.Size = raw, int64(len(raw))
	in.ReceivedAt = ib.Service.Clock.Now()
	stored, dup, err := ib.Service.Store.SaveInMail(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	if dup {
		// The same Message-ID again (a retransmission, or the same mail by
		// SMTP and IMAP): it was stored once already, and whoever stored
		// it processes it.
		return stored, nil
	}
	if in.Status != desk.InReceived {
		ib.logger().Info("mail quarantined", "mail", in.ID, "reason", in.Reason, "size", in.Size)
		return in, nil
	}
	if err := ib.Service.ReceiveMail(ctx, in); err != nil {
		// Stored but not processed: Recover takes it up again, so the
		// message is still acknowledged.
		ib.logger().Error("process mail", "mail", in.ID, "err", err)
		return in, nil
	}
	ib.logger().Info("mail received", "mail", in.ID, "status", in.Status, "reason", in.Reason, "case", in.CaseID)
	return in, nil
}

// Recover processes the mail that was stored but not processed, as after
// a crash between the two, and returns how many it processed. A mail a
// concurrent process handles meanwhile is added once all the same.
func (ib *Inbox) Recover(ctx context.Context) (int, error) {
	n := 0
	for {
		list, err := ib.Service.Store.InMails(ctx, desk.InReceived, 100)
		if err != nil {
			return n, fmt.Errorf("recover mail: %w", err)
		}
		progress := false
		for _, head := range list {
			m, err := ib.Service.Store.InMail(ctx, head.ID)
			if err != nil {
				return n, fmt.Errorf("recover mail %d: %w", head.ID, err)
			}
			if m.Status != desk.InReceived {
				continue
			}
			in, perr := ib.Parse(m.Raw)
			if perr != nil {
				m.Status, m.Reason = desk.InQuarantined, desk.ErrorCode(perr)
				if err := ib.Service.Store.SetInMail(ctx, m); err != nil {
					return n, err
				}
				n, progress = n+1, true
				continue
			}
			in.ID, in.Raw, in.Size, in.RawSHA256 = m.ID, m.Raw, m.Size, m.RawSHA256
			in.MessageID, in.ReceivedAt, in.Status = m.MessageID, m.ReceivedAt, desk.InReceived
			// The stored recipients include the envelope's.
			in.To = mergeAddresses(m.To, in.To)
			if err := ib.Service.ReceiveMail(ctx, in); err != nil {
				return n, fmt.Errorf("recover mail %d: %w", m.ID, err)
			}
			n, progress = n+1, true
		}
		if len(list) < 100 || !progress {
			return n, nil
		}
	}
}

// mergeAddresses returns the addresses of a then b, lowercased, each once.
func mergeAddresses(a, b []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]string{a, b} {
		for _, s := range list {
			s = strings.ToLower(strings.Trim(strings.TrimSpace(s), "<>"))
			if s != "" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// sniffMessageID finds the Message-ID of a message the parser refused,
// so that a retransmission of it is still stored once; without one, the
// message's hash stands in.
func sniffMessageID(raw []byte) string {
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i+2]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		head = raw[:i+1]
	}
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	if m, err := mail.ReadMessage(bytes.NewReader(append(append([]byte(nil), head...), '\r', '\n'))); err == nil {
		if id := strings.TrimSpace(m.Header.Get("Message-Id")); strings.HasPrefix(id, "<") && strings.HasSuffix(id, ">") && len(id) < 500 {
			return id
		}
	}
	sum := sha256.Sum256(raw)
	return "<" + hex.EncodeToString(sum[:]) + "@no-message-id.invalid>"
}
