package locale_test

import (
	"fmt"
	"time"

	"desk/locale"
)

func Example() {
	// A browser in Vienna, and a reader who has not chosen a language.
	lang := locale.Match("de-AT,de;q=0.9,en;q=0.5")
	zone, _ := time.LoadLocation("Europe/Vienna")
	l := locale.For(lang, zone)

	opened := time.Date(2026, 3, 3, 14, 5, 0, 0, time.UTC)
	fmt.Println(locale.Name(l.Lang))
	fmt.Println(l.T("form.results", "count", 1234))
	fmt.Println(l.DateTime(opened))
	fmt.Println(l.Relative(opened.Add(3*24*time.Hour), opened))
	fmt.Println(l.T("no.such.key"))
	// Output:
	// Deutsch
	// 1.234 Ergebnisse
	// Di., 3. März 2026 15:05 CET
	// vor 3 Tagen
	// ⟦no.such.key⟧
}
