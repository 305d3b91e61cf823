package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"desk/webhook"
)

// TestSignReferenceVector checks Sign against the test vector of the
// Standard Webhooks reference libraries (libraries/go/webhook_test.go,
// TestWebhookSign, in github.com/standard-webhooks/standard-webhooks).
func TestSignReferenceVector(t *testing.T) {
	const (
		secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		msgID  = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		want   = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	ts := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	got, err := webhook.Sign(secret, msgID, ts, body)
	if err != nil || got != want {
		t.Fatalf("Sign = %q, %v; want %q", got, err, want)
	}
	h := http.Header{}
	if err := webhook.SetHeaders(h, secret, msgID, ts, body); err != nil {
		t.Fatal(err)
	}
	if h.Get("webhook-id") != msgID || h.Get("webhook-timestamp") != "1614265330" || h.Get("webhook-signature") != want {
		t.Fatalf("headers = %v", h)
	}
	if err := webhook.Verify(secret, h, body, ts.Add(4*time.Minute)); err != nil {
		t.Fatalf("Verify of the reference vector: %v", err)
	}
}

// TestSignIndependent computes the signature the way the specification
// describes it, separately from the package's code.
func TestSignIndependent(t *testing.T) {
	key := []byte("0123456789abcdef01234567")
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	ts := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	body := []byte(`{"type":"incident.created","data":{"id":7}}`)
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.%s", "msg_abc", ts.Unix(), body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got, err := webhook.Sign(secret, "msg_abc", ts, body); err != nil || got != want {
		t.Fatalf("Sign = %q, %v; want %q", got, err, want)
	}
	// The prefix is optional to readers of the secret, as in the reference
	// libraries.
	if got, _ := webhook.Sign(base64.StdEncoding.EncodeToString(key), "msg_abc", ts, body); got != want {
		t.Fatalf("Sign without whsec_ = %q", got)
	}
	if _, err := webhook.Sign("whsec_!!!", "msg_abc", ts, body); err == nil {
		t.Fatal("a secret that is not base64 signed")
	}
}

func TestVerify(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	ts := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	body := []byte(`{"ok":true}`)
	signed := func() http.Header {
		h := http.Header{}
		if err := webhook.SetHeaders(h, secret, "msg_1", ts, body); err != nil {
			t.Fatal(err)
		}
		return h
	}
	with := func(k, v string) http.Header { h := signed(); h.Set(k, v); return h }
	without := func(k string) http.Header { h := signed(); h.Del(k); return h }
	other, _ := webhook.Sign(secret, "msg_1", ts, []byte(`{"ok":false}`))
	for _, tc := range []struct {
		name string
		h    http.Header
		body []byte
		now  time.Time
		want error
	}{
		{"valid", signed(), body, ts, nil},
		{"within tolerance before", signed(), body, ts.Add(-webhook.Tolerance), nil},
		{"within tolerance after", signed(), body, ts.Add(webhook.Tolerance), nil},
		{"too old", signed(), body, ts.Add(webhook.Tolerance + time.Second), webhook.ErrBadTimestamp},
		{"too new", signed(), body, ts.Add(-webhook.Tolerance - time.Second), webhook.ErrBadTimestamp},
		{"bad timestamp", with("webhook-timestamp", "soon"), body, ts, webhook.ErrBadTimestamp},
		{"tampered body", signed(), []byte(`{"ok":false}`), ts, webhook.ErrNoSignature},
		{"other id", with("webhook-id", "msg_2"), body, ts, webhook.ErrNoSignature},
		{"other timestamp", with("webhook-timestamp", fmt.Sprint(ts.Unix()+1)), body, ts, webhook.ErrNoSignature},
		{"wrong signature", with("webhook-signature", other), body, ts, webhook.ErrNoSignature},
		{"several, one valid", with("webhook-signature", other+" v2,abc "+signed().Get("webhook-signature")), body, ts, nil},
		{"valid under another version", with("webhook-signature", "v2,"+signed().Get("webhook-signature")[3:]), body, ts, webhook.ErrNoSignature},
		{"no id", without("webhook-id"), body, ts, webhook.ErrMissingHeaders},
		{"no timestamp", without("webhook-timestamp"), body, ts, webhook.ErrMissingHeaders},
		{"no signature", without("webhook-signature"), body, ts, webhook.ErrMissingHeaders},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := webhook.Verify(secret, tc.h, tc.body, tc.now); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
	if err := webhook.Verify("whsec_b3RoZXI=", signed(), body, ts); !errors.Is(err, webhook.ErrNoSignature) {
		t.Fatalf("another secret: %v", err)
	}
}
