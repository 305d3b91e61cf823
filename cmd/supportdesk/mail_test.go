package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is an SMTP server that keeps what it receives.
type sink struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *sink }

func (x *sinkSession) Reset()                               {}
func (x *sinkSession) Logout() error                        { return nil }
func (x *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, b)
	x.s.mu.Unlock()
	return err
}

// waitFor returns the first received message that match accepts.
func (s *sink) waitFor(t *testing.T, match func(*mail.Message) bool) *mail.Message {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		msgs := append([][]byte(nil), s.msgs...)
		s.mu.Unlock()
		for _, b := range msgs {
			m, err := mail.ReadMessage(bytes.NewReader(b))
			if err == nil && match(m) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the expected mail did not arrive")
	return nil
}

// TestMailRoundTrip runs the e-mail channel end to end over real SMTP on
// loopback: a case opened through the API is announced by mail through
// the configured server, and the admin's reply to it, sent to the
// service's listener, lands on the case's timeline without the quoted
// history.
func TestMailRoundTrip(t *testing.T) {
	sk := &sink{}
	srv := smtp.NewServer(sk)
	srv.Domain, srv.AllowInsecureAuth = "mx.test", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", dir, true
	cfg.Mail.SMTP = "smtp://" + ln.Addr().String() + "?security=none"
	cfg.Mail.Listen = "127.0.0.1:0"
	a := &App{Config: cfg, Logger: discardLogger()}
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	go a.Serve()
	a.StartJobs()
	defer a.Close()

	tok, err := newToken(context.Background(), a.Store, "carl@contoso.example")
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, base: a.URL(), token: tok}
	resp, body := c.do("POST", "/api/v1/cases", map[string]any{"product": "mail", "title": "Mail to Gmail bounces",
		"description": "Since 9:00 every message to gmail.com bounces.", "severity": "normal"})
	if resp.StatusCode != 201 {
		t.Fatalf("open case: %d %s", resp.StatusCode, body)
	}
	var cs struct{ ID int64 }
	json.Unmarshal(body, &cs)
	tag := fmt.Sprintf("#%d]", cs.ID)

	// Carl reads German: the announcement is in German, to him, with the
	// case's signed reply address and thread headers.
	m := sk.waitFor(t, func(m *mail.Message) bool {
		return strings.Contains(m.Header.Get("To"), "carl@contoso.example") && strings.Contains(decode(m.Header.Get("Subject")), tag)
	})
	subject := decode(m.Header.Get("Subject"))
	if !strings.Contains(subject, "Anfrage") {
		t.Errorf("subject %q is not German", subject)
	}
	replyTo, err := mail.ParseAddress(m.Header.Get("Reply-To"))
	if err != nil || !strings.HasPrefix(replyTo.Address, fmt.Sprintf("support+c%d.", cs.ID)) {
		t.Fatalf("Reply-To %q", m.Header.Get("Reply-To"))
	}
	if m.Header.Get("Auto-Submitted") != "auto-generated" || m.Header.Get("Message-Id") == "" ||
		m.Header.Get("In-Reply-To") != fmt.Sprintf("<case-%d@desk.example>", cs.ID) {
		t.Fatalf("headers %v", m.Header)
	}

	// Carl answers from his mail client.
	cl, err := smtp.Dial(a.mail.smtp.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	reply := "From: Carl Becker <carl@contoso.example>\r\nTo: " + replyTo.Address + "\r\nSubject: Re: " + m.Header.Get("Subject") +
		"\r\nMessage-ID: <reply-1@contoso.example>\r\nIn-Reply-To: " + m.Header.Get("Message-Id") +
		"\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Es betrifft nur Nachrichten mit Anhang.\r\n\r\nAm 02.03.2026 um 09:30 schrieb Supportdesk:\r\n> Wir antworten bis 10:00.\r\n"
	if err := cl.SendMail("carl@contoso.example", []string{replyTo.Address}, strings.NewReader(reply)); err != nil {
		t.Fatal(err)
	}
	resp, body = c.do("GET", fmt.Sprintf("/api/v1/cases/%d/messages", cs.ID), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("timeline: %d %s", resp.StatusCode, body)
	}
	var tl struct {
		Items []struct {
			Kind, Body, Channel string
			FullBody            string `json:"full_body"`
		}
	}
	json.Unmarshal(body, &tl)
	found := false
	for _, e := range tl.Items {
		if e.Channel == "email" && e.Kind == "public" {
			found = true
			if e.Body != "Es betrifft nur Nachrichten mit Anhang." || !strings.Contains(e.FullBody, "> Wir antworten") {
				t.Fatalf("reply entry = %+v", e)
			}
		}
	}
	if !found {
		t.Fatalf("the reply is not on the timeline: %s", body)
	}
}

func decode(s string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}
