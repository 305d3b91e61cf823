package help

// t builds an article's texts from its title and body in each language,
// in the order of Languages.
func t(en, nl, de, sv, nb [2]string) map[string]text {
	m := map[string]text{}
	for i, tb := range [][2]string{en, nl, de, sv, nb} {
		m[Languages[i]] = text{title: tb[0], body: tb[1]}
	}
	return m
}

// articles are the help centre's articles, in the order it lists them.
// The product codes are those of the vendor's catalogue (see package
// demo); the menu paths name the admin console of the suite.
var articles = []entry{
	{id: "mail-delivery", product: "mail", texts: t(
		[2]string{"Mail is delayed or bounced: find the cause", `When messages arrive late or come back with a non-delivery report (NDR), the code in the report tells you where to look.

- Codes starting with 4 (such as 451 4.4.0 or 4.4.7) are temporary: the sending server keeps retrying for up to two days. Look for a queue on your outbound connector or smarthost.
- Codes starting with 5 (such as 550 5.7.1) are permanent: the receiving server refused the message. The text after the code usually names the reason, such as a blocked sender or a failed SPF check.

Before you contact support:

1. Check the service status for an ongoing incident with Mail.
2. Open Admin console > Mail > Message trace and search for an affected message. The trace shows each hop and the status reported there.
3. If your mail leaves through your own smarthost or a filtering service, check that it accepts connections and that its queue is not full.
4. Check your domain's SPF, DKIM and DMARC records (see the article on DNS records).

If you open a case, attach the full headers of one affected message and the complete non-delivery report, and say when the problem started and how many users are affected.`},
		[2]string{"E-mail komt vertraagd aan of wordt teruggestuurd: de oorzaak vinden", `Als berichten te laat aankomen of terugkomen met een rapport over niet-bezorging (NDR), vertelt de code in dat rapport waar u moet zoeken.

- Codes die met 4 beginnen (zoals 451 4.4.0 of 4.4.7) zijn tijdelijk: de verzendende server probeert het tot twee dagen lang opnieuw. Kijk of er een wachtrij staat op uw uitgaande connector of smarthost.
- Codes die met 5 beginnen (zoals 550 5.7.1) zijn permanent: de ontvangende server heeft het bericht geweigerd. De tekst na de code noemt meestal de reden, zoals een geblokkeerde afzender of een mislukte SPF-controle.

Voordat u contact opneemt met support:

1. Controleer de servicestatus op een lopende storing bij Mail.
2. Open Beheerconsole > Mail > Berichttracering en zoek een getroffen bericht op. De tracering toont elke tussenstap en de status die daar werd gemeld.
3. Gaat uw e-mail via uw eigen smarthost of een filterdienst naar buiten, controleer dan of die verbindingen accepteert en of de wachtrij niet vol is.
4. Controleer de SPF-, DKIM- en DMARC-records van uw domein (zie het artikel over DNS-records).

Voeg bij een case de volledige berichtkop (headers) van één getroffen bericht en het volledige rapport over niet-bezorging toe, en vermeld wanneer het probleem begon en hoeveel gebruikers er last van hebben.`},
		[2]string{"E-Mails kommen verspätet an oder werden zurückgewiesen: die Ursache finden", `Wenn Nachrichten verspätet ankommen oder mit einem Unzustellbarkeitsbericht (NDR) zurückkommen, zeigt der Code im Bericht, wo Sie suchen müssen.

- Codes, die mit 4 beginnen (etwa 451 4.4.0 oder 4.4.7), sind vorübergehend: Der sendende Server versucht es bis zu zwei Tage lang erneut. Prüfen Sie, ob sich auf Ihrem Ausgangsconnector oder Smarthost eine Warteschlange bildet.
- Codes, die mit 5 beginnen (etwa 550 5.7.1), sind endgültig: Der empfangende Server hat die Nachricht abgelehnt. Der Text nach dem Code nennt meist den Grund, zum Beispiel einen gesperrten Absender oder eine fehlgeschlagene SPF-Prüfung.

Bevor Sie den Support kontaktieren:

1. Prüfen Sie den Dienststatus auf eine laufende Störung bei Mail.
2. Öffnen Sie Admin-Konsole > Mail > Nachrichtenverfolgung und suchen Sie eine betroffene Nachricht. Die Verfolgung zeigt jede Station und den Status, der dort gemeldet wurde.
3. Wenn Ihre E-Mails über Ihren eigenen Smarthost oder einen Filterdienst hinausgehen, prüfen Sie, ob dieser Verbindungen annimmt und ob seine Warteschlange voll ist.
4. Prüfen Sie die SPF-, DKIM- und DMARC-Einträge Ihrer Domain (siehe den Artikel über DNS-Einträge).

Wenn Sie einen Fall eröffnen, hängen Sie die vollständigen Kopfzeilen (Header) einer betroffenen Nachricht und den vollständigen Unzustellbarkeitsbericht an, und geben Sie an, seit wann das Problem besteht und wie viele Benutzer betroffen sind.`},
		[2]string{"E-post försenas eller studsar: hitta orsaken", `När meddelanden kommer fram sent eller kommer tillbaka med en rapport om utebliven leverans (NDR) visar koden i rapporten var du ska leta.

- Koder som börjar med 4 (till exempel 451 4.4.0 eller 4.4.7) är tillfälliga: den sändande servern försöker igen i upp till två dagar. Kontrollera om det finns en kö på din utgående anslutning eller smarthost.
- Koder som börjar med 5 (till exempel 550 5.7.1) är permanenta: den mottagande servern har avvisat meddelandet. Texten efter koden anger oftast orsaken, till exempel en blockerad avsändare eller en misslyckad SPF-kontroll.

Innan du kontaktar supporten:

1. Kontrollera tjänstestatus för en pågående störning i Mail.
2. Öppna Administratörspanelen > Mail > Meddelandespårning och sök efter ett drabbat meddelande. Spårningen visar varje steg och den status som rapporterades där.
3. Om er e-post går ut via en egen smarthost eller en filtertjänst, kontrollera att den tar emot anslutningar och att kön inte är full.
4. Kontrollera domänens SPF-, DKIM- och DMARC-poster (se artikeln om DNS-poster).

Om du skapar ett ärende, bifoga de fullständiga rubrikerna (headers) för ett drabbat meddelande och hela rapporten om utebliven leverans, och ange när problemet började och hur många användare som berörs.`},
		[2]string{"E-post blir forsinket eller returnert: finn årsaken", `Når meldinger kommer frem for sent eller blir returnert med en rapport om manglende levering (NDR), viser koden i rapporten hvor du skal lete.

- Koder som begynner med 4 (for eksempel 451 4.4.0 eller 4.4.7), er midlertidige: den sendende serveren prøver på nytt i opptil to døgn. Sjekk om det står en kø på den utgående koblingen eller smarthosten.
- Koder som begynner med 5 (for eksempel 550 5.7.1), er permanente: den mottakende serveren har avvist meldingen. Teksten etter koden oppgir vanligvis årsaken, for eksempel en blokkert avsender eller en mislykket SPF-kontroll.

Før du kontakter kundestøtte:

1. Sjekk tjenestestatusen for en pågående driftsforstyrrelse i Mail.
2. Åpne Administrasjonskonsollen > Mail > Meldingssporing, og søk opp en berørt melding. Sporingen viser hvert ledd og statusen som ble rapportert der.
3. Hvis e-posten går ut via deres egen smarthost eller en filtertjeneste, sjekk at den tar imot tilkoblinger og at køen ikke er full.
4. Sjekk SPF-, DKIM- og DMARC-postene for domenet (se artikkelen om DNS-poster).

Hvis du oppretter en sak, legg ved de fullstendige meldingshodene (headers) for én berørt melding og hele rapporten om manglende levering, og oppgi når problemet startet og hvor mange brukere som er berørt.`},
	)},
	{id: "sign-in-mfa", texts: t(
		[2]string{"Users cannot sign in after multi-factor authentication was turned on", `After you require multi-factor authentication (MFA), each user must register a second factor at their next sign-in. Most sign-in problems in the first days have one of these causes:

- The user has not registered a method yet and the registration period has ended. Extend the period, or give the user a one-time bypass code under Admin console > Security > Multi-factor authentication.
- The phone's clock is wrong, so codes from the authenticator app are refused. Turn on automatic date and time on the phone.
- Too many wrong codes locked the account for 15 minutes (error AUTH-429). Wait, or unlock the user under Admin console > Users.
- Older mail and calendar apps that cannot show an MFA prompt need an app password or a current app.

If many users are affected at once, check the service status first. When you contact support, give the exact error message and code, the time of a failed attempt and the user's sign-in name. Never send us passwords or verification codes.`},
		[2]string{"Gebruikers kunnen niet inloggen nadat meervoudige verificatie is ingeschakeld", `Zodra u meervoudige verificatie (MFA) verplicht stelt, moet elke gebruiker bij de volgende keer inloggen een tweede factor registreren. De meeste inlogproblemen in de eerste dagen hebben een van deze oorzaken:

- De gebruiker heeft nog geen methode geregistreerd en de registratieperiode is verlopen. Verleng de periode of geef de gebruiker een eenmalige omzeilingscode via Beheerconsole > Beveiliging > Meervoudige verificatie.
- De klok van de telefoon loopt verkeerd, waardoor codes uit de authenticator-app worden geweigerd. Zet automatische datum en tijd aan op de telefoon.
- Te veel verkeerde codes hebben het account 15 minuten geblokkeerd (fout AUTH-429). Wacht, of deblokkeer de gebruiker via Beheerconsole > Gebruikers.
- Oudere mail- en agenda-apps die geen MFA-vraag kunnen tonen, hebben een app-wachtwoord of een actuele app nodig.

Hebben veel gebruikers tegelijk last, controleer dan eerst de servicestatus. Vermeld bij contact met support de exacte foutmelding en code, het tijdstip van een mislukte poging en de inlognaam van de gebruiker. Stuur ons nooit wachtwoorden of verificatiecodes.`},
		[2]string{"Benutzer können sich nach Aktivierung der Mehrfaktor-Authentifizierung nicht anmelden", `Sobald Sie die Mehrfaktor-Authentifizierung (MFA) verpflichtend machen, muss jeder Benutzer bei der nächsten Anmeldung einen zweiten Faktor registrieren. Die meisten Anmeldeprobleme in den ersten Tagen haben eine dieser Ursachen:

- Der Benutzer hat noch keine Methode registriert, und der Registrierungszeitraum ist abgelaufen. Verlängern Sie den Zeitraum, oder geben Sie dem Benutzer einen einmaligen Umgehungscode unter Admin-Konsole > Sicherheit > Mehrfaktor-Authentifizierung.
- Die Uhr des Telefons geht falsch, daher werden Codes aus der Authenticator-App abgelehnt. Aktivieren Sie auf dem Telefon die automatische Einstellung von Datum und Uhrzeit.
- Zu viele falsche Codes haben das Konto für 15 Minuten gesperrt (Fehler AUTH-429). Warten Sie, oder entsperren Sie den Benutzer unter Admin-Konsole > Benutzer.
- Ältere Mail- und Kalender-Apps, die keine MFA-Abfrage anzeigen können, brauchen ein App-Passwort oder eine aktuelle App.

Wenn viele Benutzer gleichzeitig betroffen sind, prüfen Sie zuerst den Dienststatus. Nennen Sie dem Support die genaue Fehlermeldung mit Code, den Zeitpunkt eines fehlgeschlagenen Versuchs und den Anmeldenamen des Benutzers. Senden Sie uns niemals Passwörter oder Bestätigungscodes.`},
		[2]string{"Användare kan inte logga in efter att multifaktorautentisering har aktiverats", `När du gör multifaktorautentisering (MFA) obligatorisk måste varje användare registrera en andra faktor vid nästa inloggning. De flesta inloggningsproblem under de första dagarna har någon av dessa orsaker:

- Användaren har ännu inte registrerat någon metod och registreringsperioden har gått ut. Förläng perioden, eller ge användaren en engångskod för förbikoppling under Administratörspanelen > Säkerhet > Multifaktorautentisering.
- Telefonens klocka går fel, så koderna från autentiseringsappen avvisas. Aktivera automatiskt datum och tid på telefonen.
- För många felaktiga koder har låst kontot i 15 minuter (fel AUTH-429). Vänta, eller lås upp användaren under Administratörspanelen > Användare.
- Äldre e-post- och kalenderappar som inte kan visa en MFA-fråga behöver ett applösenord eller en aktuell app.

Om många användare drabbas samtidigt, kontrollera först tjänstestatus. När du kontaktar supporten, ange exakt felmeddelande och kod, tidpunkten för ett misslyckat försök och användarens inloggningsnamn. Skicka aldrig lösenord eller verifieringskoder till oss.`},
		[2]string{"Brukere kan ikke logge på etter at flerfaktorautentisering ble slått på", `Når du gjør flerfaktorautentisering (MFA) obligatorisk, må hver bruker registrere en ekstra faktor neste gang de logger på. De fleste påloggingsproblemer de første dagene har én av disse årsakene:

- Brukeren har ikke registrert noen metode ennå, og registreringsperioden er over. Forleng perioden, eller gi brukeren en engangskode for å omgå kravet under Administrasjonskonsollen > Sikkerhet > Flerfaktorautentisering.
- Klokken på telefonen går feil, så kodene fra autentiseringsappen blir avvist. Slå på automatisk dato og tid på telefonen.
- For mange feil koder har låst kontoen i 15 minutter (feil AUTH-429). Vent, eller lås opp brukeren under Administrasjonskonsollen > Brukere.
- Eldre e-post- og kalenderapper som ikke kan vise en MFA-forespørsel, trenger et appassord eller en oppdatert app.

Hvis mange brukere er berørt samtidig, sjekk tjenestestatusen først. Når du kontakter kundestøtte, oppgi nøyaktig feilmelding og kode, tidspunktet for et mislykket forsøk og brukerens påloggingsnavn. Send oss aldri passord eller bekreftelseskoder.`},
	)},
	{id: "licences-billing", texts: t(
		[2]string{"Add or remove licences and understand your invoice", `Licences are counted per subscription. A super admin or billing admin changes them under Admin console > Billing > Subscriptions.

- Added licences take effect at once; you pay pro rata for the rest of the billing period.
- Removed licences end at the close of the current billing period, so the next invoice may still show the old number.
- A trial can be converted into a paid subscription at any time before it ends; your data is kept.
- Cancelling a paid subscription stops its renewal; the service stays available until the end of the period you paid for.

If you bought your subscription through a partner, the partner sends your invoices and changes your licences. Contact them first; their details are on the support page.

Billing and subscription cases are handled on weekdays during business hours. They can have at most the second-highest severity, because a billing question never stops your service. Give the invoice number and say which line is wrong.`},
		[2]string{"Licenties toevoegen of verwijderen en uw factuur begrijpen", `Licenties worden per abonnement geteld. Een superbeheerder of factureringsbeheerder wijzigt ze via Beheerconsole > Facturering > Abonnementen.

- Toegevoegde licenties gaan direct in; u betaalt naar rato voor de rest van de factureringsperiode.
- Verwijderde licenties vervallen aan het einde van de lopende factureringsperiode, dus de volgende factuur kan nog het oude aantal tonen.
- Een proefabonnement kunt u op elk moment vóór het einde omzetten naar een betaald abonnement; uw gegevens blijven behouden.
- Als u een betaald abonnement opzegt, wordt het niet verlengd; de service blijft beschikbaar tot het einde van de periode waarvoor u heeft betaald.

Heeft u uw abonnement via een partner gekocht, dan stuurt de partner uw facturen en wijzigt hij uw licenties. Neem eerst contact op met de partner; de gegevens staan op de supportpagina.

Cases over facturering en abonnementen worden op werkdagen tijdens kantooruren behandeld. Ze krijgen hoogstens het op één na hoogste urgentieniveau, omdat een factuurvraag uw service nooit stillegt. Vermeld het factuurnummer en welke regel niet klopt.`},
		[2]string{"Lizenzen hinzufügen oder entfernen und Ihre Rechnung verstehen", `Lizenzen werden pro Abonnement gezählt. Ein Super-Administrator oder Abrechnungsadministrator ändert sie unter Admin-Konsole > Abrechnung > Abonnements.

- Hinzugefügte Lizenzen gelten sofort; Sie zahlen anteilig für den Rest des Abrechnungszeitraums.
- Entfernte Lizenzen entfallen am Ende des laufenden Abrechnungszeitraums, daher kann die nächste Rechnung noch die alte Anzahl zeigen.
- Eine Testversion können Sie jederzeit vor ihrem Ende in ein kostenpflichtiges Abonnement umwandeln; Ihre Daten bleiben erhalten.
- Wenn Sie ein kostenpflichtiges Abonnement kündigen, wird es nicht verlängert; der Dienst bleibt bis zum Ende des bezahlten Zeitraums verfügbar.

Haben Sie Ihr Abonnement über einen Partner gekauft, stellt dieser Ihnen die Rechnungen und ändert Ihre Lizenzen. Wenden Sie sich zuerst an ihn; seine Kontaktdaten stehen auf der Support-Seite.

Fälle zu Abrechnung und Abonnements werden werktags während der Geschäftszeiten bearbeitet. Sie erhalten höchstens den zweithöchsten Schweregrad, weil eine Rechnungsfrage Ihren Dienst nie stilllegt. Geben Sie die Rechnungsnummer an und welche Position nicht stimmt.`},
		[2]string{"Lägga till eller ta bort licenser och förstå fakturan", `Licenser räknas per prenumeration. En superadministratör eller faktureringsadministratör ändrar dem under Administratörspanelen > Fakturering > Prenumerationer.

- Tillagda licenser gäller direkt; du betalar proportionellt för resten av faktureringsperioden.
- Borttagna licenser upphör i slutet av den pågående faktureringsperioden, så nästa faktura kan fortfarande visa det gamla antalet.
- En provperiod kan när som helst före slutet omvandlas till en betald prenumeration; era data finns kvar.
- Om du säger upp en betald prenumeration förnyas den inte; tjänsten är tillgänglig till slutet av den period ni har betalat för.

Om ni köpte prenumerationen via en partner skickar partnern era fakturor och ändrar era licenser. Kontakta partnern först; kontaktuppgifterna finns på supportsidan.

Ärenden om fakturering och prenumerationer hanteras på vardagar under kontorstid. De kan som högst få den näst högsta allvarlighetsgraden, eftersom en fakturafråga aldrig stoppar er tjänst. Ange fakturanumret och vilken rad som är fel.`},
		[2]string{"Legge til eller fjerne lisenser og forstå fakturaen", `Lisenser telles per abonnement. En superadministrator eller faktureringsadministrator endrer dem under Administrasjonskonsollen > Fakturering > Abonnementer.

- Lisenser du legger til, gjelder straks; du betaler forholdsmessig for resten av faktureringsperioden.
- Lisenser du fjerner, faller bort ved slutten av gjeldende faktureringsperiode, så neste faktura kan fortsatt vise det gamle antallet.
- Et prøveabonnement kan når som helst før det utløper, gjøres om til et betalt abonnement; dataene beholdes.
- Hvis du sier opp et betalt abonnement, blir det ikke fornyet; tjenesten er tilgjengelig til slutten av perioden dere har betalt for.

Hvis dere kjøpte abonnementet gjennom en partner, sender partneren fakturaene og endrer lisensene. Kontakt partneren først; kontaktinformasjonen står på kundestøttesiden.

Saker om fakturering og abonnementer behandles på hverdager i kontortiden. De kan høyst få nest høyeste alvorlighetsgrad, fordi et fakturaspørsmål aldri stanser tjenesten. Oppgi fakturanummeret og hvilken linje som er feil.`},
	)},
	{id: "sharing-files", product: "drive", texts: t(
		[2]string{"Share files and folders with people outside your organisation", `Whether people outside your organisation can open what your users share depends on the sharing policy under Admin console > Drive > Sharing.

- Links for external users expire after 30 days by default. A super admin can change the period or turn expiry off. The owner of a link gets a reminder seven days before it expires and can renew it.
- Guests invited to a shared drive are not affected by link expiry. Invite long-term partners as guests instead of sending them links.
- New subfolders inherit the permissions of their parent folder. A folder with limited access breaks this inheritance for everything below it.

If a person outside your organisation sees "The link has expired" or "You need access", check the policy first, then the permissions on the folder. When you contact support, give the link, the address of the person who cannot open it and the exact message they see.`},
		[2]string{"Bestanden en mappen delen met mensen buiten uw organisatie", `Of mensen buiten uw organisatie kunnen openen wat uw gebruikers delen, hangt af van het deelbeleid onder Beheerconsole > Drive > Delen.

- Links voor externe gebruikers verlopen standaard na 30 dagen. Een superbeheerder kan de termijn wijzigen of het verlopen uitzetten. De eigenaar van een link krijgt zeven dagen vooraf een herinnering en kan de link verlengen.
- Gasten die zijn uitgenodigd voor een gedeelde drive, hebben geen last van verlopende links. Nodig vaste partners uit als gast in plaats van ze links te sturen.
- Nieuwe submappen nemen de rechten van hun bovenliggende map over. Een map met beperkte toegang doorbreekt deze overerving voor alles wat eronder ligt.

Ziet iemand buiten uw organisatie "De link is verlopen" of "U heeft toegang nodig", controleer dan eerst het beleid en daarna de rechten op de map. Vermeld bij contact met support de link, het adres van de persoon die hem niet kan openen en de exacte melding die die persoon ziet.`},
		[2]string{"Dateien und Ordner mit Personen außerhalb Ihrer Organisation teilen", `Ob Personen außerhalb Ihrer Organisation öffnen können, was Ihre Benutzer teilen, hängt von der Freigaberichtlinie unter Admin-Konsole > Drive > Freigabe ab.

- Links für externe Benutzer laufen standardmäßig nach 30 Tagen ab. Ein Super-Administrator kann die Frist ändern oder den Ablauf abschalten. Der Besitzer eines Links wird sieben Tage vorher erinnert und kann ihn verlängern.
- Gäste, die zu einer geteilten Ablage eingeladen sind, sind vom Linkablauf nicht betroffen. Laden Sie langfristige Partner als Gäste ein, statt ihnen Links zu senden.
- Neue Unterordner übernehmen die Berechtigungen ihres übergeordneten Ordners. Ein Ordner mit eingeschränktem Zugriff unterbricht diese Vererbung für alles darunter.

Sieht eine Person außerhalb Ihrer Organisation „Der Link ist abgelaufen“ oder „Sie benötigen Zugriff“, prüfen Sie zuerst die Richtlinie und dann die Berechtigungen des Ordners. Nennen Sie dem Support den Link, die Adresse der Person, die ihn nicht öffnen kann, und die genaue Meldung, die sie sieht.`},
		[2]string{"Dela filer och mappar med personer utanför organisationen", `Om personer utanför organisationen kan öppna det som era användare delar beror på delningspolicyn under Administratörspanelen > Drive > Delning.

- Länkar för externa användare upphör som standard efter 30 dagar. En superadministratör kan ändra tiden eller stänga av utgången. Länkens ägare får en påminnelse sju dagar innan och kan förnya länken.
- Gäster som bjuds in till en delad enhet påverkas inte av att länkar upphör. Bjud in långsiktiga partner som gäster i stället för att skicka länkar till dem.
- Nya undermappar ärver behörigheterna från sin överordnade mapp. En mapp med begränsad åtkomst bryter arvet för allt under den.

Om en person utanför organisationen ser ”Länken har upphört att gälla” eller ”Du behöver åtkomst”, kontrollera först policyn och sedan behörigheterna för mappen. När du kontaktar supporten, ange länken, adressen till personen som inte kan öppna den och exakt det meddelande som personen ser.`},
		[2]string{"Dele filer og mapper med personer utenfor organisasjonen", `Om personer utenfor organisasjonen kan åpne det brukerne deler, avhenger av delingspolicyen under Administrasjonskonsollen > Drive > Deling.

- Lenker for eksterne brukere utløper som standard etter 30 dager. En superadministrator kan endre fristen eller slå av utløpet. Eieren av en lenke får en påminnelse sju dager før og kan fornye den.
- Gjester som er invitert til en delt disk, påvirkes ikke av at lenker utløper. Inviter faste samarbeidspartnere som gjester i stedet for å sende dem lenker.
- Nye undermapper arver tillatelsene fra den overordnede mappen. En mappe med begrenset tilgang bryter arven for alt under den.

Hvis en person utenfor organisasjonen ser «Lenken er utløpt» eller «Du trenger tilgang», sjekk først policyen og deretter tillatelsene på mappen. Når du kontakter kundestøtte, oppgi lenken, adressen til personen som ikke får åpnet den, og nøyaktig melding vedkommende ser.`},
	)},
	{id: "calendar-sync", product: "calendar", texts: t(
		[2]string{"Calendar does not sync on phones or desktop apps", `If new meetings do not appear on a phone or in a desktop app while the web calendar is correct, the app has usually lost its connection to the account.

1. Ask the user to sign out of the account in the app and sign in again. After a password change, apps on iPhone and Android keep using the old credentials until they sign in again.
2. Check that the app syncs calendars at all: on iPhone under Settings > Calendar > Accounts, on Android in the app's account settings.
3. Remove the account and add it again if signing in again does not help.
4. Check the time zone of the device and of the user's calendar settings; a wrong time zone shows meetings at the wrong hour, not as missing.

If meeting rooms are double-booked, check who may approve bookings for the room and whether delegates book from the mobile app.

When you contact support, give the device and app version, the time of a meeting that did not sync and its organiser.`},
		[2]string{"Agenda synchroniseert niet op telefoons of desktop-apps", `Verschijnen nieuwe afspraken niet op een telefoon of in een desktop-app terwijl de webagenda klopt, dan heeft de app meestal de verbinding met het account verloren.

1. Vraag de gebruiker om in de app uit te loggen bij het account en opnieuw in te loggen. Na een wachtwoordwijziging blijven apps op iPhone en Android de oude gegevens gebruiken tot ze opnieuw inloggen.
2. Controleer of de app agenda's überhaupt synchroniseert: op de iPhone via Instellingen > Agenda > Accounts, op Android in de accountinstellingen van de app.
3. Helpt opnieuw inloggen niet, verwijder het account dan en voeg het opnieuw toe.
4. Controleer de tijdzone van het apparaat en in de agenda-instellingen van de gebruiker; een verkeerde tijdzone toont afspraken op het verkeerde uur, niet als ontbrekend.

Worden vergaderruimtes dubbel geboekt, controleer dan wie boekingen voor de ruimte mag goedkeuren en of gemachtigden vanuit de mobiele app boeken.

Vermeld bij contact met support het apparaat en de app-versie, het tijdstip van een afspraak die niet is gesynchroniseerd en de organisator ervan.`},
		[2]string{"Kalender wird auf Telefonen oder in Desktop-Apps nicht synchronisiert", `Wenn neue Termine auf einem Telefon oder in einer Desktop-App fehlen, während der Webkalender stimmt, hat die App meist die Verbindung zum Konto verloren.

1. Bitten Sie den Benutzer, sich in der App vom Konto ab- und wieder anzumelden. Nach einer Passwortänderung verwenden Apps auf iPhone und Android die alten Anmeldedaten, bis sie sich neu anmelden.
2. Prüfen Sie, ob die App Kalender überhaupt synchronisiert: auf dem iPhone unter Einstellungen > Kalender > Accounts, auf Android in den Kontoeinstellungen der App.
3. Hilft die neue Anmeldung nicht, entfernen Sie das Konto und fügen Sie es erneut hinzu.
4. Prüfen Sie die Zeitzone des Geräts und in den Kalendereinstellungen des Benutzers; eine falsche Zeitzone zeigt Termine zur falschen Uhrzeit, nicht als fehlend.

Werden Besprechungsräume doppelt gebucht, prüfen Sie, wer Buchungen für den Raum genehmigen darf und ob Stellvertreter aus der mobilen App buchen.

Nennen Sie dem Support Gerät und App-Version, den Zeitpunkt eines nicht synchronisierten Termins und dessen Organisator.`},
		[2]string{"Kalendern synkroniseras inte i telefoner eller datorappar", `Om nya möten inte syns i en telefon eller en datorapp medan webbkalendern stämmer har appen oftast tappat anslutningen till kontot.

1. Be användaren att logga ut från kontot i appen och logga in igen. Efter ett lösenordsbyte fortsätter appar på iPhone och Android att använda de gamla uppgifterna tills de loggar in på nytt.
2. Kontrollera att appen över huvud taget synkroniserar kalendrar: på iPhone under Inställningar > Kalender > Konton, på Android i appens kontoinställningar.
3. Ta bort kontot och lägg till det igen om en ny inloggning inte hjälper.
4. Kontrollera tidszonen på enheten och i användarens kalenderinställningar; en felaktig tidszon visar möten på fel klockslag, inte som saknade.

Om mötesrum dubbelbokas, kontrollera vem som får godkänna bokningar av rummet och om ombud bokar från mobilappen.

När du kontaktar supporten, ange enhet och appversion, tidpunkten för ett möte som inte synkroniserades och vem som organiserade det.`},
		[2]string{"Kalenderen synkroniseres ikke på telefoner eller i skrivebordsapper", `Hvis nye møter ikke vises på en telefon eller i en skrivebordsapp mens nettkalenderen stemmer, har appen som regel mistet forbindelsen med kontoen.

1. Be brukeren logge av kontoen i appen og logge på igjen. Etter et passordbytte bruker apper på iPhone og Android den gamle påloggingen til de logger på på nytt.
2. Sjekk at appen i det hele tatt synkroniserer kalendere: på iPhone under Innstillinger > Kalender > Kontoer, på Android i appens kontoinnstillinger.
3. Fjern kontoen og legg den til igjen hvis ny pålogging ikke hjelper.
4. Sjekk tidssonen på enheten og i brukerens kalenderinnstillinger; feil tidssone viser møter på feil klokkeslett, ikke som manglende.

Hvis møterom blir dobbeltbooket, sjekk hvem som kan godkjenne bookinger av rommet, og om stedfortredere booker fra mobilappen.

Når du kontakter kundestøtte, oppgi enhet og appversjon, tidspunktet for et møte som ikke ble synkronisert, og hvem som var arrangør.`},
	)},
	{id: "dns-mx", product: "mail", texts: t(
		[2]string{"Set up DNS records for your domain (MX, SPF, DKIM, DMARC)", `To receive mail for a domain, and to have your mail trusted by others, your domain needs these DNS records. You add them at your DNS host; Admin console > Domains shows the exact values for each domain.

- TXT verification record: proves that the domain is yours. Add it first.
- MX record: tells other servers where to deliver your mail. Remove the MX records of your previous provider, or mail may still go there.
- SPF (a TXT record starting with v=spf1): lists the servers allowed to send for your domain. Keep one SPF record per domain and include every service that sends mail for you.
- DKIM (CNAME records): lets receivers check that messages were not changed on the way.
- DMARC (a TXT record at _dmarc): tells receivers what to do with mail that fails SPF and DKIM. Start with p=none and tighten it later.

Changes can take up to 48 hours to reach every server, depending on the TTL of the old record. Check what the world sees with nslookup -type=mx yourdomain.example or dig MX yourdomain.example.

If a record is still reported missing after 48 hours, contact support with the domain name and a screenshot of the records at your DNS host.`},
		[2]string{"DNS-records voor uw domein instellen (MX, SPF, DKIM, DMARC)", `Om e-mail voor een domein te ontvangen, en om ervoor te zorgen dat anderen uw e-mail vertrouwen, heeft uw domein deze DNS-records nodig. U voegt ze toe bij uw DNS-provider; Beheerconsole > Domeinen toont de exacte waarden per domein.

- TXT-record voor verificatie: bewijst dat het domein van u is. Voeg dit als eerste toe.
- MX-record: vertelt andere servers waar uw e-mail moet worden afgeleverd. Verwijder de MX-records van uw vorige provider, anders kan er nog e-mail naartoe gaan.
- SPF (een TXT-record dat begint met v=spf1): noemt de servers die namens uw domein mogen verzenden. Houd één SPF-record per domein aan en neem elke dienst op die e-mail voor u verstuurt.
- DKIM (CNAME-records): laat ontvangers controleren dat berichten onderweg niet zijn gewijzigd.
- DMARC (een TXT-record op _dmarc): vertelt ontvangers wat ze moeten doen met e-mail die niet door SPF en DKIM komt. Begin met p=none en maak het later strenger.

Wijzigingen kunnen tot 48 uur nodig hebben om alle servers te bereiken, afhankelijk van de TTL van het oude record. Controleer wat de buitenwereld ziet met nslookup -type=mx uwdomein.example of dig MX uwdomein.example.

Wordt een record na 48 uur nog steeds als ontbrekend gemeld, neem dan contact op met support en vermeld de domeinnaam, met een schermafbeelding van de records bij uw DNS-provider.`},
		[2]string{"DNS-Einträge für Ihre Domain einrichten (MX, SPF, DKIM, DMARC)", `Damit Sie E-Mails für eine Domain empfangen und andere Ihren E-Mails vertrauen, braucht Ihre Domain diese DNS-Einträge. Sie legen sie bei Ihrem DNS-Anbieter an; Admin-Konsole > Domains zeigt die genauen Werte für jede Domain.

- TXT-Eintrag zur Bestätigung: beweist, dass die Domain Ihnen gehört. Legen Sie ihn zuerst an.
- MX-Eintrag: sagt anderen Servern, wohin Ihre E-Mails zugestellt werden. Entfernen Sie die MX-Einträge Ihres bisherigen Anbieters, sonst kann noch Post dorthin gehen.
- SPF (ein TXT-Eintrag, der mit v=spf1 beginnt): nennt die Server, die für Ihre Domain senden dürfen. Führen Sie nur einen SPF-Eintrag pro Domain, und nehmen Sie jeden Dienst auf, der E-Mails für Sie versendet.
- DKIM (CNAME-Einträge): lässt Empfänger prüfen, dass Nachrichten unterwegs nicht verändert wurden.
- DMARC (ein TXT-Eintrag unter _dmarc): sagt Empfängern, was mit E-Mails geschehen soll, die SPF und DKIM nicht bestehen. Beginnen Sie mit p=none, und verschärfen Sie die Regel später.

Änderungen können bis zu 48 Stunden brauchen, bis alle Server sie kennen, je nach TTL des alten Eintrags. Prüfen Sie, was die Welt sieht, mit nslookup -type=mx ihredomain.example oder dig MX ihredomain.example.

Wird ein Eintrag nach 48 Stunden noch immer als fehlend gemeldet, wenden Sie sich mit dem Domainnamen und einem Screenshot der Einträge bei Ihrem DNS-Anbieter an den Support.`},
		[2]string{"Konfigurera DNS-poster för domänen (MX, SPF, DKIM, DMARC)", `För att ta emot e-post för en domän, och för att andra ska lita på er e-post, behöver domänen de här DNS-posterna. Du lägger till dem hos er DNS-leverantör; Administratörspanelen > Domäner visar exakta värden för varje domän.

- TXT-post för verifiering: bevisar att domänen är er. Lägg till den först.
- MX-post: talar om för andra servrar vart er e-post ska levereras. Ta bort den tidigare leverantörens MX-poster, annars kan e-post fortfarande hamna där.
- SPF (en TXT-post som börjar med v=spf1): anger vilka servrar som får skicka för er domän. Ha en enda SPF-post per domän och ta med varje tjänst som skickar e-post åt er.
- DKIM (CNAME-poster): låter mottagare kontrollera att meddelanden inte har ändrats på vägen.
- DMARC (en TXT-post på _dmarc): talar om för mottagare vad de ska göra med e-post som inte klarar SPF och DKIM. Börja med p=none och skärp regeln senare.

Ändringar kan ta upp till 48 timmar innan alla servrar ser dem, beroende på den gamla postens TTL. Kontrollera vad omvärlden ser med nslookup -type=mx erdoman.example eller dig MX erdoman.example.

Om en post fortfarande rapporteras som saknad efter 48 timmar, kontakta supporten och ange domännamnet, med en skärmbild av posterna hos er DNS-leverantör.`},
		[2]string{"Sette opp DNS-poster for domenet (MX, SPF, DKIM, DMARC)", `For å motta e-post for et domene, og for at andre skal stole på e-posten deres, trenger domenet disse DNS-postene. Du legger dem til hos DNS-leverandøren; Administrasjonskonsollen > Domener viser de nøyaktige verdiene for hvert domene.

- TXT-post for bekreftelse: beviser at domenet er deres. Legg den til først.
- MX-post: forteller andre servere hvor e-posten skal leveres. Fjern MX-postene til den forrige leverandøren, ellers kan det fortsatt gå e-post dit.
- SPF (en TXT-post som begynner med v=spf1): oppgir serverne som har lov til å sende for domenet. Ha én SPF-post per domene, og ta med alle tjenester som sender e-post for dere.
- DKIM (CNAME-poster): lar mottakere kontrollere at meldinger ikke er endret underveis.
- DMARC (en TXT-post på _dmarc): forteller mottakere hva de skal gjøre med e-post som ikke består SPF og DKIM. Begynn med p=none, og stram inn senere.

Endringer kan bruke opptil 48 timer på å nå alle servere, avhengig av TTL-en til den gamle posten. Sjekk hva omverdenen ser, med nslookup -type=mx dittdomene.example eller dig MX dittdomene.example.

Hvis en post fortsatt meldes som manglende etter 48 timer, kontakt kundestøtte med domenenavnet og et skjermbilde av postene hos DNS-leverandøren.`},
	)},
	{id: "password-reset", texts: t(
		[2]string{"Reset a user's password", `Admins with the User management or Super admin role reset passwords under Admin console > Users: select the user, choose Reset password, and give the temporary password to the user in person or by phone, never by e-mail to the same account.

- Tick Require a new password at next sign-in, so that only the user knows the final password.
- Resetting a password signs the user out on every device within a few minutes. Phones and desktop apps ask for the new password.
- Users can reset their own password if self-service reset is turned on under Admin console > Security and they have registered a recovery phone number or address.

If you are the only super admin and cannot sign in yourself, another super admin can reset your password. If there is none, call support: before we can help, we verify your identity by sending a code to the phone number or e-mail address registered in your organisation's profile.`},
		[2]string{"Het wachtwoord van een gebruiker opnieuw instellen", `Beheerders met de rol Gebruikersbeheer of Superbeheerder stellen wachtwoorden opnieuw in via Beheerconsole > Gebruikers: selecteer de gebruiker, kies Wachtwoord opnieuw instellen en geef het tijdelijke wachtwoord persoonlijk of telefonisch door, nooit per e-mail naar hetzelfde account.

- Vink Nieuw wachtwoord vereisen bij volgende aanmelding aan, zodat alleen de gebruiker het definitieve wachtwoord kent.
- Na het opnieuw instellen wordt de gebruiker binnen enkele minuten op alle apparaten afgemeld. Telefoons en desktop-apps vragen om het nieuwe wachtwoord.
- Gebruikers kunnen hun eigen wachtwoord opnieuw instellen als selfservice-herstel is ingeschakeld onder Beheerconsole > Beveiliging en ze een hersteltelefoonnummer of -adres hebben geregistreerd.

Bent u de enige superbeheerder en kunt u zelf niet inloggen, dan kan een andere superbeheerder uw wachtwoord opnieuw instellen. Is die er niet, bel dan support: voordat we u kunnen helpen, controleren we uw identiteit door een code te sturen naar het telefoonnummer of e-mailadres dat in het profiel van uw organisatie is geregistreerd.`},
		[2]string{"Das Passwort eines Benutzers zurücksetzen", `Administratoren mit der Rolle Benutzerverwaltung oder Super-Administrator setzen Passwörter unter Admin-Konsole > Benutzer zurück: Benutzer auswählen, Passwort zurücksetzen wählen und das vorläufige Passwort persönlich oder telefonisch weitergeben, nie per E-Mail an dasselbe Konto.

- Aktivieren Sie Bei der nächsten Anmeldung neues Passwort verlangen, damit nur der Benutzer das endgültige Passwort kennt.
- Nach dem Zurücksetzen wird der Benutzer innerhalb weniger Minuten auf allen Geräten abgemeldet. Telefone und Desktop-Apps fragen nach dem neuen Passwort.
- Benutzer können ihr Passwort selbst zurücksetzen, wenn die Self-Service-Zurücksetzung unter Admin-Konsole > Sicherheit aktiviert ist und sie eine Telefonnummer oder Adresse zur Wiederherstellung hinterlegt haben.

Sind Sie der einzige Super-Administrator und können sich selbst nicht anmelden, kann ein anderer Super-Administrator Ihr Passwort zurücksetzen. Gibt es keinen, rufen Sie den Support an: Bevor wir helfen können, prüfen wir Ihre Identität mit einem Code, den wir an die im Profil Ihrer Organisation hinterlegte Telefonnummer oder E-Mail-Adresse senden.`},
		[2]string{"Återställa en användares lösenord", `Administratörer med rollen Användarhantering eller Superadministratör återställer lösenord under Administratörspanelen > Användare: välj användaren, välj Återställ lösenord och lämna det tillfälliga lösenordet personligen eller per telefon, aldrig via e-post till samma konto.

- Markera Kräv nytt lösenord vid nästa inloggning så att bara användaren känner till det slutliga lösenordet.
- När lösenordet återställs loggas användaren ut på alla enheter inom några minuter. Telefoner och datorappar ber om det nya lösenordet.
- Användare kan återställa sitt eget lösenord om självbetjäning är aktiverad under Administratörspanelen > Säkerhet och de har registrerat ett telefonnummer eller en adress för återställning.

Om du är den enda superadministratören och inte själv kan logga in kan en annan superadministratör återställa ditt lösenord. Finns det ingen, ring supporten: innan vi kan hjälpa dig kontrollerar vi din identitet genom att skicka en kod till det telefonnummer eller den e-postadress som är registrerad i organisationens profil.`},
		[2]string{"Tilbakestille passordet til en bruker", `Administratorer med rollen Brukeradministrasjon eller Superadministrator tilbakestiller passord under Administrasjonskonsollen > Brukere: velg brukeren, velg Tilbakestill passord, og gi det midlertidige passordet til brukeren personlig eller på telefon, aldri på e-post til den samme kontoen.

- Kryss av for Krev nytt passord ved neste pålogging, slik at bare brukeren kjenner det endelige passordet.
- Når passordet tilbakestilles, blir brukeren logget av på alle enheter i løpet av noen minutter. Telefoner og skrivebordsapper ber om det nye passordet.
- Brukere kan tilbakestille sitt eget passord hvis selvbetjening er slått på under Administrasjonskonsollen > Sikkerhet og de har registrert et telefonnummer eller en adresse for gjenoppretting.

Hvis du er den eneste superadministratoren og ikke kan logge på selv, kan en annen superadministrator tilbakestille passordet ditt. Finnes det ingen, ring kundestøtte: før vi kan hjelpe, bekrefter vi identiteten din ved å sende en kode til telefonnummeret eller e-postadressen som er registrert i organisasjonens profil.`},
	)},
	{id: "data-export", texts: t(
		[2]string{"Export your organisation's data", `A super admin can export all data of the organisation under Admin console > Data > Export, for example before an audit or when you leave the service.

- The export contains mailboxes (MBOX), calendars (ICS), contacts (VCF) and Drive files in their original formats, in ZIP archives per user.
- Preparing an export can take up to 48 hours for large organisations. You get an e-mail when it is ready.
- The download links are valid for 7 days and work only for super admins of your organisation.
- Only one export can run at a time. Shared drives are exported separately from the users' own files.

To export the data of a single user, for example when someone leaves, select the user under Admin console > Users and choose Export data.

If an export stays at "Preparing" for more than two days, contact support and give the date you started it.`},
		[2]string{"De gegevens van uw organisatie exporteren", `Een superbeheerder kan alle gegevens van de organisatie exporteren via Beheerconsole > Gegevens > Exporteren, bijvoorbeeld voor een audit of als u de service verlaat.

- De export bevat postvakken (MBOX), agenda's (ICS), contactpersonen (VCF) en Drive-bestanden in hun oorspronkelijke indeling, in ZIP-archieven per gebruiker.
- Het voorbereiden van een export kan bij grote organisaties tot 48 uur duren. U krijgt een e-mail zodra hij klaar is.
- De downloadlinks zijn 7 dagen geldig en werken alleen voor superbeheerders van uw organisatie.
- Er kan maar één export tegelijk lopen. Gedeelde drives worden apart van de eigen bestanden van gebruikers geëxporteerd.

Om de gegevens van één gebruiker te exporteren, bijvoorbeeld als iemand vertrekt, selecteert u de gebruiker onder Beheerconsole > Gebruikers en kiest u Gegevens exporteren.

Blijft een export langer dan twee dagen op "Wordt voorbereid" staan, neem dan contact op met support en vermeld de datum waarop u hem startte.`},
		[2]string{"Die Daten Ihrer Organisation exportieren", `Ein Super-Administrator kann alle Daten der Organisation unter Admin-Konsole > Daten > Export exportieren, zum Beispiel vor einer Prüfung oder wenn Sie den Dienst verlassen.

- Der Export enthält Postfächer (MBOX), Kalender (ICS), Kontakte (VCF) und Drive-Dateien in ihrem ursprünglichen Format, in ZIP-Archiven pro Benutzer.
- Die Vorbereitung eines Exports kann bei großen Organisationen bis zu 48 Stunden dauern. Sie erhalten eine E-Mail, sobald er fertig ist.
- Die Download-Links sind 7 Tage gültig und funktionieren nur für Super-Administratoren Ihrer Organisation.
- Es kann immer nur ein Export laufen. Geteilte Ablagen werden getrennt von den eigenen Dateien der Benutzer exportiert.

Um die Daten eines einzelnen Benutzers zu exportieren, etwa wenn jemand das Unternehmen verlässt, wählen Sie den Benutzer unter Admin-Konsole > Benutzer aus und klicken auf Daten exportieren.

Steht ein Export länger als zwei Tage auf „Wird vorbereitet“, wenden Sie sich an den Support und nennen Sie das Datum, an dem Sie ihn gestartet haben.`},
		[2]string{"Exportera organisationens data", `En superadministratör kan exportera all data i organisationen under Administratörspanelen > Data > Export, till exempel inför en revision eller när ni lämnar tjänsten.

- Exporten innehåller postlådor (MBOX), kalendrar (ICS), kontakter (VCF) och filer i Drive i sina ursprungliga format, i ZIP-arkiv per användare.
- Att förbereda en export kan ta upp till 48 timmar för stora organisationer. Du får ett e-postmeddelande när den är klar.
- Nedladdningslänkarna gäller i 7 dagar och fungerar bara för superadministratörer i organisationen.
- Endast en export kan pågå åt gången. Delade enheter exporteras separat från användarnas egna filer.

Om du vill exportera data för en enskild användare, till exempel när någon slutar, väljer du användaren under Administratörspanelen > Användare och väljer Exportera data.

Om en export står kvar på ”Förbereds” i mer än två dagar, kontakta supporten och ange datumet då du startade den.`},
		[2]string{"Eksportere dataene til organisasjonen", `En superadministrator kan eksportere alle dataene i organisasjonen under Administrasjonskonsollen > Data > Eksport, for eksempel før en revisjon eller når dere slutter å bruke tjenesten.

- Eksporten inneholder postbokser (MBOX), kalendere (ICS), kontakter (VCF) og filer i Drive i originalformatet, i ZIP-arkiver per bruker.
- Det kan ta opptil 48 timer å klargjøre en eksport for store organisasjoner. Du får en e-post når den er klar.
- Nedlastingslenkene er gyldige i 7 dager og fungerer bare for superadministratorer i organisasjonen.
- Bare én eksport kan kjøre om gangen. Delte disker eksporteres separat fra brukernes egne filer.

For å eksportere dataene til én bruker, for eksempel når noen slutter, velger du brukeren under Administrasjonskonsollen > Brukere og velger Eksporter data.

Hvis en eksport står på «Klargjøres» i mer enn to dager, kontakt kundestøtte og oppgi datoen du startet den.`},
	)},
}
