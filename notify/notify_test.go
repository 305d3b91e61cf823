package notify_test

import (
	"bytes"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo

	"github.com/emersion/go-message/mail"

	"desk"
	"desk/locale"
	"desk/notify"
)

var renderer = &notify.Renderer{
	From:    "Supportdesk <support@desk.example>",
	BaseURL: "https://desk.example/",
	Product: "Supportdesk",
}

// due is 14:05 UTC, which is 15:05 in Amsterdam and 09:05 in New York.
var due = time.Date(2026, 3, 3, 14, 5, 0, 0, time.UTC)

// sample returns a mail of kind with every field its text may use filled
// in with neutral values, so that checks on the fixed texts are not
// confused by the data.
func sample(kind desk.MailKind, lang string) *desk.OutMail {
	d := due
	// Only mail to status page subscribers is list mail with an
	// unsubscribe address.
	var unsubscribe string
	if kind == desk.MailStatusIncident {
		unsubscribe = "https://desk.example/status/unsubscribe?token=5-abc"
	}
	return &desk.OutMail{
		ID:         7,
		MessageID:  "<m7.c42@desk.example>",
		Kind:       kind,
		OrgID:      3,
		CaseID:     42,
		To:         "ann@example.com",
		ToName:     "Ann Andersen",
		Language:   lang,
		ReplyTo:    "support+c42.abcdef@desk.example",
		InReplyTo:  "<case-42@desk.example>",
		References: []string{"<case-42@desk.example>", "<m6.c42@desk.example>"},
		Auto:       kind != desk.MailReply,
		Data: desk.MailData{
			CaseTitle:     "Xyzzy",
			Body:          "Plugh one\nPlugh two",
			AuthorName:    "Bo Berg",
			Outcome:       desk.OutcomeWorkaround,
			SeverityFrom:  desk.SeverityHigh,
			SeverityTo:    desk.SeverityNormal,
			Reason:        "Frobozz",
			DueAt:         &d,
			TimeZone:      "Europe/Amsterdam",
			IncidentTitle: "Zork",
			// Status page subscriptions.
			IncidentKind:   desk.KindIncident,
			IncidentStatus: desk.IncidentIdentified,
			Services:       []string{"Mail", "Calendar"},
			IncidentURL:    "https://desk.example/status/incidents/9",
			Link:           "https://desk.example/status/confirm?token=abc&lang=" + lang,
			ExpiresAt:      &d,
			UnsubscribeURL: unsubscribe,
		},
		Status:    desk.OutPending,
		CreatedAt: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC),
	}
}

func render(t *testing.T, m *desk.OutMail) (subject, text, html string) {
	t.Helper()
	subject, text, html, err := renderer.Render(m)
	if err != nil {
		t.Fatalf("Render(%s, %s): %v", m.Kind, m.Language, err)
	}
	return subject, text, html
}

// parse reads a message with go-message and returns its header and parts
// (content type → decoded body).
func parse(t *testing.T, msg []byte) (mail.Header, map[string]string) {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(msg))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, msg)
	}
	parts := make(map[string]string)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		h, ok := p.Header.(*mail.InlineHeader)
		if !ok {
			t.Fatalf("part is not inline: %T", p.Header)
		}
		typ, params, err := h.ContentType()
		if err != nil {
			t.Fatal(err)
		}
		if params["charset"] != "utf-8" {
			t.Errorf("%s part charset %q, want utf-8", typ, params["charset"])
		}
		if cte := h.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("%s part encoding %q, want quoted-printable", typ, cte)
		}
		body, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatal(err)
		}
		parts[typ] = string(body)
	}
	return mr.Header, parts
}

// headerKeys lists the field names of the top-level header, in order.
func headerKeys(h mail.Header) []string {
	var keys []string
	for f := h.Fields(); f.Next(); {
		keys = append(keys, f.Key())
	}
	return keys
}

var leftover = regexp.MustCompile(`\{[A-Za-z0-9_]+\}|⟦`)

// TestEveryKindEveryLanguage renders every kind in every language, as
// separate bodies and as a whole message, and checks that nothing is left
// unfilled and that the message parses back to what was rendered.
func TestEveryKindEveryLanguage(t *testing.T) {
	for _, lang := range locale.Languages {
		for _, kind := range desk.MailKinds {
			m := sample(kind, lang)
			subject, text, html := render(t, m)
			for name, s := range map[string]string{"subject": subject, "text": text, "html": html} {
				if loc := leftover.FindStringIndex(s); loc != nil {
					t.Errorf("%s %s %s has an unfilled placeholder near %q", lang, kind, name, s[max(0, loc[0]-30):min(len(s), loc[1]+30)])
				}
			}
			msg, err := renderer.Message(m)
			if err != nil {
				t.Fatalf("Message(%s, %s): %v", kind, lang, err)
			}
			h, parts := parse(t, msg)
			if got, _ := h.Subject(); got != subject {
				t.Errorf("%s %s: parsed subject %q, rendered %q", lang, kind, got, subject)
			}
			if got := parts["text/plain"]; got != strings.ReplaceAll(text, "\n", "\r\n") {
				t.Errorf("%s %s: text part differs from Render:\n%q\n%q", lang, kind, got, text)
			}
			if got := parts["text/html"]; got != strings.ReplaceAll(html, "\n", "\r\n") {
				t.Errorf("%s %s: html part differs from Render", lang, kind)
			}
			// Every mail ends with its way on: the case, or for status page
			// subscribers the link that confirms or the status page.
			way := "https://desk.example/cases/42"
			switch kind {
			case desk.MailStatusConfirm:
				way = m.Data.Link
			case desk.MailStatusIncident:
				way = m.Data.IncidentURL
			}
			if !strings.Contains(text, way) {
				t.Errorf("%s %s: no link to %s in\n%s", lang, kind, way, text)
			}
			if got := h.Get("Content-Language"); got != lang {
				t.Errorf("%s %s: Content-Language %q", lang, kind, got)
			}
			if !strings.Contains(html, `<html lang="`+lang+`"`) {
				t.Errorf("%s %s: html without lang attribute", lang, kind)
			}
		}
	}
}

// TestSubjects pins the subject of every kind in every language: the case
// tag with the language's word for a case, and the kind's own words.
func TestSubjects(t *testing.T) {
	want := map[string]map[desk.MailKind]string{
		"en": {
			desk.MailCaseOpened:      "[Case #42] Received: Xyzzy",
			desk.MailReply:           "[Case #42] New reply: Xyzzy",
			desk.MailActionRequired:  "[Case #42] Action required: Xyzzy",
			desk.MailSeverityChanged: "[Case #42] Severity changed: Xyzzy",
			desk.MailResolved:        "[Case #42] Resolved: Xyzzy",
			desk.MailClosed:          "[Case #42] Closed: Xyzzy",
			desk.MailSurvey:          "[Case #42] How did we do? Xyzzy",
			desk.MailIncidentUpdate:  "[Case #42] Incident update: Zork",
			desk.MailStatusConfirm:   "Confirm your subscription to the Supportdesk status",
			desk.MailStatusIncident:  "[Supportdesk status] Zork: Cause identified",
		},
		"nl": {
			desk.MailCaseOpened:      "[Aanvraag #42] Ontvangen: Xyzzy",
			desk.MailReply:           "[Aanvraag #42] Nieuw antwoord: Xyzzy",
			desk.MailActionRequired:  "[Aanvraag #42] Actie vereist: Xyzzy",
			desk.MailSeverityChanged: "[Aanvraag #42] Urgentie gewijzigd: Xyzzy",
			desk.MailResolved:        "[Aanvraag #42] Opgelost: Xyzzy",
			desk.MailClosed:          "[Aanvraag #42] Gesloten: Xyzzy",
			desk.MailSurvey:          "[Aanvraag #42] Hoe hebben we het gedaan? Xyzzy",
			desk.MailIncidentUpdate:  "[Aanvraag #42] Nieuws over storing: Zork",
			desk.MailStatusConfirm:   "Bevestig uw abonnement op de status van Supportdesk",
			desk.MailStatusIncident:  "[Status van Supportdesk] Zork: Oorzaak gevonden",
		},
		"de": {
			desk.MailCaseOpened:      "[Anfrage #42] Eingegangen: Xyzzy",
			desk.MailReply:           "[Anfrage #42] Neue Antwort: Xyzzy",
			desk.MailActionRequired:  "[Anfrage #42] Aktion erforderlich: Xyzzy",
			desk.MailSeverityChanged: "[Anfrage #42] Schweregrad geändert: Xyzzy",
			desk.MailResolved:        "[Anfrage #42] Gelöst: Xyzzy",
			desk.MailClosed:          "[Anfrage #42] Geschlossen: Xyzzy",
			desk.MailSurvey:          "[Anfrage #42] Wie zufrieden sind Sie? Xyzzy",
			desk.MailIncidentUpdate:  "[Anfrage #42] Neuigkeiten zur Störung: Zork",
			desk.MailStatusConfirm:   "Bestätigen Sie Ihr Abonnement für den Status von Supportdesk",
			desk.MailStatusIncident:  "[Status von Supportdesk] Zork: Ursache gefunden",
		},
		"sv": {
			desk.MailCaseOpened:      "[Ärende #42] Mottaget: Xyzzy",
			desk.MailReply:           "[Ärende #42] Nytt svar: Xyzzy",
			desk.MailActionRequired:  "[Ärende #42] Åtgärd krävs: Xyzzy",
			desk.MailSeverityChanged: "[Ärende #42] Allvarlighetsgrad ändrad: Xyzzy",
			desk.MailResolved:        "[Ärende #42] Löst: Xyzzy",
			desk.MailClosed:          "[Ärende #42] Stängt: Xyzzy",
			desk.MailSurvey:          "[Ärende #42] Hur gjorde vi? Xyzzy",
			desk.MailIncidentUpdate:  "[Ärende #42] Nytt om driftstörningen: Zork",
			desk.MailStatusConfirm:   "Bekräfta din prenumeration på driftstatus för Supportdesk",
			desk.MailStatusIncident:  "[Driftstatus för Supportdesk] Zork: Orsak identifierad",
		},
		"nb": {
			desk.MailCaseOpened:      "[Sak #42] Mottatt: Xyzzy",
			desk.MailReply:           "[Sak #42] Nytt svar: Xyzzy",
			desk.MailActionRequired:  "[Sak #42] Handling kreves: Xyzzy",
			desk.MailSeverityChanged: "[Sak #42] Alvorlighetsgrad endret: Xyzzy",
			desk.MailResolved:        "[Sak #42] Løst: Xyzzy",
			desk.MailClosed:          "[Sak #42] Lukket: Xyzzy",
			desk.MailSurvey:          "[Sak #42] Hvordan gjorde vi det? Xyzzy",
			desk.MailIncidentUpdate:  "[Sak #42] Nytt om driftsforstyrrelsen: Zork",
			desk.MailStatusConfirm:   "Bekreft abonnementet ditt på driftsstatus for Supportdesk",
			desk.MailStatusIncident:  "[Driftsstatus for Supportdesk] Zork: Årsak funnet",
		},
	}
	for _, lang := range locale.Languages {
		for _, kind := range desk.MailKinds {
			subject, _, _ := render(t, sample(kind, lang))
			if w := want[lang][kind]; subject != w {
				t.Errorf("%s %s: subject %q, want %q", lang, kind, subject, w)
			}
		}
	}
	// An unsupported language falls back to English.
	if subject, _, _ := render(t, sample(desk.MailClosed, "fr")); subject != "[Case #42] Closed: Xyzzy" {
		t.Errorf("fr subject %q, want the English one", subject)
	}
}

// TestBodies checks what each kind says in each language, by phrases that
// carry the kind's content: the data it shows and its fixed sentences.
func TestBodies(t *testing.T) {
	type check struct {
		kind desk.MailKind
		lang string
		want []string
	}
	checks := []check{
		{desk.MailCaseOpened, "en", []string{"Hello Ann Andersen,", "received your case #42, “Xyzzy”", "We will answer by Tue 3 Mar 2026 15:05 CET (your time).", "reply to this e-mail"}},
		{desk.MailCaseOpened, "nl", []string{"Beste Ann Andersen,", "uw aanvraag #42, ‘Xyzzy’, ontvangen", "uiterlijk di 3 mrt 2026 15:05 CET (uw tijd)", "Met vriendelijke groet,"}},
		{desk.MailCaseOpened, "de", []string{"Guten Tag Ann Andersen,", "Anfrage #42 „Xyzzy“", "bis spätestens Di., 3. März 2026 15:05 CET (Ihre Ortszeit)"}},
		{desk.MailCaseOpened, "sv", []string{"Hej Ann Andersen!", "ditt ärende #42, ”Xyzzy”", "senast tis 3 mars 2026 15:05 CET (din tid)"}},
		{desk.MailCaseOpened, "nb", []string{"Hei Ann Andersen,", "sak #42, «Xyzzy»", "innen tir. 3. mars 2026 15:05 CET (din tid)"}},
		{desk.MailReply, "en", []string{"Bo Berg wrote on case #42:\n\nPlugh one\nPlugh two\n"}},
		{desk.MailReply, "nl", []string{"Bo Berg schreef in aanvraag #42:\n\nPlugh one\nPlugh two\n"}},
		{desk.MailReply, "de", []string{"Bo Berg schrieb zu Anfrage #42:"}},
		{desk.MailReply, "sv", []string{"Bo Berg skrev i ärende #42:"}},
		{desk.MailReply, "nb", []string{"Bo Berg skrev i sak #42:"}},
		{desk.MailActionRequired, "en", []string{"Plugh one\nPlugh two", "response clock is paused"}},
		{desk.MailActionRequired, "nl", []string{"Plugh one\nPlugh two", "staat de reactietermijn stil"}},
		{desk.MailActionRequired, "de", []string{"Antwortfrist angehalten"}},
		{desk.MailActionRequired, "sv", []string{"står svarstiden still"}},
		{desk.MailActionRequired, "nb", []string{"står svarfristen stille"}},
		{desk.MailSeverityChanged, "en", []string{"from high to normal", "Reason: Frobozz"}},
		{desk.MailSeverityChanged, "nl", []string{"van hoog in normaal", "Reden: Frobozz"}},
		{desk.MailSeverityChanged, "de", []string{"von Hoch auf Normal", "Grund: Frobozz"}},
		{desk.MailSeverityChanged, "sv", []string{"från hög till normal", "Orsak: Frobozz"}},
		{desk.MailSeverityChanged, "nb", []string{"fra høy til normal", "Årsak: Frobozz"}},
		{desk.MailResolved, "en", []string{"a workaround", "Plugh one\nPlugh two", "within 30 days"}},
		{desk.MailResolved, "nl", []string{"tijdelijke oplossing", "binnen 30 dagen"}},
		{desk.MailResolved, "de", []string{"Umgehungslösung", "innerhalb von 30 Tagen"}},
		{desk.MailResolved, "sv", []string{"tillfällig lösning", "inom 30 dagar"}},
		{desk.MailResolved, "nb", []string{"midlertidig løsning", "innen 30 dager"}},
		{desk.MailClosed, "en", []string{"is now closed", "open a new case"}},
		{desk.MailClosed, "nl", []string{"is nu gesloten", "nieuwe aanvraag"}},
		{desk.MailClosed, "de", []string{"ist jetzt geschlossen", "neue Anfrage"}},
		{desk.MailClosed, "sv", []string{"är nu stängt", "nytt ärende"}},
		{desk.MailClosed, "nb", []string{"er nå lukket", "ny sak"}},
		{desk.MailSurvey, "en", []string{"How did we do?", "from 1 (very dissatisfied) to 5 (very satisfied)", "https://desk.example/cases/42#rating"}},
		{desk.MailSurvey, "nl", []string{"Hoe hebben we het gedaan?", "van 1 (zeer ontevreden) tot 5 (zeer tevreden)", "/cases/42#rating"}},
		{desk.MailSurvey, "de", []string{"von 1 (sehr unzufrieden) bis 5 (sehr zufrieden)", "/cases/42#rating"}},
		{desk.MailSurvey, "sv", []string{"från 1 (mycket missnöjd) till 5 (mycket nöjd)", "/cases/42#rating"}},
		{desk.MailSurvey, "nb", []string{"fra 1 (svært misfornøyd) til 5 (svært fornøyd)", "/cases/42#rating"}},
		{desk.MailIncidentUpdate, "en", []string{"the incident “Zork”, which affects your case #42:\n\nPlugh one\nPlugh two"}},
		{desk.MailIncidentUpdate, "nl", []string{"de storing ‘Zork’, die uw aanvraag #42 raakt:"}},
		{desk.MailIncidentUpdate, "de", []string{"zur Störung „Zork“, die Ihre Anfrage #42 betrifft:"}},
		{desk.MailIncidentUpdate, "sv", []string{"driftstörningen ”Zork”, som påverkar ditt ärende #42:"}},
		{desk.MailIncidentUpdate, "nb", []string{"driftsforstyrrelsen «Zork», som berører sak #42:"}},
		{desk.MailStatusConfirm, "en", []string{"Hello,", "Confirm the subscription", "/status/confirm?token=abc", "The link works until Tue 3 Mar 2026 15:05 CET."}},
		{desk.MailStatusConfirm, "nl", []string{"Abonnement bevestigen", "/status/confirm?token=abc", "twee dagen"}},
		{desk.MailStatusConfirm, "de", []string{"Abonnement bestätigen", "/status/confirm?token=abc", "zwei Tagen"}},
		{desk.MailStatusConfirm, "sv", []string{"Bekräfta prenumerationen", "/status/confirm?token=abc", "två dagar"}},
		{desk.MailStatusConfirm, "nb", []string{"Bekreft abonnementet", "/status/confirm?token=abc", "to dager"}},
		{desk.MailStatusIncident, "en", []string{"news about “Zork”. Current status: Cause identified.", "Affected services: Mail, Calendar", "Plugh one\nPlugh two", "Unsubscribe from these mails", "https://desk.example/status/unsubscribe?token=5-abc"}},
		{desk.MailStatusIncident, "nl", []string{"nieuws over ‘Zork’. Huidige stand: Oorzaak gevonden.", "Getroffen diensten: Mail, Calendar", "Afmelden voor deze berichten"}},
		{desk.MailStatusIncident, "de", []string{"Neuigkeiten zu „Zork“. Aktueller Stand: Ursache gefunden.", "Betroffene Dienste: Mail, Calendar"}},
		{desk.MailStatusIncident, "sv", []string{"nytt om ”Zork”. Aktuellt läge: Orsak identifierad.", "Berörda tjänster: Mail, Calendar"}},
		{desk.MailStatusIncident, "nb", []string{"nytt om «Zork». Nåværende stand: Årsak funnet.", "Berørte tjenester: Mail, Calendar"}},
	}
	for _, c := range checks {
		_, text, html := render(t, sample(c.kind, c.lang))
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s %s: text lacks %q:\n%s", c.lang, c.kind, w, text)
			}
			// The HTML says the same, with the body's line breaks as <br>;
			// phrases that span paragraphs are checked in the text only.
			if !strings.Contains(w, "\n\n") && !strings.Contains(html, strings.ReplaceAll(w, "\n", "<br>")) {
				t.Errorf("%s %s: html lacks %q", c.lang, c.kind, w)
			}
		}
	}
	covered := make(map[desk.MailKind]int)
	for _, c := range checks {
		covered[c.kind]++
	}
	for _, kind := range desk.MailKinds {
		if covered[kind] != len(locale.Languages) {
			t.Errorf("kind %s is checked in %d languages, want all %d", kind, covered[kind], len(locale.Languages))
		}
	}
}

// TestDueTimeInZone checks that the promised answer time is the
// recipient's wall-clock time, whatever zone the desk runs in.
func TestDueTimeInZone(t *testing.T) {
	tests := []struct {
		lang, zone, want string
	}{
		{"en", "America/New_York", "by Tue 3 Mar 2026 09:05 EST"},
		{"en", "Asia/Kolkata", "by Tue 3 Mar 2026 19:35 IST"},
		{"nb", "Europe/Oslo", "innen tir. 3. mars 2026 15:05 CET"},
		{"sv", "Australia/Sydney", "senast ons 4 mars 2026 01:05 AEDT"},
		{"de", "", "bis spätestens Di., 3. März 2026 14:05 UTC"},
		{"nl", "Mars/Olympus_Mons", "uiterlijk di 3 mrt 2026 14:05 UTC"}, // unknown zone: UTC
	}
	for _, tt := range tests {
		m := sample(desk.MailCaseOpened, tt.lang)
		m.Data.TimeZone = tt.zone
		_, text, html := render(t, m)
		if !strings.Contains(text, tt.want) || !strings.Contains(html, tt.want) {
			t.Errorf("%s in %q: body lacks %q:\n%s", tt.lang, tt.zone, tt.want, text)
		}
	}
	m := sample(desk.MailCaseOpened, "en")
	m.Data.DueAt = nil
	if _, text, _ := render(t, m); !strings.Contains(text, "as soon as we can") {
		t.Errorf("without a due time:\n%s", text)
	}
}

// englishWords are words of the fixed English texts that occur in no other
// language's texts, so that one of them in a Dutch mail means a string
// fell back to English or was never translated.
var englishWords = []string{"the", "your", "you", "our", "case", "cases", "reply", "wrote", "answer", "will",
	"received", "resolved", "closed", "thank", "regards", "how", "did", "severity", "help", "rate", "within",
	"days", "incident", "update", "please", "contact", "changed", "required", "action", "hello", "news"}

func TestNoEnglishInTranslations(t *testing.T) {
	words := regexp.MustCompile(`\p{L}+`)
	for _, lang := range locale.Languages[1:] {
		for _, kind := range desk.MailKinds {
			m := sample(kind, lang)
			subject, text, _ := render(t, m)
			var lines []string
			for ln := range strings.SplitSeq(subject+"\n"+text, "\n") {
				if !strings.HasPrefix(ln, "https://") { // links name /cases/
					lines = append(lines, ln)
				}
			}
			for _, w := range words.FindAllString(strings.Join(lines, "\n"), -1) {
				if slices.Contains(englishWords, strings.ToLower(w)) {
					t.Errorf("%s %s: English word %q in\n%s", lang, kind, w, text)
				}
			}
		}
	}
	// The check itself must catch English.
	_, text, _ := render(t, sample(desk.MailResolved, "en"))
	found := false
	for _, w := range words.FindAllString(text, -1) {
		found = found || slices.Contains(englishWords, strings.ToLower(w))
	}
	if !found {
		t.Error("the English word list finds nothing in an English mail")
	}
}

// TestHeaderInjection feeds CR, LF, NUL and other control characters into
// every value that reaches a header and checks, by parsing the output, that
// the header has exactly the fields it should.
func TestHeaderInjection(t *testing.T) {
	m := sample(desk.MailCaseOpened, "en")
	m.Data.CaseTitle = "x\r\nBcc: evil@x"
	m.ToName = "Eve\r\nBcc: evil2@x\x00\nCc: evil3@x"
	m.Data.AuthorName = "Mallory\r\nX-Evil: 1"
	msg, err := renderer.Message(m)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := parse(t, msg)
	want := []string{"Content-Type", "Mime-Version", "From", "To", "Reply-To", "Subject", "Date", "Message-Id",
		"In-Reply-To", "References", "Content-Language", "Auto-Submitted", "X-Auto-Response-Suppress", "X-Supportdesk-Mail"}
	if got := headerKeys(h); !slices.Equal(got, want) {
		t.Errorf("header fields\n%q, want\n%q", got, want)
	}
	if subject, _ := h.Subject(); subject != "[Case #42] Received: x Bcc: evil@x" {
		t.Errorf("subject %q", subject)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "ann@example.com" || to[0].Name != "Eve Bcc: evil2@x Cc: evil3@x" {
		t.Errorf("To = %v, %v", to, err)
	}
	head, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	for _, ln := range strings.Split(string(head), "\r\n") {
		for _, bad := range []string{"Bcc:", "Cc:", "X-Evil:"} {
			if strings.HasPrefix(ln, bad) {
				t.Errorf("injected header line %q", ln)
			}
		}
	}

	// Other control characters and Unicode line separators in the subject.
	m.Data.CaseTitle = "a\x00b\x1bc\u2028d\u0085e\x7ff\tg\rh"
	subject, _, _ := render(t, m)
	if subject != "[Case #42] Received: a b c d e f g h" {
		t.Errorf("subject %q", subject)
	}

	// An address cannot be smuggled in through the recipient or the reply
	// address: the mail is refused instead of sent somewhere else.
	for _, bad := range []struct{ to, replyTo string }{
		{"ann@example.com\r\nBcc: evil@x", m.ReplyTo},
		{"Ann <ann@example.com>, evil@x", m.ReplyTo},
		{"ann@example.com", "support@desk.example\nBcc: evil@x"},
		{"", m.ReplyTo},
	} {
		m := sample(desk.MailReply, "en")
		m.To, m.ReplyTo = bad.to, bad.replyTo
		if msg, err := renderer.Message(m); err == nil {
			t.Errorf("To %q Reply-To %q: no error, message\n%s", bad.to, bad.replyTo, msg)
		}
	}

	// A broken message id in the row is refused; in the threading headers,
	// which may name mail a customer sent, it is left out.
	m = sample(desk.MailReply, "en")
	m.MessageID = "<a@b>\r\nBcc: evil@x"
	if _, err := renderer.Message(m); err == nil {
		t.Error("invalid Message-ID accepted")
	}
	m = sample(desk.MailReply, "en")
	m.InReplyTo = "<x@y>\r\nBcc: evil@x"
	m.References = []string{"<ok@desk.example>", "<bad id@x>", "<x@y>\nBcc: evil@x"}
	msg, err = renderer.Message(m)
	if err != nil {
		t.Fatal(err)
	}
	h, _ = parse(t, msg)
	if h.Has("In-Reply-To") || h.Get("References") != "<ok@desk.example>" {
		t.Errorf("In-Reply-To %q, References %q", h.Get("In-Reply-To"), h.Get("References"))
	}
}

// TestHeaders checks every header field of a message against the row.
func TestHeaders(t *testing.T) {
	m := sample(desk.MailReply, "sv")
	m.ToName = "Åsa Öberg"
	m.Data.CaseTitle = "Skrivaren säger ”nej” – igen"
	msg, err := renderer.Message(m)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	for _, c := range head {
		if c >= 0x80 {
			t.Fatalf("raw header is not ASCII:\n%s", head)
		}
	}
	h, _ := parse(t, msg)
	str := func(key string) string { return h.Get(key) }
	from, _ := h.AddressList("From")
	to, _ := h.AddressList("To")
	replyTo, _ := h.AddressList("Reply-To")
	subject, _ := h.Subject()
	date, _ := h.Date()
	msgID, _ := h.MessageID()
	refs, _ := h.MsgIDList("References")
	mediaType, _, _ := h.ContentType()
	checks := []struct {
		name      string
		got, want any
	}{
		{"From", from[0].String(), `"Supportdesk" <support@desk.example>`},
		{"To name", to[0].Name, "Åsa Öberg"},
		{"To address", to[0].Address, "ann@example.com"},
		{"Reply-To", replyTo[0].Address, "support+c42.abcdef@desk.example"},
		{"Subject", subject, "[Ärende #42] Nytt svar: Skrivaren säger ”nej” – igen"},
		{"Date", date.Equal(m.CreatedAt), true},
		{"Message-Id raw", str("Message-Id"), "<m7.c42@desk.example>"},
		{"Message-Id", msgID, "m7.c42@desk.example"},
		{"In-Reply-To", str("In-Reply-To"), "<case-42@desk.example>"},
		{"References raw", str("References"), "<case-42@desk.example> <m6.c42@desk.example>"},
		{"References", strings.Join(refs, " "), "case-42@desk.example m6.c42@desk.example"},
		{"MIME-Version", str("MIME-Version"), "1.0"},
		{"Content-Type", mediaType, "multipart/alternative"},
		{"Content-Language", str("Content-Language"), "sv"},
		{"Auto-Submitted", h.Has("Auto-Submitted"), false}, // a reply is written by a person
		{"X-Auto-Response-Suppress", str("X-Auto-Response-Suppress"), "All"},
		{"X-Supportdesk-Mail", str("X-Supportdesk-Mail"), "7"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	m.Auto = true
	msg, _ = renderer.Message(m)
	if h, _ := parse(t, msg); h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("automatic mail: Auto-Submitted %q", h.Get("Auto-Submitted"))
	}
	if from, err := renderer.EnvelopeFrom(); err != nil || from != "support@desk.example" {
		t.Errorf("EnvelopeFrom = %q, %v", from, err)
	}
}

// TestHTMLEscapes checks that what people wrote is escaped in the HTML
// part and keeps its line breaks in both parts.
func TestHTMLEscapes(t *testing.T) {
	m := sample(desk.MailReply, "en")
	m.Data.CaseTitle = `<script>alert("t")</script>`
	m.Data.AuthorName = `<img src=x onerror=alert(1)>`
	m.Data.Body = "First <b>line</b> & more\r\nsecond line\n\n  indented third\n"
	_, text, html := render(t, m)
	for _, bad := range []string{"<script", "<img", "<b>"} {
		if strings.Contains(html, bad) {
			t.Errorf("html contains %q:\n%s", bad, html)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;",
		"First &lt;b&gt;line&lt;/b&gt; &amp; more<br>second line<br><br>  indented third</blockquote>"} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q:\n%s", want, html)
		}
	}
	if !strings.Contains(text, "First <b>line</b> & more\nsecond line\n\n  indented third\n\n") {
		t.Errorf("text body lost the line breaks:\n%s", text)
	}
	for _, bad := range []string{"<img", "<script", "src=\"http", "<link", "<style"} {
		if strings.Contains(html, bad) {
			t.Errorf("html has %q", bad)
		}
	}
}

func TestMergedAndGeneralMail(t *testing.T) {
	m := sample(desk.MailClosed, "nl")
	m.Data.MergedInto = 1042
	_, text, html := render(t, m)
	for _, want := range []string{"samengevoegd", "Volg voortaan aanvraag #1042", "https://desk.example/cases/1042\n", "https://desk.example/cases/42\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("merged: text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "nieuwe aanvraag") || !strings.Contains(html, `href="https://desk.example/cases/1042"`) {
		t.Errorf("merged mail:\n%s", text)
	}

	// An incident update to a subscriber without a case.
	m = sample(desk.MailIncidentUpdate, "de")
	m.CaseID = 0
	subject, text, _ := render(t, m)
	if subject != "Neuigkeiten zur Störung: Zork" || strings.Contains(text, "Anfrage") || !strings.Contains(text, "https://desk.example/\n") {
		t.Errorf("general incident update: %q\n%s", subject, text)
	}
	// Any other kind needs a case.
	m = sample(desk.MailResolved, "de")
	m.CaseID = 0
	if _, _, _, err := renderer.Render(m); err == nil {
		t.Error("resolved mail without a case rendered")
	}
}

func TestOutcomes(t *testing.T) {
	outcomes := []desk.Outcome{desk.OutcomeSolved, desk.OutcomeWorkaround, desk.OutcomeCannotReproduce,
		desk.OutcomeThirdParty, desk.OutcomeNotSupported, desk.OutcomeOutageResolved}
	for _, lang := range locale.Languages {
		seen := make(map[string]desk.Outcome)
		for _, o := range outcomes {
			m := sample(desk.MailResolved, lang)
			m.Data.Outcome = o
			m.Data.Body = ""
			_, text, _ := render(t, m)
			if prev, ok := seen[text]; ok {
				t.Errorf("%s: outcomes %s and %s give the same mail", lang, prev, o)
			}
			seen[text] = o
		}
		// No outcome, or one unknown to this build, leaves the sentence out.
		m := sample(desk.MailResolved, lang)
		m.Data.Outcome = "escalated_to_mars"
		if _, text, _ := render(t, m); leftover.MatchString(text) {
			t.Errorf("%s: unknown outcome shown as a key:\n%s", lang, text)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	m := sample(desk.MailReply, "en")
	m.Kind = "postcard"
	if _, _, _, err := renderer.Render(m); err == nil {
		t.Error("unknown kind rendered")
	}
	bad := &notify.Renderer{From: "not an address", BaseURL: "https://desk.example"}
	if _, err := bad.Message(sample(desk.MailReply, "en")); err == nil {
		t.Error("invalid From accepted")
	}
	if _, _, _, err := renderer.Render(nil); err == nil {
		t.Error("nil mail rendered")
	}
}

// TestAnonymousAndEmpty covers a recipient without a name, a reply without
// an author and a body that is only white space.
func TestAnonymousAndEmpty(t *testing.T) {
	m := sample(desk.MailReply, "nb")
	m.ToName, m.Data.AuthorName, m.Data.Body = "", "", " \r\n \n"
	_, text, html := render(t, m)
	if !strings.HasPrefix(text, "Hei,\n\nKundestøtten vår skrev i sak #42:\n\n") {
		t.Errorf("text:\n%s", text)
	}
	if strings.Contains(html, "<blockquote") {
		t.Error("empty body shown as a quote")
	}
}

func BenchmarkMessage(b *testing.B) {
	m := sample(desk.MailCaseOpened, "de")
	for b.Loop() {
		if _, err := renderer.Message(m); err != nil {
			b.Fatal(err)
		}
	}
}
