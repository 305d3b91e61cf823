package desk

import (
	"slices"
	"strconv"
	"strings"
)

// Macro is a canned response: a reply that agents insert and then adapt
// instead of typing the same text again. Its body exists in every support
// language, because it is sent in the case's language, which is often not
// the agent's own. Bodies may hold the placeholders {customer_name},
// {case_id} and {agent_name}.
//
// The macros are data shipped with the desk rather than rows in the store:
// a handful of well-translated texts serve every installation, and a
// change to them is reviewed like any other change. A store table and an
// editor for supervisors can replace BuiltinMacros later without changing
// how the console uses them.
type Macro struct {
	ID string
	// Title names the macro in the agent's list, per language.
	Title map[string]string
	// Body is the text of the reply, per language.
	Body map[string]string
}

// MacroValues fill in a macro's placeholders.
type MacroValues struct {
	CustomerName string
	CaseID       int64
	AgentName    string
}

// TitleIn returns the macro's title in lang, or in English when it has
// none in lang.
func (m *Macro) TitleIn(lang string) string {
	if t, ok := m.Title[lang]; ok {
		return t
	}
	return m.Title["en"]
}

// Render returns the macro's body in lang (English when it has none in
// lang) with its placeholders filled in. The values are substituted in
// one pass, so a customer named "{agent_name}" stays as written.
func (m *Macro) Render(lang string, v MacroValues) string {
	body, ok := m.Body[lang]
	if !ok {
		body = m.Body["en"]
	}
	return strings.NewReplacer(
		"{customer_name}", v.CustomerName,
		"{case_id}", strconv.FormatInt(v.CaseID, 10),
		"{agent_name}", v.AgentName,
	).Replace(body)
}

// MacroPlaceholders are the placeholders a macro body may use.
var MacroPlaceholders = []string{"{customer_name}", "{case_id}", "{agent_name}"}

// MacroByID returns the built-in macro with the given id, or nil.
func MacroByID(id string) *Macro {
	for _, m := range builtinMacros {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// BuiltinMacros returns the macros the desk ships with, in the order the
// console lists them.
// The slice is a copy, so that a caller reordering it changes nothing here.
func BuiltinMacros() []*Macro { return slices.Clone(builtinMacros) }

var builtinMacros = []*Macro{
	{
		ID: "acknowledge",
		Title: map[string]string{
			"en": "Acknowledge: we are on it",
			"nl": "Bevestiging: we gaan ermee aan de slag",
			"de": "Eingangsbestätigung: wir kümmern uns darum",
			"sv": "Bekräftelse: vi tittar på det",
			"nb": "Bekreftelse: vi ser på saken",
		},
		Body: map[string]string{
			"en": "Hello {customer_name},\n\nThank you for contacting us. We have received case #{case_id} and are looking into it now. We will update you as soon as we know more.\n\nKind regards,\n{agent_name}",
			"nl": "Beste {customer_name},\n\nDank u voor uw bericht. We hebben aanvraag #{case_id} ontvangen en onderzoeken die nu. Zodra we meer weten, hoort u van ons.\n\nMet vriendelijke groet,\n{agent_name}",
			"de": "Guten Tag {customer_name},\n\nvielen Dank für Ihre Nachricht. Wir haben Ihre Anfrage #{case_id} erhalten und sehen sie uns gerade an. Sobald wir mehr wissen, melden wir uns bei Ihnen.\n\nMit freundlichen Grüßen\n{agent_name}",
			"sv": "Hej {customer_name}!\n\nTack för att du kontaktade oss. Vi har tagit emot ärende #{case_id} och undersöker det nu. Vi hör av oss så snart vi vet mer.\n\nVänliga hälsningar\n{agent_name}",
			"nb": "Hei {customer_name},\n\nTakk for at du kontaktet oss. Vi har mottatt sak #{case_id} og undersøker den nå. Vi gir deg beskjed så snart vi vet mer.\n\nVennlig hilsen\n{agent_name}",
		},
	},
	{
		ID: "more_info",
		Title: map[string]string{
			"en": "Ask for details (time, accounts, steps, logs)",
			"nl": "Om gegevens vragen (tijdstip, accounts, stappen, logboeken)",
			"de": "Details anfordern (Zeitpunkt, Konten, Schritte, Protokolle)",
			"sv": "Be om detaljer (tidpunkt, konton, steg, loggar)",
			"nb": "Be om detaljer (tidspunkt, kontoer, trinn, logger)",
		},
		Body: map[string]string{
			"en": "Hello {customer_name},\n\nTo investigate case #{case_id} further, we need a few details:\n\n1. The exact time (with time zone) the problem last occurred.\n2. The user accounts or addresses affected.\n3. The steps that lead to the problem, and the full text of any error message.\n4. Screenshots or log files, if you have them (you can attach them to this case).\n\nAs soon as we have this information, we will continue.\n\nKind regards,\n{agent_name}",
			"nl": "Beste {customer_name},\n\nOm aanvraag #{case_id} verder te onderzoeken, hebben we nog enkele gegevens nodig:\n\n1. Het precieze tijdstip (met tijdzone) waarop het probleem het laatst optrad.\n2. De betrokken gebruikersaccounts of adressen.\n3. De stappen die tot het probleem leiden, en de volledige tekst van eventuele foutmeldingen.\n4. Schermafbeeldingen of logbestanden, als u die heeft (u kunt ze aan deze aanvraag toevoegen).\n\nZodra we deze gegevens hebben, gaan we verder.\n\nMet vriendelijke groet,\n{agent_name}",
			"de": "Guten Tag {customer_name},\n\num Ihre Anfrage #{case_id} weiter zu untersuchen, benötigen wir noch einige Angaben:\n\n1. Den genauen Zeitpunkt (mit Zeitzone), zu dem das Problem zuletzt auftrat.\n2. Die betroffenen Benutzerkonten oder Adressen.\n3. Die Schritte, die zu dem Problem führen, und den vollständigen Text etwaiger Fehlermeldungen.\n4. Bildschirmfotos oder Protokolldateien, falls vorhanden (Sie können sie an diese Anfrage anhängen).\n\nSobald uns diese Angaben vorliegen, machen wir weiter.\n\nMit freundlichen Grüßen\n{agent_name}",
			"sv": "Hej {customer_name}!\n\nFör att kunna undersöka ärende #{case_id} vidare behöver vi några uppgifter:\n\n1. Exakt tidpunkt (med tidszon) då problemet senast uppstod.\n2. Vilka användarkonton eller adresser som berörs.\n3. Stegen som leder till problemet och den fullständiga texten i eventuella felmeddelanden.\n4. Skärmbilder eller loggfiler om du har sådana (du kan bifoga dem till ärendet).\n\nSå snart vi har uppgifterna går vi vidare.\n\nVänliga hälsningar\n{agent_name}",
			"nb": "Hei {customer_name},\n\nFor å undersøke sak #{case_id} videre trenger vi noen opplysninger:\n\n1. Nøyaktig tidspunkt (med tidssone) da problemet sist oppstod.\n2. Hvilke brukerkontoer eller adresser som er berørt.\n3. Trinnene som fører til problemet, og hele teksten i eventuelle feilmeldinger.\n4. Skjermbilder eller loggfiler hvis du har det (du kan legge dem ved saken).\n\nSå snart vi har opplysningene, går vi videre.\n\nVennlig hilsen\n{agent_name}",
		},
	},
	{
		ID: "known_issue",
		Title: map[string]string{
			"en": "Known issue, fix in progress",
			"nl": "Bekend probleem, oplossing in de maak",
			"de": "Bekanntes Problem, Behebung in Arbeit",
			"sv": "Känt problem, åtgärd pågår",
			"nb": "Kjent problem, retting pågår",
		},
		Body: map[string]string{
			"en": "Hello {customer_name},\n\nThank you for your patience. What you describe in case #{case_id} is a known issue, and our engineers are working on a fix. We will keep this case open and let you know as soon as the fix is available.\n\nKind regards,\n{agent_name}",
			"nl": "Beste {customer_name},\n\nDank u voor uw geduld. Wat u in aanvraag #{case_id} beschrijft, is een bekend probleem; onze engineers werken aan een oplossing. We houden deze aanvraag open en laten u weten zodra de oplossing beschikbaar is.\n\nMet vriendelijke groet,\n{agent_name}",
			"de": "Guten Tag {customer_name},\n\nvielen Dank für Ihre Geduld. Das in Anfrage #{case_id} beschriebene Verhalten ist ein bekanntes Problem, an dessen Behebung unsere Entwickler arbeiten. Wir lassen diese Anfrage offen und informieren Sie, sobald die Korrektur verfügbar ist.\n\nMit freundlichen Grüßen\n{agent_name}",
			"sv": "Hej {customer_name}!\n\nTack för ditt tålamod. Det du beskriver i ärende #{case_id} är ett känt problem och våra tekniker arbetar på en åtgärd. Vi låter ärendet vara öppet och meddelar dig så snart åtgärden finns tillgänglig.\n\nVänliga hälsningar\n{agent_name}",
			"nb": "Hei {customer_name},\n\nTakk for tålmodigheten. Det du beskriver i sak #{case_id}, er et kjent problem, og teknikerne våre jobber med en retting. Vi holder saken åpen og gir deg beskjed så snart rettingen er tilgjengelig.\n\nVennlig hilsen\n{agent_name}",
		},
	},
	{
		ID: "escalated",
		Title: map[string]string{
			"en": "Passed to a specialist team",
			"nl": "Doorgezet naar een specialistisch team",
			"de": "An ein Spezialistenteam übergeben",
			"sv": "Överlämnat till ett specialistteam",
			"nb": "Sendt videre til et spesialistteam",
		},
		Body: map[string]string{
			"en": "Hello {customer_name},\n\nWe have passed case #{case_id} to a specialist team for a closer analysis. You do not need to do anything for now; we will update you as soon as we hear back from them.\n\nKind regards,\n{agent_name}",
			"nl": "Beste {customer_name},\n\nWe hebben aanvraag #{case_id} voor nadere analyse doorgezet naar een specialistisch team. U hoeft op dit moment niets te doen; we laten u weten zodra we van hen horen.\n\nMet vriendelijke groet,\n{agent_name}",
			"de": "Guten Tag {customer_name},\n\nwir haben Ihre Anfrage #{case_id} zur genaueren Analyse an ein Spezialistenteam übergeben. Sie müssen im Moment nichts tun; wir melden uns, sobald wir eine Rückmeldung des Teams haben.\n\nMit freundlichen Grüßen\n{agent_name}",
			"sv": "Hej {customer_name}!\n\nVi har lämnat över ärende #{case_id} till ett specialistteam för en närmare analys. Du behöver inte göra något just nu; vi hör av oss så snart vi fått svar från dem.\n\nVänliga hälsningar\n{agent_name}",
			"nb": "Hei {customer_name},\n\nVi har sendt sak #{case_id} videre til et spesialistteam for en grundigere analyse. Du trenger ikke gjøre noe nå; vi gir deg beskjed så snart vi har hørt fra dem.\n\nVennlig hilsen\n{agent_name}",
		},
	},
	{
		ID: "check_solution",
		Title: map[string]string{
			"en": "Follow up: did the solution work?",
			"nl": "Navraag: heeft de oplossing gewerkt?",
			"de": "Nachfrage: hat die Lösung geholfen?",
			"sv": "Uppföljning: fungerade lösningen?",
			"nb": "Oppfølging: virket løsningen?",
		},
		Body: map[string]string{
			"en": "Hello {customer_name},\n\nCould you let us know whether the suggested solution resolved the problem in case #{case_id}? If we do not hear from you, we will assume that it did and resolve the case.\n\nKind regards,\n{agent_name}",
			"nl": "Beste {customer_name},\n\nWilt u ons laten weten of de voorgestelde oplossing het probleem in aanvraag #{case_id} heeft verholpen? Als we niets van u horen, gaan we ervan uit dat dit zo is en ronden we de aanvraag af.\n\nMet vriendelijke groet,\n{agent_name}",
			"de": "Guten Tag {customer_name},\n\nkönnen Sie uns kurz mitteilen, ob die vorgeschlagene Lösung das Problem in Anfrage #{case_id} behoben hat? Wenn wir nichts von Ihnen hören, gehen wir davon aus und schließen die Anfrage als gelöst ab.\n\nMit freundlichen Grüßen\n{agent_name}",
			"sv": "Hej {customer_name}!\n\nKan du meddela oss om den föreslagna lösningen löste problemet i ärende #{case_id}? Om vi inte hör av dig utgår vi från att den gjorde det och markerar ärendet som löst.\n\nVänliga hälsningar\n{agent_name}",
			"nb": "Hei {customer_name},\n\nKan du gi oss beskjed om den foreslåtte løsningen løste problemet i sak #{case_id}? Hvis vi ikke hører fra deg, går vi ut fra at den gjorde det, og markerer saken som løst.\n\nVennlig hilsen\n{agent_name}",
		},
	},
	{
		ID: "resolved",
		Title: map[string]string{
			"en": "Wrap up: problem solved",
			"nl": "Afronden: probleem opgelost",
			"de": "Abschluss: Problem gelöst",
			"sv": "Avslut: problemet är löst",
			"nb": "Avslutning: problemet er løst",
		},
		Body: map[string]string{
			"en": "Hello {customer_name},\n\nWe are glad the problem is solved, and we are now resolving case #{case_id}. Should the problem return, simply reply to this case and we will pick it up again.\n\nKind regards,\n{agent_name}",
			"nl": "Beste {customer_name},\n\nFijn dat het probleem is opgelost; we ronden aanvraag #{case_id} nu af. Komt het probleem terug, antwoord dan gewoon op deze aanvraag en we pakken hem weer op.\n\nMet vriendelijke groet,\n{agent_name}",
			"de": "Guten Tag {customer_name},\n\nes freut uns, dass das Problem gelöst ist; wir schließen Anfrage #{case_id} nun ab. Sollte das Problem erneut auftreten, antworten Sie einfach auf diese Anfrage, und wir nehmen sie wieder auf.\n\nMit freundlichen Grüßen\n{agent_name}",
			"sv": "Hej {customer_name}!\n\nVad roligt att problemet är löst. Vi markerar nu ärende #{case_id} som löst. Om problemet kommer tillbaka svarar du bara på ärendet, så tar vi upp det igen.\n\nVänliga hälsningar\n{agent_name}",
			"nb": "Hei {customer_name},\n\nSå bra at problemet er løst. Vi markerer nå sak #{case_id} som løst. Hvis problemet kommer tilbake, svarer du bare på saken, så tar vi den opp igjen.\n\nVennlig hilsen\n{agent_name}",
		},
	},
}
