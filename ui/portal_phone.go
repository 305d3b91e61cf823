package ui

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"desk/bizhours"
	"desk/help"
	"desk/locale"
	"desk/phones"
)

// phoneData is what the phone directory shows.
type phoneData struct {
	// Country is the reader's country, picked or guessed, and Mine the
	// lines serving it; Others are the rest of the directory.
	Country     string
	CountryName string
	Countries   []portalChoice
	Mine        []lineView
	Others      []lineView
}

// lineView is a support line in the reader's words and time.
type lineView struct {
	Key, Region         string
	Number, Alternative string
	// Tel and Alt are the numbers as tel: links.
	Tel, Alt template.URL
	OpenNow  bool
	Services []serviceView
}

// serviceView is one service of a line: what it helps with, when, in
// which languages, and whether it answers now.
type serviceView struct {
	Name      string
	Languages string
	// Hours are the opening hours in the line's own zone, and YourTime
	// the same hours in the reader's zone when that differs.
	Hours    string
	YourTime string
	// Now says whether it is open now and until when, or when it opens,
	// in the reader's time.
	Now     string
	OpenNow bool
	Note    string
}

// zoneCountries guesses a country from an organisation's time zone, for
// the zones of the countries the directory serves; Australian zones are
// matched by prefix.
var zoneCountries = map[string]string{
	"Europe/Amsterdam": "NL", "Europe/Berlin": "DE", "Europe/Stockholm": "SE", "Europe/Oslo": "NO",
	"Europe/London": "GB", "Europe/Dublin": "IE", "Europe/Paris": "FR", "Europe/Brussels": "BE",
	"Europe/Luxembourg": "LU", "Europe/Vienna": "AT", "Europe/Copenhagen": "DK", "Europe/Helsinki": "FI",
	"Europe/Madrid": "ES", "Europe/Lisbon": "PT", "Europe/Rome": "IT", "Europe/Warsaw": "PL",
	"Europe/Prague": "CZ", "Europe/Bratislava": "SK", "Europe/Budapest": "HU", "Europe/Ljubljana": "SI",
	"Europe/Zagreb": "HR", "Europe/Bucharest": "RO", "Europe/Sofia": "BG", "Europe/Athens": "GR",
	"Europe/Vilnius": "LT", "Europe/Riga": "LV", "Europe/Tallinn": "EE", "Europe/Malta": "MT",
	"Asia/Nicosia": "CY", "Europe/Vaduz": "LI", "Atlantic/Reykjavik": "IS",
	"America/New_York": "US", "America/Chicago": "US", "America/Denver": "US", "America/Phoenix": "US",
	"America/Los_Angeles": "US", "America/Anchorage": "US", "Pacific/Honolulu": "US",
	"America/Toronto": "CA", "America/Vancouver": "CA", "America/Edmonton": "CA", "America/Winnipeg": "CA",
	"America/Halifax": "CA", "America/St_Johns": "CA", "Asia/Shanghai": "CN",
}

// countryOfZone returns the country of a time zone the directory knows,
// or "".
func countryOfZone(tz string) string {
	if c, ok := zoneCountries[tz]; ok {
		return c
	}
	if strings.HasPrefix(tz, "Australia/") {
		return "AU"
	}
	return ""
}

// servedCountries returns the codes of every country a line serves.
func servedCountries() []string {
	var out []string
	for _, l := range phones.Directory() {
		for _, c := range l.Countries {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// portalPhone shows the directory of support lines, the reader's country first,
// with whether each line answers now.
func (s *Server) portalPhone(w http.ResponseWriter, r *http.Request, p *Page) error {
	opts, err := s.Service.SupportOptions(r.Context(), p.User)
	if err != nil {
		return err
	}
	served := servedCountries()
	d := &phoneData{}
	for _, c := range served {
		d.Countries = append(d.Countries, portalChoice{Value: c, Label: countryName(c, p.L.Lang)})
	}
	slices.SortFunc(d.Countries, func(a, b portalChoice) int { return strings.Compare(help.Fold(a.Label), help.Fold(b.Label)) })
	for _, c := range []string{strings.ToUpper(r.URL.Query().Get("country")), countryOfZone(opts.Org.TimeZone), countryOfZone(p.User.TimeZone)} {
		if slices.Contains(served, c) {
			d.Country = c
			break
		}
	}
	now := s.Service.Clock.Now()
	var mine []string
	if d.Country != "" {
		d.CountryName = countryName(d.Country, p.L.Lang)
		for _, l := range phones.ForCountry(d.Country) {
			d.Mine = append(d.Mine, lineOf(p.L, l, now))
			mine = append(mine, l.Key)
		}
	}
	for _, l := range phones.Directory() {
		if !slices.Contains(mine, l.Key) {
			d.Others = append(d.Others, lineOf(p.L, l, now))
		}
	}
	p.Title, p.Data = "nav.phone_support", d
	p.Form = NewForm(nil)
	p.Form.Values.Set("country", d.Country)
	return s.render(w, r, http.StatusOK, "portal_phone", p)
}

// lineOf prepares a line of the directory for the reader at now.
func lineOf(l *locale.Locale, ln phones.Line, now time.Time) lineView {
	v := lineView{Key: ln.Key, Region: ln.Region[l.Lang], Number: ln.Number, Tel: telLink(ln.Number),
		Alternative: ln.Alternative, OpenNow: ln.Open(now)}
	if v.Region == "" {
		v.Region = ln.Region["en"]
	}
	if ln.Alternative != "" {
		v.Alt = telLink(ln.Alternative)
	}
	for i, h := range ln.Hours {
		sv := serviceView{Name: l.T("portal.phone.service." + string(h.Service)), OpenNow: h.Calendar.IsOpen(now)}
		var langs []string
		for _, code := range h.Languages {
			langs = append(langs, l.T("portal.lang."+code))
		}
		sv.Languages = strings.Join(langs, ", ")
		sv.Hours, sv.YourTime = hoursText(l, h.Calendar, now)
		sv.Now = nowText(l, h.Calendar, now)
		if h.Note != "" {
			sv.Note = l.T(phoneNoteKey(ln.Key, i))
		}
		v.Services = append(v.Services, sv)
	}
	return v
}

// phoneNoteKey is the catalogue key of the note of a line's i-th hours; the
// directory's notes are English, so each has a translation.
func phoneNoteKey(line string, i int) string {
	return "portal.phone.note." + line + "." + strconv.Itoa(i)
}

// telLink returns a number as a tel: link. html/template lets only a few
// URL schemes through as they are, and tel: is not among them; the link
// is safe to mark as a URL because it holds nothing but digits and "+".
func telLink(number string) template.URL {
	return template.URL("tel:" + strings.Map(func(r rune) rune {
		if r == '+' || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, number))
}

// hoursText describes a calendar's weekly hours in its own zone,
// "Monday to Friday, 09:00–17:00 (CET)", and the same hours in the
// reader's zone when the zones differ: a Sydney desk open Monday to
// Friday 09:00–18:00 is open "Sunday to Thursday, 23:00–08:00" for a
// reader in Berlin.
func hoursText(l *locale.Locale, c *bizhours.Calendar, now time.Time) (hours, yours string) {
	if c.AlwaysOpen {
		return l.T("portal.phone.always"), ""
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	reader := l.Zone
	if reader == nil {
		reader = time.UTC
	}
	// Group the days with the same hours, Monday first, as people read a
	// week. Days and times are joined by punctuation, which is the same in
	// every language the interface has.
	week := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var parts, mine []string
	for i := 0; i < len(week); {
		j := i
		for j+1 < len(week) && slices.Equal(c.Week[week[j+1]], c.Week[week[i]]) {
			j++
		}
		every := i == 0 && j == len(week)-1
		if ivs := c.Week[week[i]]; len(ivs) > 0 {
			var times []string
			for _, iv := range ivs {
				times = append(times, iv.String())
				start, end := nextInterval(loc, week[i], iv, now)
				// The reader's days are the desk's, moved by the day the
				// zones put between them.
				shift := time.Weekday(0)
				if sd, rd := start.In(loc).Weekday(), start.In(reader).Weekday(); rd != sd {
					shift = (rd - sd + 7) % 7
				}
				mine = append(mine, dayRange(l, (week[i]+shift)%7, (week[j]+shift)%7, every)+", "+l.Time(start)+"–"+l.Time(end))
			}
			parts = append(parts, dayRange(l, week[i], week[j], every)+", "+strings.Join(times, ", "))
		}
		i = j + 1
	}
	hours = strings.Join(parts, "; ") + " (" + now.In(loc).Format("MST") + ")"
	if now.In(loc).Format("-0700") != now.In(reader).Format("-0700") {
		yours = l.T("portal.phone.your_time", "hours", strings.Join(mine, "; "))
	}
	return hours, yours
}

// dayRange names the days from..to: one day, a range, or every day.
func dayRange(l *locale.Locale, from, to time.Weekday, every bool) string {
	switch {
	case every:
		return l.T("portal.phone.every_day")
	case from == to:
		return l.Weekday(from)
	}
	return l.T("portal.phone.day_range", "from", l.Weekday(from), "to", l.Weekday(to))
}

// nextInterval returns when an interval of a desk's day next begins and
// ends, on the next such day from now in the desk's zone.
func nextInterval(loc *time.Location, day time.Weekday, iv bizhours.Interval, now time.Time) (start, end time.Time) {
	t := now.In(loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for d.Weekday() != day {
		d = d.AddDate(0, 0, 1)
	}
	// Wall-clock minutes, so that a day with a clock change still opens
	// at its stated time.
	start = time.Date(d.Year(), d.Month(), d.Day(), 0, iv.Start, 0, 0, loc)
	end = time.Date(d.Year(), d.Month(), d.Day(), 0, iv.End, 0, 0, loc)
	return start, end
}

// nowText says whether a line's service answers now, and until when or
// from when, in the reader's time.
func nowText(l *locale.Locale, c *bizhours.Calendar, now time.Time) string {
	if c.AlwaysOpen {
		return l.T("portal.phone.open_always")
	}
	if c.IsOpen(now) {
		if end, ok := lineClosing(c, now); ok {
			return l.T("portal.phone.open_until", "when", portalWhen(l, now, end))
		}
		return l.T("portal.phone.open")
	}
	next := c.NextOpen(now)
	if next.IsZero() {
		return l.T("portal.phone.closed")
	}
	return l.T("portal.phone.opens", "when", portalWhen(l, now, next))
}

// lineClosing returns when the open interval around now ends.
func lineClosing(c *bizhours.Calendar, now time.Time) (time.Time, bool) {
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	t := now.In(loc)
	mins := t.Hour()*60 + t.Minute()
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for _, iv := range c.Week[t.Weekday()] {
		if iv.Start <= mins && mins < iv.End {
			return midnight.Add(time.Duration(iv.End) * time.Minute), true
		}
	}
	return time.Time{}, false
}

// countryName returns the name of a country the directory serves in the
// reader's language. Country names are data, like the lines' region
// names in package phones, rather than catalogue messages: many are
// written the same in several languages ("Portugal", "Malta"), which the
// catalogue rightly treats as a missed translation.
func countryName(code, lang string) string {
	names, ok := countryNames[code]
	if !ok {
		return code
	}
	i := slices.Index(locale.Languages, lang)
	if i < 0 {
		i = 0
	}
	return names[i]
}

// countryNames are the countries the directory serves, in the order of
// locale.Languages: English, Dutch, German, Swedish, Norwegian Bokmål.
var countryNames = map[string][5]string{
	"AT": {"Austria", "Oostenrijk", "Österreich", "Österrike", "Østerrike"},
	"AU": {"Australia", "Australië", "Australien", "Australien", "Australia"},
	"BE": {"Belgium", "België", "Belgien", "Belgien", "Belgia"},
	"BG": {"Bulgaria", "Bulgarije", "Bulgarien", "Bulgarien", "Bulgaria"},
	"CA": {"Canada", "Canada", "Kanada", "Kanada", "Canada"},
	"CN": {"China", "China", "China", "Kina", "Kina"},
	"CY": {"Cyprus", "Cyprus", "Zypern", "Cypern", "Kypros"},
	"CZ": {"Czechia", "Tsjechië", "Tschechien", "Tjeckien", "Tsjekkia"},
	"DE": {"Germany", "Duitsland", "Deutschland", "Tyskland", "Tyskland"},
	"DK": {"Denmark", "Denemarken", "Dänemark", "Danmark", "Danmark"},
	"EE": {"Estonia", "Estland", "Estland", "Estland", "Estland"},
	"ES": {"Spain", "Spanje", "Spanien", "Spanien", "Spania"},
	"FI": {"Finland", "Finland", "Finnland", "Finland", "Finland"},
	"FR": {"France", "Frankrijk", "Frankreich", "Frankrike", "Frankrike"},
	"GB": {"United Kingdom", "Verenigd Koninkrijk", "Vereinigtes Königreich", "Storbritannien", "Storbritannia"},
	"GR": {"Greece", "Griekenland", "Griechenland", "Grekland", "Hellas"},
	"HR": {"Croatia", "Kroatië", "Kroatien", "Kroatien", "Kroatia"},
	"HU": {"Hungary", "Hongarije", "Ungarn", "Ungern", "Ungarn"},
	"IE": {"Ireland", "Ierland", "Irland", "Irland", "Irland"},
	"IS": {"Iceland", "IJsland", "Island", "Island", "Island"},
	"IT": {"Italy", "Italië", "Italien", "Italien", "Italia"},
	"LI": {"Liechtenstein", "Liechtenstein", "Liechtenstein", "Liechtenstein", "Liechtenstein"},
	"LT": {"Lithuania", "Litouwen", "Litauen", "Litauen", "Litauen"},
	"LU": {"Luxembourg", "Luxemburg", "Luxemburg", "Luxemburg", "Luxembourg"},
	"LV": {"Latvia", "Letland", "Lettland", "Lettland", "Latvia"},
	"MT": {"Malta", "Malta", "Malta", "Malta", "Malta"},
	"NL": {"Netherlands", "Nederland", "Niederlande", "Nederländerna", "Nederland"},
	"NO": {"Norway", "Noorwegen", "Norwegen", "Norge", "Norge"},
	"PL": {"Poland", "Polen", "Polen", "Polen", "Polen"},
	"PT": {"Portugal", "Portugal", "Portugal", "Portugal", "Portugal"},
	"RO": {"Romania", "Roemenië", "Rumänien", "Rumänien", "Romania"},
	"SE": {"Sweden", "Zweden", "Schweden", "Sverige", "Sverige"},
	"SI": {"Slovenia", "Slovenië", "Slowenien", "Slovenien", "Slovenia"},
	"SK": {"Slovakia", "Slowakije", "Slowakei", "Slovakien", "Slovakia"},
	"US": {"United States", "Verenigde Staten", "Vereinigte Staaten", "USA", "USA"},
}
