package passwd

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"
)

var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=1,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !phc.MatchString(h) {
		t.Fatalf("Hash = %q, not the PHC format", h)
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"correct horse battery staple", true},
		{"correct horse battery stapl", false},
		{"Correct horse battery staple", false},
		{"", false},
	} {
		ok, err := Verify(tc.password, h)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v, nil", tc.password, ok, err, tc.want)
		}
	}
	h2, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if h2 == h {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestEmptyAndUnicodePasswords(t *testing.T) {
	for _, pw := range []string{"", "wachtwoord-ÄÖÜ-åæø-密码"} {
		h, err := Hash(pw)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := Verify(pw, h); !ok || err != nil {
			t.Errorf("Verify(%q) = %v, %v", pw, ok, err)
		}
	}
}

// TestForeignParameters checks that Verify reads the parameters from the
// string, using a known answer of the Argon2 reference implementation
// (password "password", salt "somesalt", t=3, m=256 KiB, p=2, 24 bytes):
// swapping or ignoring any parameter gives another hash.
func TestForeignParameters(t *testing.T) {
	key, _ := hex.DecodeString("4668d30ac4187e6878eedeacf0fd83c5a0a30db2cc16ef0b")
	enc := "$argon2id$v=19$m=256,t=3,p=2$" + base64.RawStdEncoding.EncodeToString([]byte("somesalt")) +
		"$" + base64.RawStdEncoding.EncodeToString(key)
	if ok, err := Verify("password", enc); !ok || err != nil {
		t.Fatalf("Verify(reference vector) = %v, %v; want true", ok, err)
	}
	if ok, err := Verify("passw0rd", enc); ok || err != nil {
		t.Fatalf("Verify(wrong password) = %v, %v; want false, nil", ok, err)
	}
	swapped := strings.Replace(enc, "t=3,p=2", "t=2,p=3", 1)
	if ok, err := Verify("password", swapped); ok || err != nil {
		t.Fatalf("Verify(other parameters) = %v, %v; want false, nil", ok, err)
	}
}

func TestInvalidHashes(t *testing.T) {
	good, err := Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(good, "$")
	salt, key := f[4], f[5]
	with := func(alg, ver, params, salt, key string) string {
		return strings.Join([]string{"", alg, ver, params, salt, key}, "$")
	}
	for name, enc := range map[string]string{
		"empty":           "",
		"bcrypt":          "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":         with("argon2i", "v=19", "m=65536,t=1,p=2", salt, key),
		"old version":     with("argon2id", "v=16", "m=65536,t=1,p=2", salt, key),
		"no version":      "$argon2id$m=65536,t=1,p=2$" + salt + "$" + key,
		"huge memory":     with("argon2id", "v=19", "m=4294967295,t=1,p=2", salt, key),
		"memory over cap": with("argon2id", "v=19", "m=262145,t=1,p=2", salt, key),
		"memory overflow": with("argon2id", "v=19", "m=4294967296,t=1,p=2", salt, key),
		"tiny memory":     with("argon2id", "v=19", "m=8,t=1,p=2", salt, key),
		"zero time":       with("argon2id", "v=19", "m=65536,t=0,p=2", salt, key),
		"huge time":       with("argon2id", "v=19", "m=65536,t=1000000,p=2", salt, key),
		"zero threads":    with("argon2id", "v=19", "m=65536,t=1,p=0", salt, key),
		"255 threads":     with("argon2id", "v=19", "m=65536,t=1,p=255", salt, key),
		"negative":        with("argon2id", "v=19", "m=-1,t=1,p=2", salt, key),
		"plus sign":       with("argon2id", "v=19", "m=+65536,t=1,p=2", salt, key),
		"leading zero":    with("argon2id", "v=19", "m=065536,t=1,p=2", salt, key),
		"order":           with("argon2id", "v=19", "t=1,m=65536,p=2", salt, key),
		"extra param":     with("argon2id", "v=19", "m=65536,t=1,p=2,keyid=x", salt, key),
		"missing param":   with("argon2id", "v=19", "m=65536,t=1", salt, key),
		"padded salt":     with("argon2id", "v=19", "m=65536,t=1,p=2", salt+"==", key),
		"bad salt":        with("argon2id", "v=19", "m=65536,t=1,p=2", "!!!!", key),
		"short salt":      with("argon2id", "v=19", "m=65536,t=1,p=2", "c2FsdA", key),
		"short hash":      with("argon2id", "v=19", "m=65536,t=1,p=2", salt, "c2hvcnQ"),
		"long hash":       with("argon2id", "v=19", "m=65536,t=1,p=2", salt, key+key+key),
		"extra field":     good + "$x",
	} {
		ok, err := Verify("pw", enc)
		if ok || !errors.Is(err, ErrInvalidHash) {
			t.Errorf("%s: Verify(%q) = %v, %v; want false, ErrInvalidHash", name, enc, ok, err)
		}
	}
}
