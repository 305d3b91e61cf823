package demo

import (
	"context"
	"fmt"
	"time"

	"desk"
)

// scriptClock is the clock of the scripted service: each step of the story
// sets it to the moment the step happened.
type scriptClock struct{ t time.Time }

func (c *scriptClock) Now() time.Time { return c.t }

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

// script plays cases through a copy of the service whose clock it moves,
// keeping the first error and skipping every step after it, so that the
// story reads as a list of steps rather than of error checks.
type script struct {
	ctx   context.Context
	svc   *desk.Service
	clock *scriptClock
	now   time.Time
	users map[string]*desk.User
	// last is the time of each case's latest step, to catch a script
	// that tells a case's story out of order.
	last map[int64]time.Time
	err  error
}

func (s *script) user(email string) *desk.User {
	u := s.users[email]
	if u == nil && s.err == nil {
		s.err = fmt.Errorf("no demo user %s", email)
	}
	return u
}

// at sets the clock to ago before the start of the seed.
func (s *script) at(ago time.Duration) { s.clock.t = s.now.Add(-ago) }

// step sets the clock for the next step of case c and reports whether the
// script may go on.
func (s *script) step(c *desk.Case, ago time.Duration) bool {
	if s.err != nil {
		return false
	}
	s.at(ago)
	if ago < 0 || s.clock.t.Before(s.last[c.ID]) {
		s.err = fmt.Errorf("case %q: step at %v goes back in time", c.Title, s.clock.t)
		return false
	}
	s.last[c.ID] = s.clock.t
	return true
}

func (s *script) fail(c *desk.Case, step string, err error) {
	if err != nil && s.err == nil {
		title := ""
		if c != nil {
			title = c.Title
		}
		s.err = fmt.Errorf("case %q: %s: %w", title, step, err)
	}
}

func (s *script) open(ago time.Duration, by string, in desk.NewCase) *desk.Case {
	actor := s.user(by)
	if s.err != nil {
		return nil
	}
	s.at(ago)
	c, _, err := s.svc.OpenCase(s.ctx, actor, in, "")
	s.fail(&desk.Case{Title: in.Title}, "open", err)
	if err == nil {
		s.last[c.ID] = c.CreatedAt
	}
	return c
}

func (s *script) reply(c *desk.Case, ago time.Duration, by, body string) {
	s.message(c, ago, by, body, false)
}

func (s *script) note(c *desk.Case, ago time.Duration, by, body string) {
	s.message(c, ago, by, body, true)
}

func (s *script) message(c *desk.Case, ago time.Duration, by, body string, internal bool) {
	actor := s.user(by)
	if !s.step(c, ago) {
		return
	}
	_, err := s.svc.AddMessage(s.ctx, actor, c.ID, desk.Reply{Body: body, Internal: internal})
	s.fail(c, "message", err)
}

func (s *script) requestInfo(c *desk.Case, ago time.Duration, by, question string) {
	actor := s.user(by)
	if !s.step(c, ago) {
		return
	}
	_, err := s.svc.RequestInfo(s.ctx, actor, c.ID, question)
	s.fail(c, "request info", err)
}

func (s *script) escalate(c *desk.Case, ago time.Duration, by string, e desk.Escalation) {
	actor := s.user(by)
	if !s.step(c, ago) {
		return
	}
	_, err := s.svc.Escalate(s.ctx, actor, c.ID, e)
	s.fail(c, "escalate", err)
}

func (s *script) resolve(c *desk.Case, ago time.Duration, by string, o desk.Outcome, body string) {
	actor := s.user(by)
	if !s.step(c, ago) {
		return
	}
	_, err := s.svc.Resolve(s.ctx, actor, c.ID, desk.Resolution{Outcome: o, Body: body})
	s.fail(c, "resolve", err)
}

func (s *script) reopen(c *desk.Case, ago time.Duration, by string) {
	actor := s.user(by)
	if !s.step(c, ago) {
		return
	}
	_, err := s.svc.Reopen(s.ctx, actor, c.ID)
	s.fail(c, "reopen", err)
}

func (s *script) close(c *desk.Case, ago time.Duration, by string) {
	actor := s.user(by)
	if !s.step(c, ago) {
		return
	}
	_, err := s.svc.Close(s.ctx, actor, c.ID)
	s.fail(c, "close", err)
}

// writeCases plays the demo cases and imports the historical ones. The
// service is copied so that the caller's keeps its own clock.
func writeCases(ctx context.Context, svc *desk.Service, now time.Time, users map[string]*desk.User) error {
	scripted := *svc
	clock := &scriptClock{t: now}
	scripted.Clock = clock
	s := &script{ctx: ctx, svc: &scripted, clock: clock, now: now, users: users, last: map[int64]time.Time{}}
	fabrikamCases(s)
	contosoCases(s)
	if s.err != nil {
		return s.err
	}
	s.at(0)
	in := history(now)
	for i := range in {
		in[i].OrgID = users[in[i].CreatedBy].OrgID
	}
	if _, err := scripted.ImportCases(ctx, s.user(sam), in); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

const (
	noor  = "agent.nl@vendor.example"
	jonas = "agent.de@vendor.example"
	sam   = "sam@vendor.example"
	daan  = "daan@fabrikam.example"
	ingr  = "ingrid@fabrikam.example"
	carl  = "carl@contoso.example"
	sven  = "sven@contoso.example"
)

// fabrikamCases are the cases of Fabrikam (Enterprise with extended
// support), mostly in Dutch, one in Norwegian from the Oslo office.
func fabrikamCases(s *script) {
	// Critical, by phone, escalated to a specialist team: open.
	c := s.open(26*hour, daan, desk.NewCase{
		Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityCritical, Language: "nl",
		Title: "Uitgaande e-mail blijft in de wachtrij staan – hele organisatie",
		Description: "Sinds 07:40 vanochtend worden uitgaande berichten van alle gebruikers niet meer afgeleverd. " +
			"Ze blijven in Postvak UIT staan of komen na een time-out terug met '451 4.4.0 Temporary server error'. " +
			"Inkomende mail komt normaal binnen. Wij hebben niets gewijzigd aan DNS of aan de connectors; " +
			"getest vanaf kantoor en vanaf thuiswerkplekken, overal hetzelfde resultaat.",
		BusinessImpact: "Ongeveer 850 medewerkers kunnen geen e-mail naar klanten en leveranciers sturen. " +
			"Offertes en orderbevestigingen blijven liggen en onze klantenservice kan niet antwoorden.",
		ContactMethod: desk.ContactPhone, ContactName: "Daan Visser", ContactPhone: "+31 20 794 1210",
	})
	s.reply(c, 26*hour-12*minute, noor, "Goedemorgen Daan, ik heb uw melding met urgentieniveau kritiek opgepakt "+
		"en bel u binnen tien minuten terug op +31 20 794 1210. Kunt u intussen de volledige berichtkop (headers) "+
		"van één teruggestuurd bericht in deze case plakken?")
	s.note(c, 26*hour-20*minute, noor, "Berichttracering: alle uitgaande berichten van Fabrikam staan op 'Deferred' "+
		"in outbound pool EU-WEST-3, 451 4.4.0 bij de TLS-handshake naar de relays. Andere tenants op dezelfde pool "+
		"lijken ook getroffen; Stan (status) is geïnformeerd over een mogelijk incident.")
	s.escalate(c, 26*hour-35*minute, noor, desk.Escalation{
		Team: "Mail Transport",
		Note: "Fabrikam: outbound queue deferred since 07:40 CET, 451 4.4.0 on pool EU-WEST-3, ~850 users. " +
			"Callback done at 08:35. Please check the relay certificates on EU-WEST-3: the certificate rollout went out last night.",
	})
	s.reply(c, 25*hour, daan, "Bedankt voor het telefoongesprek. Hieronder de kop van een teruggestuurd bericht:\n\n"+
		"Reporting-MTA: dns; out-eu-west-3.mail.vendor.example\n"+
		"Final-Recipient: rfc822; inkoop@wingtiptoys.example\n"+
		"Action: delayed\n"+
		"Status: 4.4.0\n"+
		"Diagnostic-Code: smtp; 451 4.4.0 Temporary server error. Please try again later. [EU-WEST-3]")
	s.reply(c, 24*hour-30*minute, noor, "Update: het team Mail Transport heeft de oorzaak gevonden. Een verlopen tussencertificaat "+
		"op de relays van EU-WEST-3 liet de TLS-verbinding mislukken. Het certificaat wordt nu vervangen; berichten in de "+
		"wachtrij worden daarna automatisch opnieuw verstuurd, u hoeft niets te doen. Volgende update uiterlijk om 11:00.")

	// Waiting on the customer.
	c = s.open(50*hour, daan, desk.NewCase{
		Product: "calendar", Category: desk.CategoryTechnical, Severity: desk.SeverityHigh, Language: "nl",
		Title: "Agenda-synchronisatie op iPhones stopt na wachtwoordwijziging",
		Description: "Sinds de verplichte wachtwoordwijziging van maandag synchroniseren de agenda's van ongeveer 30 medewerkers " +
			"niet meer op hun iPhone. Op de laptop en in de webversie is alles actueel. Opnieuw inloggen in de app helpt " +
			"één dag, daarna stopt het weer.",
	})
	s.requestInfo(c, 49*hour, noor, "Dank u voor de duidelijke beschrijving. Om dit na te bootsen hebben we het volgende nodig:\n"+
		"1. De iOS-versie en de versie van de agenda-app van twee getroffen gebruikers.\n"+
		"2. Het tijdstip van de laatste geslaagde synchronisatie.\n"+
		"3. Een synchronisatielog: in de app via Instellingen > Account > Help > 'Diagnose verzenden'.\n"+
		"Zodra we dit hebben, gaan we verder.")
	s.note(c, 49*hour-5*minute, noor, "Lijkt op het bekende probleem met het vernieuwen van OAuth-tokens na een wachtwoordreset "+
		"(KB-2231). Wacht op de logs om dat te bevestigen.")

	// Solved.
	c = s.open(6*day, daan, desk.NewCase{
		Product: "drive", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal, Language: "en",
		Title: "Shared drive: new subfolders do not inherit permissions",
		Description: "When a member creates a subfolder in our shared drive 'Finance 2025', the new subfolder does not get the " +
			"permissions of its parent, so our external accountants (team@ledgerly.example) cannot see it. " +
			"Existing folders are fine.",
	})
	s.reply(c, 6*day-3*hour, noor, "Thanks, Daan. In a shared drive, new folders inherit the drive's members, unless the parent "+
		"folder has limited access switched on. Could you check whether 'Finance 2025' or one of its folders has limited "+
		"access enabled (folder > Share > Settings)?")
	s.reply(c, 5*day-20*hour, daan, "You're right: one of our controllers had switched on limited access for the parent folder. "+
		"I switched it off and new subfolders now show up for the accountants.")
	s.resolve(c, 5*day-21*hour, noor, desk.OutcomeSolved, "Glad that solved it. For reference: folders with limited access "+
		"do not pass their members on to new subfolders (help article 'Limit access to folders in a shared drive'). "+
		"I'm marking this case as solved; reply within 30 days to reopen it.")

	// Reopened after a resolution: open again.
	c = s.open(9*day, daan, desk.NewCase{
		Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal, Language: "nl",
		Title: "MX-record niet gevonden na toevoegen van fabrikam-logistiek.example",
		Description: "We hebben het domein fabrikam-logistiek.example toegevoegd en de MX-record volgens de wizard ingesteld, " +
			"maar de domeincontrole blijft 'MX-record niet gevonden' tonen. Bij onze DNS-provider staat nu:\n\n" +
			"fabrikam-logistiek.example. 3600 IN MX 10 mx1.mail.vendor.example.",
	})
	s.reply(c, 9*day-2*hour, noor, "Via een publieke DNS-opvraging zie ik naast uw nieuwe record nog de MX-record van uw "+
		"vorige provider, met prioriteit 0; die wint altijd van prioriteit 10. Verwijder die oude record en voeg ook "+
		"mx2.mail.vendor.example toe met prioriteit 20. Houd rekening met de TTL van een uur.")
	s.reply(c, 9*day-3*hour, daan, "Oude record verwijderd en mx2 toegevoegd. We wachten de TTL af.")
	s.resolve(c, 8*day, noor, desk.OutcomeSolved, "De domeincontrole voor fabrikam-logistiek.example is nu geslaagd; "+
		"beide MX-records zijn zichtbaar. Ik sluit de case als opgelost.")
	s.reopen(c, 7*day, daan)
	s.reply(c, 7*day-1*minute, daan, "Helaas: de controle is groen, maar mail van buitenaf aan logistiek@fabrikam-logistiek.example "+
		"komt niet aan. Afzenders krijgen '550 5.4.1 Recipient address rejected: Access denied'.")
	s.note(c, 7*day-2*hour, noor, "Domein is geverifieerd maar staat niet als geaccepteerd domein ingesteld; 5.4.1 is de "+
		"adreslijstcontrole aan de rand. Klant kan dit zelf aanzetten, geen escalatie nodig.")
	s.reply(c, 7*day-2*hour-5*minute, noor, "Het domein is geverifieerd, maar nog niet ingesteld om mail te ontvangen. "+
		"Zet in de beheerconsole onder Mail > Domeinen > fabrikam-logistiek.example de optie 'Mail voor dit domein accepteren' aan "+
		"en wijs het adres logistiek@ toe aan de juiste postbus. Laat u weten of het daarna werkt?")

	// Cannot reproduce, in Norwegian.
	c = s.open(4*day, ingr, desk.NewCase{
		Product: "drive", Category: desk.CategoryTechnical, Severity: desk.SeverityLow, Language: "nb",
		Title: "Forhåndsvisning av PDF-filer viser en tom side",
		Description: "Noen brukere på Oslo-kontoret får en tom, hvit side når de åpner forhåndsvisning av PDF-filer i Drive " +
			"i nettleseren. Nedlasting fungerer, og filene åpnes fint i Acrobat. Det gjelder særlig skannede fakturaer " +
			"fra skanneren i resepsjonen.",
	})
	s.reply(c, 4*day-5*hour, sam, "Hei Ingrid, takk for god beskrivelse. Vi har testet med flere skannede PDF-er uten å se "+
		"feilen. Kan du legge ved en eksempelfil uten sensitive opplysninger, og oppgi nettleser og versjon?")
	s.reply(c, 3*day, ingr, "Vi testet igjen i dag, og nå vises forhåndsvisningen som den skal, også for de samme fakturaene "+
		"som feilet i går. Nettleseren er Edge 131.")
	s.resolve(c, 3*day-2*hour, sam, desk.OutcomeCannotReproduce, "Vi klarer ikke å gjenskape feilen, og den ser ut til å ha "+
		"gått over hos dere. Hvis den kommer tilbake, anbefaler vi:\n"+
		"1. Test i et privat vindu for å utelukke nettleserutvidelser.\n"+
		"2. Tøm hurtigbufferen for drive.vendor.example.\n"+
		"3. Still skanneren til PDF/A i stedet for sterkt komprimert PDF (MRC).\n"+
		"Svar på saken innen 30 dager, så åpner vi den igjen.")

	// Escalated to a third party and resolved that way.
	c = s.open(12*day, daan, desk.NewCase{
		Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityHigh, Language: "en",
		Title: "Mail to wingtiptoys.example rejected with 550 5.7.1",
		Description: "Since Monday all mail from fabrikam.example to our largest customer, Wingtip Toys (wingtiptoys.example), " +
			"bounces with '550 5.7.1 Service unavailable; client host [203.0.113.25] blocked using reputation list'. " +
			"Other recipients are fine. Wingtip says they changed their mail gateway last week.",
	})
	s.reply(c, 12*day-1*hour, noor, "The rejection comes from Wingtip's new gateway, not from our servers: 203.0.113.25 is "+
		"one of our outbound addresses and is not on any public blocklist. The gateway operator has to remove it from "+
		"their own reputation list. With your permission we'll contact their provider directly.")
	s.reply(c, 12*day-80*minute, daan, "Yes please, go ahead. Their IT contact is mailops@wingtiptoys.example.")
	s.escalate(c, 12*day-100*minute, noor, desk.Escalation{
		ThirdParty: "Litware Secure Gateway (Wingtip Toys' mail filtering provider)",
		Note: "Sent delisting request LW-55821 with our outbound ranges and the SPF record of fabrikam.example. " +
			"Litware's target for delisting is 2 business days.",
	})
	s.note(c, 10*day+2*hour, noor, "Litware confirms removal from their local reputation list; test messages accepted.")
	s.resolve(c, 10*day, noor, desk.OutcomeThirdParty, "Litware, the filtering provider Wingtip Toys uses, has removed our "+
		"outbound range from their local reputation list (their reference LW-55821). Test messages from fabrikam.example "+
		"to wingtiptoys.example are accepted again. If it happens again, reply here within 30 days.")

	// New, billing.
	s.open(3*hour, daan, desk.NewCase{
		Product: "mail", Category: desk.CategoryBilling, Severity: desk.SeverityNormal, Language: "nl",
		Title: "Factuur oktober: 40 licenties te veel in rekening gebracht",
		Description: "Op factuur INV-2025-10-0418 staan 890 licenties voor Mail Enterprise, maar sinds 1 oktober hebben we " +
			"er 850 toegewezen. Op 30 september hebben we 40 accounts van vertrokken uitzendkrachten verwijderd. " +
			"Graag een gecorrigeerde factuur of een creditnota.",
	})

	// An outage, resolved with the incident report on request, then closed
	// by the customer.
	c = s.open(20*day, daan, desk.NewCase{
		Product: "calendar", Category: desk.CategoryTechnical, Severity: desk.SeverityHigh, Language: "en",
		Title: "Meeting invitations not delivered to attendees since 09:15",
		Description: "Invitations created in the web calendar are not reaching attendees, internal or external. The organiser " +
			"sees the meeting, attendees get nothing. It started around 09:15 CET; the status page shows no incident yet.",
	})
	s.reply(c, 20*day-25*minute, noor, "Thank you. You are not alone: several customers in the EU region report the same, "+
		"and we have opened an incident; the status page will be updated shortly. I'll keep this case linked to it.")
	s.note(c, 20*day-30*minute, noor, "Linked to incident 'Calendar invitations delayed in EU' (since 09:05 CET). "+
		"Engineering is rolling back this morning's scheduler deployment.")
	s.reply(c, 20*day-2*hour, daan, "Thanks. Once it's fixed, could you send us the incident report? Management asks for it "+
		"because we missed two customer meetings.")
	s.resolve(c, 20*day-4*hour, noor, desk.OutcomeOutageResolved, "The incident is resolved: invitations queued between 09:05 "+
		"and 12:40 CET were delivered by 13:10. The post-incident report will be published on the status page within five "+
		"business days, and I will send you a copy as requested.")
	s.close(c, 17*day, daan)

	// Waiting on the customer, who answered: open again.
	c = s.open(30*hour, ingr, desk.NewCase{
		Product: "calendar", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal, Language: "nb",
		Title: "Møterommet Oslo-Fjorden blir dobbeltbooket",
		Description: "Møterommet «Oslo-Fjorden» (rom.fjorden@fabrikam.example) godtar to møter samtidig. Ressursen skal avvise " +
			"overlappende bookinger, og det gjorde den fram til forrige uke.",
	})
	s.requestInfo(c, 28*hour, sam, "Hei Ingrid. Kan du sende oss to eksempler på overlappende møter (tidspunkt og arrangør), "+
		"og bekrefte at rommet står på «Godta automatisk» og «Tillat konflikter: av» under Ressurser > Oslo-Fjorden > Bookingregler?")
	s.reply(c, 26*hour, ingr, "Eksempler: tirsdag 10:00–11:00 (arrangør kari@fabrikam.example) og 10:30–11:30 "+
		"(ola@fabrikam.example). «Tillat konflikter» står på av. Rommet har to delegater som godkjenner forespørsler manuelt.")
	s.note(c, 25*hour, sam, "Delegate approval from the mobile app skips the conflict check (known bug CAL-3390). "+
		"Asked the Calendar team whether the fix is in this week's release.")
}

// contosoCases are the cases of Contoso (Business, bought through
// Northwind Partners), mostly in German, one in Swedish from the
// Stockholm branch.
func contosoCases(s *script) {
	// Open, with an internal note: the customer's own smarthost.
	c := s.open(5*hour, carl, desk.NewCase{
		Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityHigh, Language: "de",
		Title: "E-Mails an externe Empfänger bis zu zwei Stunden verzögert",
		Description: "Seit heute Morgen kommen E-Mails von contoso.example bei externen Empfängern mit 60 bis 120 Minuten " +
			"Verspätung an. Intern ist alles normal. In der Nachrichtenverfolgung steht bei den betroffenen Mails " +
			"'Verzögert – 4.4.7 Message delayed'.",
	})
	s.reply(c, 4*hour+30*minute, jonas, "Guten Tag Herr Becker, danke für die Meldung. Wir sehen für contoso.example eine "+
		"wachsende Warteschlange auf dem Ausgangsconnector 'Contoso-Smarthost'. Dieser leitet alle externen Mails über "+
		"Ihren eigenen Smarthost mail-gw.contoso.example, der Verbindungen derzeit nur verzögert annimmt. Können Sie "+
		"prüfen, ob der Smarthost erreichbar ist und ob seine Warteschlange voll ist?")
	s.note(c, 4*hour+25*minute, jonas, "Kein Plattformproblem: Verzögerungen nur über den kundeneigenen Smarthost "+
		"(TLS-Handshake-Timeouts zu 198.51.100.40). Wenn der Kunde das bestätigt, Lösung 'not supported' (Kundennetzwerk).")

	// Waiting on the customer.
	c = s.open(2*day, carl, desk.NewCase{
		Product: "drive", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal, Language: "de",
		Title: "Sync-Client meldet Konflikte bei Excel-Dateien",
		Description: "Mehrere Benutzer in der Buchhaltung erhalten beim Synchronisieren die Meldung 'Konflikt: Datei wurde auf " +
			"einem anderen Gerät geändert', obwohl nur eine Person die Datei geöffnet hatte. Danach liegen zwei Kopien " +
			"im Ordner (Monatsabschluss-Konflikt-PC123.xlsx).",
	})
	s.requestInfo(c, 2*day-4*hour, jonas, "Danke für die Beschreibung. Bitte senden Sie uns:\n"+
		"1. die Version des Sync-Clients (Einstellungen > Info),\n"+
		"2. ob die Dateien in einem Ordner liegen, den mehrere Personen gleichzeitig synchronisieren,\n"+
		"3. die Protokolle eines betroffenen PCs (Einstellungen > Diagnose > 'Protokolle exportieren').")

	// Billing through the partner: solved, then closed by the customer.
	c = s.open(15*day, carl, desk.NewCase{
		Product: "mail", Category: desk.CategoryBilling, Severity: desk.SeverityNormal, Language: "de",
		Title: "Rechnung: Lizenzanzahl nach Kündigung nicht reduziert",
		Description: "Wir haben am 3. des Monats 5 Mail-Lizenzen gekündigt (Mitarbeiter ausgeschieden). Auf der Rechnung von " +
			"Northwind Partners für diesen Monat stehen aber weiterhin 120 statt 115 Lizenzen.",
	})
	s.reply(c, 15*day-3*hour, jonas, "Vielen Dank. Ihr Abonnement läuft über unseren Partner Northwind Partners, der Ihnen "+
		"die Rechnung stellt. Bei uns wurde die Reduzierung am 3. erfasst, aber erst zum nächsten Abrechnungszeitraum "+
		"wirksam. Wir haben sie rückwirkend zum 3. gebucht und Northwind informiert.")
	s.note(c, 15*day-3*hour-10*minute, jonas, "Northwind (support@northwind-partners.example) informiert, Gutschrift zugesagt. "+
		"Deren Ticket: NWP-20931.")
	s.resolve(c, 14*day, jonas, desk.OutcomeSolved, "Northwind Partners hat die Gutschrift über 5 Lizenzen ab dem 3. bestätigt; "+
		"sie erscheint auf Ihrer nächsten Rechnung.")
	s.close(c, 13*day, carl)

	// Not supported, with a recommendation.
	c = s.open(8*day, carl, desk.NewCase{
		Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityLow, Language: "en",
		Title: "Different legal footer per department",
		Description: "We'd like outgoing mail to carry a legal footer that differs by department (Sales vs. Support), " +
			"based on the sender's department attribute in the directory. Is this possible?",
	})
	s.resolve(c, 7*day, jonas, desk.OutcomeNotSupported, "Thanks for the question. Footers can only be set for the whole "+
		"organisation (Admin console > Mail > Compliance footer); conditions on directory attributes are not supported. "+
		"I have passed your request to the product team as feature request FR-1187. Other customers put the footer in "+
		"the signature templates instead, which can be deployed per group.")

	// Workaround, in Swedish.
	c = s.open(6*day, sven, desk.NewCase{
		Product: "drive", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal, Language: "sv",
		Title: "Delade länkar slutar fungera efter 30 dagar",
		Description: "Länkar som vi delar med externa leverantörer från Drive slutar fungera efter ungefär 30 dagar, och " +
			"leverantörerna får meddelandet 'Länken har upphört att gälla'. Vi har inte ställt in något utgångsdatum själva.",
	})
	s.reply(c, 6*day-2*hour, sam, "Hej Sven! Er organisation använder standardpolicyn för externa länkar: länkar till personer "+
		"utanför organisationen upphör efter 30 dagar. En superadministratör kan ändra den under Administratörspanelen > "+
		"Drive > Delning > Länkar för externa användare.")
	s.reply(c, 5*day, sven, "Tack! Vi får tyvärr inte ändra policyn, koncernens IT-säkerhet kräver 30 dagar. Finns det något annat sätt?")
	s.resolve(c, 5*day-3*hour, sam, desk.OutcomeWorkaround, "Då finns två möjligheter: 1) bjud in leverantörerna som gäster "+
		"i en delad enhet, eftersom gästkonton inte omfattas av länkpolicyn; 2) förnya länken före utgången, ägaren får "+
		"en påminnelse sju dagar innan. Vi markerar ärendet som löst med en tillfällig lösning.")

	// New, high, phone callback.
	s.open(40*minute, carl, desk.NewCase{
		Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityHigh, Language: "de",
		Title: "Anmeldung nach MFA-Umstellung nicht möglich – 12 Benutzer gesperrt",
		Description: "Nach der Umstellung auf verpflichtende Mehrfaktor-Authentifizierung heute Morgen können sich 12 Benutzer " +
			"im Außendienst nicht mehr anmelden. Nach Eingabe des Codes erscheint 'Konto vorübergehend gesperrt (AUTH-429)'. " +
			"Zurücksetzen des Passworts hilft nicht.",
		ContactMethod: desk.ContactPhone, ContactPhone: "+49 30 901 8214",
	})

	// Pre-sales: answered and closed by the agent.
	c = s.open(3*day, carl, desk.NewCase{
		Product: "mail", Category: desk.CategoryPresales, Severity: desk.SeverityNormal, Language: "en",
		Title: "Upgrade to Enterprise: chat support and critical severity?",
		Description: "We are considering moving Mail and Drive from Business to Enterprise. Does Enterprise include chat " +
			"support, and can we then open critical cases? We buy through Northwind Partners; do we upgrade through them?",
	})
	s.reply(c, 3*day-1*hour, jonas, "Enterprise adds chat to web, e-mail and phone, and shorter first-response targets "+
		"(high: 2 hours instead of 8; normal: 4 hours). Critical severity needs an extended support contract on top of "+
		"Enterprise. As your subscriptions were bought through Northwind Partners, they handle the upgrade and can quote "+
		"the extended support contract as well.")
	s.reply(c, 2*day, carl, "Thanks, that answers it. We'll talk to Northwind.")
	s.resolve(c, 2*day-1*hour, jonas, desk.OutcomeSolved, "")
	s.close(c, 1*day, jonas)
}

// history is what came over from the previous ticket system: closed cases
// from months ago, with their original timestamps. Each belongs to the
// organisation of its creator.
func history(now time.Time) []desk.ImportedCase {
	t := func(ago time.Duration) time.Time { return now.Add(-ago) }
	p := func(ago time.Duration) *time.Time { v := t(ago); return &v }
	return []desk.ImportedCase{
		{
			ExternalID: "LEGACY-10482", Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal,
			Language: "nl", CreatedBy: daan, Outcome: desk.OutcomeSolved,
			Title: "Doorsturen naar extern adres werkt niet voor gedeelde postbus",
			Description: "Berichten aan de gedeelde postbus facturen@fabrikam.example moeten worden doorgestuurd naar " +
				"ons boekhoudkantoor, maar komen daar niet aan. Voor persoonlijke postbussen werkt doorsturen wel.",
			CreatedAt: t(140 * day), ResolvedAt: p(139 * day), ClosedAt: p(132 * day),
			Messages: []desk.ImportedMessage{
				{Author: noor, CreatedAt: t(140*day - 3*hour), Body: "Automatisch doorsturen naar externe adressen staat voor uw " +
					"organisatie uit (uitgaand spambeleid). Voeg een uitzondering toe voor facturen@ onder Beveiliging > " +
					"Uitgaand beleid, of stuur door via een transportregel."},
				{Author: daan, CreatedAt: t(139*day + 2*hour), Body: "Uitzondering toegevoegd, het werkt. Dank!"},
			},
		},
		{
			ExternalID: "LEGACY-10977", Product: "drive", Category: desk.CategoryTechnical, Severity: desk.SeverityHigh,
			Language: "en", CreatedBy: daan, Outcome: desk.OutcomeWorkaround,
			Title: "Drive sync client crashes on macOS after update",
			Description: "Since the 24.3 update the sync client quits about a minute after start on our Macs (macOS 14). " +
				"About 60 users no longer have their files synced.",
			CreatedAt: t(95 * day), ResolvedAt: p(94 * day), ClosedAt: p(87 * day),
			Messages: []desk.ImportedMessage{
				{Author: noor, Internal: true, CreatedAt: t(95*day - 1*hour), Body: "Known regression in 24.3 with " +
					"folders that contain symlinks; fix planned for 24.4."},
				{Author: noor, CreatedAt: t(95*day - 2*hour), Body: "This is a known issue in version 24.3 when a synced " +
					"folder contains symbolic links. Until 24.4 ships, please roll back to 24.2 (download link in the " +
					"admin console under Drive > Clients) and pause automatic updates."},
			},
		},
		{
			ExternalID: "LEGACY-11203", Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal,
			Language: "de", CreatedBy: carl, Outcome: desk.OutcomeSolved,
			Title: "Abwesenheitsnotiz wird an externe Absender nicht gesendet",
			Description: "Die Abwesenheitsnotizen unserer Mitarbeiter gehen nur an interne Absender. Externe Kunden " +
				"bekommen keine Antwort, obwohl 'Auch an externe Absender senden' aktiviert ist.",
			CreatedAt: t(120 * day), ResolvedAt: p(119 * day), ClosedAt: p(112 * day),
			Messages: []desk.ImportedMessage{
				{Author: jonas, CreatedAt: t(120*day - 4*hour), Body: "Automatische Antworten an externe Domänen sind in " +
					"Ihrer Organisation unter Mail > Remotedomänen > Standard auf 'Nicht zulassen' gesetzt. Bitte stellen " +
					"Sie dort 'Automatische Antworten zulassen' ein."},
				{Author: carl, CreatedAt: t(119*day + 1*hour), Body: "Danke, funktioniert jetzt."},
			},
		},
		{
			ExternalID: "LEGACY-11560", Product: "drive", Category: desk.CategoryBilling, Severity: desk.SeverityLow,
			Language: "de", CreatedBy: carl, Outcome: desk.OutcomeSolved,
			Title: "Testzeitraum für Drive um 14 Tage verlängern",
			Description: "Unser Testzeitraum für Drive endet am Freitag; die Freigabe durch die Geschäftsführung kommt " +
				"erst in zwei Wochen. Kann der Test verlängert werden?",
			CreatedAt: t(70 * day), ResolvedAt: p(69 * day), ClosedAt: p(62 * day),
			Messages: []desk.ImportedMessage{
				{Author: jonas, CreatedAt: t(69 * day), Body: "Wir haben den Testzeitraum einmalig um 14 Tage verlängert. " +
					"Der Kauf erfolgt anschließend über Ihren Partner Northwind Partners."},
			},
		},
	}
}
