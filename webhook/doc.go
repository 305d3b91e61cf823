// Package webhook sends the desk's webhook deliveries safely.
//
// Organisation admins choose where webhooks point, so every request the
// desk makes for them is a request an outsider aimed: the classic server-
// side request forgery. The defence is in layers. CheckURL refuses a
// destination when it is saved if its host is, or resolves to, anything
// but a public internet address; numeric forms of addresses that parsers
// disagree on (2130706433, 0177.0.0.1, 0x7f.1) are refused outright. The
// Client checks again where it matters, at connect time: its dialer
// refuses every connection to a loopback, private, link-local, shared,
// multicast, reserved or documentation address, whatever name led there
// and whatever that name resolved to when the webhook was saved (DNS
// rebinding), and it follows at most three redirects, each checked the
// same way. It ignores proxy settings from the environment, which would
// otherwise carry requests past the dialer's check.
//
// Deliveries are rows of a queue (desk.WebhookDelivery) written in the
// same transaction as the incident change they tell of. A Worker claims
// due rows under a lease, posts them, and records the results, retrying
// failures with exponential backoff and full jitter for up to a day.
// Standard-format deliveries are signed in the Standard Webhooks style
// (Sign, Verify). Delivery is at least once: a worker that stops after a
// receiver accepted a delivery but before recording it leaves the row to
// be sent again once the lease ends, under the same webhook-id, by which
// the receiver recognises the duplicate.
package webhook
