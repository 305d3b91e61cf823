package demo

import (
	"context"
	"fmt"
	"time"

	"desk"
)

// DemoWebhookURL is where Contoso's demo webhook points: a name under the
// reserved .example domain, which never resolves, so that a running demo
// never sends the organisation's health anywhere.
const DemoWebhookURL = "https://hooks.contoso.example/supportdesk/events"

// writeWebhook gives Contoso a webhook for its services, added by carl its
// support admin 80 days ago and tested right away, so that the incidents
// told afterwards fill its delivery log. The scripted service skips the
// destination check, which resolves names, because the demo's address is
// deliberately unresolvable.
func writeWebhook(ctx context.Context, svc *desk.Service, carl *desk.User) error {
	if carl == nil {
		return fmt.Errorf("no Contoso admin")
	}
	scripted := *svc
	scripted.CheckURL = nil
	h, err := scripted.CreateWebhook(ctx, carl, desk.NewWebhook{URL: DemoWebhookURL, Format: desk.WebhookStandard,
		Components: []string{"mail", "drive"}})
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	if _, err := scripted.TestWebhook(ctx, carl, h.ID); err != nil {
		return fmt.Errorf("webhook test: %w", err)
	}
	return nil
}

// settleDeliveries records the demo's deliveries as the sender would have
// done: every one arrived a second after it was queued, except one update
// of the mail incident that Contoso's receiver refused for a day (its log
// shows a given-up delivery with the receiver's error page) and one that
// arrived at the second attempt. The demo's worker then finds nothing left
// to send.
func settleDeliveries(ctx context.Context, st desk.Store, now time.Time) error {
	ds, err := st.ClaimDeliveries(ctx, "demo-seed", now, time.Minute, 1000)
	if err != nil {
		return fmt.Errorf("claim deliveries: %w", err)
	}
	failedOne, retriedOne := false, false
	for _, d := range ds {
		at := d.CreatedAt.Add(time.Second)
		d.Status, d.Attempts, d.LastStatus, d.DeliveredAt = desk.DeliveryDelivered, 1, 200, &at
		switch {
		case !failedOne && d.EventType == desk.EventIncidentUpdated:
			failedOne = true
			d.Status, d.Attempts, d.LastStatus, d.DeliveredAt = desk.DeliveryFailed, 17, 503, nil
			d.LastError = "HTTP 503: <html><body><h1>503 Service Unavailable</h1></body></html> (given up after 24 hours of retries)"
			d.NextAttemptAt = d.CreatedAt.Add(24 * time.Hour)
		case !retriedOne && d.EventType == desk.EventIncidentCreated && failedOne:
			retriedOne = true
			at = d.CreatedAt.Add(47 * time.Second)
			d.Attempts, d.DeliveredAt = 2, &at
		}
	}
	if err := st.FinishDeliveries(ctx, ds); err != nil {
		return fmt.Errorf("finish deliveries: %w", err)
	}
	return nil
}
