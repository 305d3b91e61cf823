package mail_test

import (
	"testing"

	"desk/mail"
)

func TestTrim(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Nothing to remove: the text comes back byte for byte.
		{"plain", "Just a question.\nNothing quoted here.", "Just a question.\nNothing quoted here."},
		{"plain with trailing newlines", "Hello\n\n", "Hello\n\n"},
		{"empty", "", ""},
		{"interleaved answers are kept", "On Mon, 3 Nov 2026 at 10:00, S <s@d.example> wrote:\n> q1\na1\n> q2\na2", "On Mon, 3 Nov 2026 at 10:00, S <s@d.example> wrote:\n> q1\na1\n> q2\na2"},
		{"wrote without a quote", "As my colleague wrote:\nthe export fails.", "As my colleague wrote:\nthe export fails."},
		{"from line that is no header block", "From: my manager I heard the fix is live.\nThanks", "From: my manager I heard the fix is live.\nThanks"},
		{"forwarded message is kept", "FYI\n\n---------- Forwarded message ---------\nFrom: A <a@x.example>\nDate: Mon, 3 Nov 2026\nSubject: s\nTo: b@x.example\n\nbody",
			"FYI\n\n---------- Forwarded message ---------\nFrom: A <a@x.example>\nDate: Mon, 3 Nov 2026\nSubject: s\nTo: b@x.example\n\nbody"},

		// Attributions and quotes at the end.
		{"gmail en", "Thanks!\n\nOn Mon, 3 Nov 2026 at 10:00, Support <s@d.example> wrote:\n\n> old\n> text\n", "Thanks!"},
		{"gmail wrapped attribution", "Thanks!\n\nOn Mon, 3 Nov 2026 at 10:00, Support <\ns@d.example> wrote:\n\n> old\n", "Thanks!"},
		{"apple en", "Thanks!\n\n> On 3 Nov 2026, at 10:00, Support <s@d.example> wrote:\n> \n> old\n", "Thanks!"},
		{"dutch", "Dank je!\n\nOp ma 3 nov 2026 om 10:00 schreef Support <s@d.example>:\n\n> oud\n", "Dank je!"},
		{"german thunderbird", "Danke.\n\nAm 03.11.26 um 10:00 schrieb Support:\n> alt\n", "Danke."},
		{"german name first", "Danke.\n\nMax <max@x.example> schrieb am 03.11.2026 um 10:00:\n> alt\n", "Danke."},
		{"swedish gmail", "Tack!\n\nDen mån 3 nov. 2026 kl 10:00 skrev Support <s@d.example>:\n> gammal\n", "Tack!"},
		{"swedish apple", "Tack!\n\n> 3 nov. 2026 kl. 10:00 skrev Support <s@d.example>:\n> \n> gammal\n", "Tack!"},
		{"norwegian", "Takk!\n\nman. 3. nov. 2026 kl. 10:00 skrev Support <s@d.example>:\n> gammel\n", "Takk!"},
		{"crlf", "Thanks\r\n\r\nOn Mon, 3 Nov 2026 at 10:00, S <s@d.example> wrote:\r\n> old\r\n", "Thanks"},
		{"only quoted", "> a\n> b\n", "> a\n> b"},
		{"bottom posted", "Am 03.11.26 um 10:00 schrieb Support:\n> Frage?\n>\n> Gruß\n\nAntwort.\n\n-- \nMax\nBeispiel GmbH\n", "Antwort."},

		// Outlook separators and header blocks.
		{"outlook original message", "Thanks\n\n-----Original Message-----\nFrom: X\nSent: Monday\nTo: Y\nSubject: Z\n\nold", "Thanks"},
		{"outlook oorspronkelijk bericht", "Bedankt\n\n-----Oorspronkelijk bericht-----\nVan: X\nVerzonden: maandag\n\noud", "Bedankt"},
		{"outlook urspruengliche nachricht", "Danke\n\n-----Ursprüngliche Nachricht-----\nVon: X\nGesendet: Montag\n\nalt", "Danke"},
		{"outlook from sent", "Thanks\n\nFrom: Support <s@d.example>\nSent: Monday, November 3, 2026 10:00 AM\nTo: A <a@x.example>\nSubject: [Case #1] x\n\nold", "Thanks"},
		{"outlook van verzonden", "Bedankt\n\nVan: Support <s@d.example>\nVerzonden: maandag 3 november 2026 10:00\nAan: A\nOnderwerp: x\n\noud", "Bedankt"},
		{"outlook von gesendet", "Danke\n\nVon: Support <s@d.example>\nGesendet: Montag, 3. November 2026 10:00\nAn: A\nBetreff: x\n\nalt", "Danke"},
		{"outlook fraan skickat", "Tack\n\nFrån: Support <s@d.example>\nSkickat: den 3 november 2026 10:00\nTill: A\nÄmne: x\n\ngammal", "Tack"},
		{"outlook fra sendt", "Takk\n\nFra: Support <s@d.example>\nSendt: mandag 3. november 2026 10:00\nTil: A\nEmne: x\n\ngammel", "Takk"},
		{"outlook underscores", "Thanks\n\n________________________________\nFrom: X\nSent: Y\n\nold", "Thanks"},
		{"outlook web bold", "Thanks\n\n*From:* Support <s@d.example>\n*Sent:* Monday\n\nold", "Thanks"},

		// Signatures.
		{"rfc 3676 signature", "Text\n\n-- \nJohn Doe\nACME", "Text"},
		{"signature without space", "Text\n\n--\nJohn Doe", "Text"},
		{"last separator wins", "a\n-- \nb\n-- \nsig", "a\n-- \nb"},
		{"iphone", "Yes\n\nSent from my iPhone", "Yes"},
		{"iphone nl", "Ja\n\nVerzonden vanaf mijn iPhone", "Ja"},
		{"iphone de", "Ja\n\nVon meinem iPhone gesendet", "Ja"},
		{"iphone sv", "Ja\n\nSkickat från min iPhone", "Ja"},
		{"iphone no", "Ja\n\nSendt fra min iPhone", "Ja"},
		{"outlook mobile", "Ok\n\nGet Outlook for iOS<https://aka.ms/o0ukef>", "Ok"},
		{"mobile and quote", "OK\n\nSent from my iPhone\n\nOn 3 Nov 2026, at 10:00, X <x@y.example> wrote:\n\n> old", "OK"},
		{"signature only", "-- \nJohn", "-- \nJohn"},
		{"mobile phrase mid text is kept", "Sent from my iPhone, the app crashes.\nIt works on the iPad.\nThird line.\nFourth line.", "Sent from my iPhone, the app crashes.\nIt works on the iPad.\nThird line.\nFourth line."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mail.Trim(tt.in); got != tt.want {
				t.Errorf("Trim(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}
