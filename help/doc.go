// Package help holds the help centre's articles for the administrators of
// customer organisations and searches them.
//
// The articles are a small, embedded set written for this product (mail
// delivery, sign-in and multi-factor authentication, licences and billing,
// sharing files, calendar sync, DNS and MX records, password resets and
// data export), each in every language of the user interface: English,
// Dutch, German, Swedish and Norwegian Bokmål. They answer the questions
// admins ask most often before they contact support, which is why the
// portal's "Need help?" box shows them first.
//
// Search matches words, not strings: both the query and the articles are
// folded to lower case without diacritics ("Passwörter" matches
// "passworter"), split into words, stripped of common words ("the", "het",
// "und", "och", "og") and of common inflection endings, so that "licences"
// finds "licence" and "wachtwoorden" finds "wachtwoord". Words, the same
// folding, is exported because other parts of the desk compare free text
// the same way, such as the titles of related cases.
//
// Article bodies are plain text: paragraphs separated by blank lines, with
// lines starting "- " forming a bulleted list and lines starting "1. " a
// numbered one (see Blocks). They are never HTML, so showing them cannot
// inject markup.
package help
