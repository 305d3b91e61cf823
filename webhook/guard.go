package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// ErrRefused is in the chain of every error that refuses a destination.
var ErrRefused = errors.New("webhook destination refused")

// RefusedError says why a destination was refused. Its text names the
// kind of address, never the address: the reasons end up in delivery logs
// that organisation admins read, and must not map a network for them.
type RefusedError struct {
	Reason string
}

func (e *RefusedError) Error() string { return ErrRefused.Error() + ": " + e.Reason }

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

func refuse(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// Limits of the client.
const (
	// Timeout bounds a whole delivery: connecting, TLS, redirects, and
	// reading the answer.
	Timeout = 10 * time.Second
	// MaxRedirects is how many redirects a delivery follows.
	MaxRedirects = 3
	// MaxResponse is how much of an answer is read; the rest is dropped.
	MaxResponse = 64 << 10
	// resolveTimeout bounds the lookup of CheckURL.
	resolveTimeout = 5 * time.Second
)

// The address ranges no webhook may reach. IPv6 is allowed only within
// global unicast (2000::/3), minus the ranges that carry or stand for
// other addresses; IPv4-mapped IPv6 addresses are judged as the IPv4
// address they map.
var (
	deniedV4 = prefixes(
		"0.0.0.0/8",       // "this network", and the unspecified address
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // carrier-grade NAT (shared address space)
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, with cloud metadata at 169.254.169.254
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, with broadcast 255.255.255.255
	)
	globalV6 = netip.MustParsePrefix("2000::/3")
	deniedV6 = prefixes(
		"2001::/23",     // IETF protocol assignments, with Teredo (2001::/32)
		"2001:db8::/32", // documentation
		"2002::/16",     // 6to4, which embeds any IPv4 address
		"3fff::/20",     // documentation
	)
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// CheckAddr refuses an address a webhook may not reach: anything but a
// public internet address.
func CheckAddr(a netip.Addr) error {
	if !a.IsValid() {
		return refuse("not an IP address")
	}
	if a.Zone() != "" {
		return refuse("scoped address")
	}
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return refuse("loopback address")
	case a.IsUnspecified():
		return refuse("unspecified address")
	case a.IsPrivate():
		return refuse("private address")
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return refuse("link-local address")
	case a.IsMulticast() || a.IsInterfaceLocalMulticast():
		return refuse("multicast address")
	}
	if a.Is4() {
		for _, p := range deniedV4 {
			if p.Contains(a) {
				return refuse("reserved or special-purpose address")
			}
		}
		return nil
	}
	if !globalV6.Contains(a) {
		return refuse("IPv6 address outside global unicast")
	}
	for _, p := range deniedV6 {
		if p.Contains(a) {
			return refuse("reserved or special-purpose address")
		}
	}
	return nil
}

// CheckURL vets a webhook's destination when it is saved: an http or
// https URL without credentials whose host is a public IP address, or a
// name that resolves, now, to public addresses only. The scheme the desk
// allows is the caller's to enforce (desk.Service refuses http unless
// configured otherwise). The Client checks each connection again, so a
// name that resolves differently later is still refused.
func CheckURL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return refuse("malformed URL")
	}
	if err := checkURLForm(u, true); err != nil {
		return err
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		return CheckAddr(a)
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return refuse("host does not resolve")
	}
	// Every address counts: the client may connect to any of them.
	for _, a := range addrs {
		if err := CheckAddr(a); err != nil {
			return err
		}
	}
	return nil
}

// checkURLForm refuses URLs a webhook may not have, without resolving
// anything: other schemes (and http unless allowHTTP), credentials, no
// host, names reserved for this machine, and numeric hosts other than a
// plain dotted-quad or bracketed IPv6 address.
func checkURLForm(u *url.URL, allowHTTP bool) error {
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowHTTP:
	default:
		return refuse("scheme %q not allowed", u.Scheme)
	}
	if u.User != nil {
		return refuse("credentials in the URL")
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return refuse("no host")
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	name := strings.TrimSuffix(host, ".")
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return refuse("loopback name")
	}
	if numericHost(name) {
		// 2130706433, 0177.0.0.1, 0x7f.1 and the like: inet_aton reads
		// them as 127.0.0.1 while Go's parser does not read them at all,
		// so what they reach depends on which resolver looks them up.
		return refuse("IP address in a non-standard form")
	}
	return nil
}

// numericHost reports whether the last label of a host name is a number,
// decimal or hexadecimal. No top-level domain is numeric, so such a host
// is an IP address in some form, never a name.
func numericHost(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	if last == "" {
		return false
	}
	digits := strings.Trim(last, "0123456789") == ""
	hex := strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == ""
	return digits || hex
}

// Options configure a Client. The zero value is production's: HTTPS only,
// public addresses only, the system's trusted certificates.
type Options struct {
	// AllowHTTP lets the client post to, and be redirected to, http://
	// URLs, for tests and the demo.
	AllowHTTP bool
	// AllowAddrs are exact addresses (IP and port) the client may connect
	// to although they are not public: tests set them to reach an httptest
	// server on loopback. Production leaves them empty.
	AllowAddrs []netip.AddrPort
	// TLSConfig replaces the default TLS configuration; tests trust an
	// httptest server's certificate with it.
	TLSConfig *tls.Config
}

// NewClient returns the client deliveries go through: it connects only to
// public addresses, checked at connect time, follows at most MaxRedirects
// redirects to URLs that pass the same checks, takes no proxy from the
// environment, and gives up on a delivery after Timeout.
func NewClient(o Options) *http.Client {
	allow := make([]netip.AddrPort, len(o.AllowAddrs))
	for i, ap := range o.AllowAddrs {
		allow[i] = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	dialer := &net.Dialer{
		Timeout:   5 * time.Second,
		KeepAlive: 30 * time.Second,
		// Control runs after the name is resolved and before the socket
		// connects: the one place where the address is the one used.
		Control: func(network, address string, _ syscall.RawConn) error {
			if network != "tcp4" && network != "tcp6" {
				return refuse("network %s not allowed", network)
			}
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return refuse("unparsable address")
			}
			if slices.Contains(allow, netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())) {
				return nil
			}
			return CheckAddr(ap.Addr())
		},
	}
	tr := &http.Transport{
		// Proxy stays nil: HTTPS_PROXY and friends would have the proxy,
		// not this dialer, choose where a request goes.
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSClientConfig:        o.TLSConfig,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  Timeout,
		MaxResponseHeaderBytes: 16 << 10,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        90 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{
		Transport: &guardTransport{base: tr, allowHTTP: o.AllowHTTP},
		Timeout:   Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return refuse("more than %d redirects", MaxRedirects)
			}
			return checkURLForm(req.URL, o.AllowHTTP)
		},
	}
}

// guardTransport checks the form of every request's URL, the first and
// each redirect, before the transport resolves or dials anything.
type guardTransport struct {
	base      http.RoundTripper
	allowHTTP bool
}

func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkURLForm(req.URL, t.allowHTTP); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.base.RoundTrip(req)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (t *guardTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
