// Package help holds the help centre's articles for the administrators of
// customer organisations, which the demo loads into the knowledge base
// (where package textsearch and the stores search them).
//
// The articles are embedded Markdown files written for this product, one
// per article and language under articles/<key>/<lang>.md, in every
// language of the user interface: English, Dutch, German, Swedish and
// Norwegian Bokmål. The same key in every language links the
// translations. They cover the admin console's products (mail delivery,
// DNS records, sign-in and multi-factor authentication, licences and
// billing, sharing files, calendar sync, data export) and support itself
// (admin roles and the Support privilege, ways to contact support,
// severities, response times, phone numbers, service health and status
// notifications, escalating, closing and rating cases). They answer the
// questions admins ask most often before they contact support, which is
// why the portal's "Need help?" box shows them first.
//
// Each file starts with front matter between two lines of "---":
//
//	---
//	title: The title in the file's language
//	category: one of Categories
//	products: comma-separated product codes, or nothing
//	visibility: public or signed-in
//	---
//	Markdown body
//
// Category, products and visibility belong to the article, so every
// language must give the same. A file that does not parse stops the
// package from loading, which its tests report. All lists the articles by
// category, in the order of Categories, then by key.
//
// Words compares free text where its language is not known, such as the
// titles of related cases: both sides are folded to lower case without
// diacritics ("Passwörter" matches "passworter"), split into words,
// stripped of the common words of every supported language ("the", "het",
// "und", "och", "og") and of common inflection endings, so that
// "licences" meets "licence" and "wachtwoorden" meets "wachtwoord".
//
// Article bodies are Markdown without HTML: paragraphs separated by blank
// lines, lines starting "- " forming a bulleted list and lines starting
// "1. " a numbered one, with **bold**, `code` and links inline. Package
// markdown renders them, through its sanitiser, wherever they are shown.
package help
