// Package passwd hashes and verifies passwords with Argon2id (RFC 9106).
//
// Hashes are stored in the PHC string format that other Argon2 libraries
// read and write,
//
//	$argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>
//
// with unpadded standard base64 for salt and hash. Verify takes the cost
// parameters from the stored string rather than from constants, so that
// the parameters can be raised later without invalidating old hashes; it
// bounds them, so that a crafted string in the users table cannot make one
// sign-in allocate gigabytes or run for minutes.
package passwd

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Parameters of new hashes: 64 MiB, one pass, two lanes, the first
// recommended option of RFC 9106 scaled to a server answering many
// sign-ins at once.
const (
	Memory  = 64 * 1024 // KiB
	Time    = 1
	Threads = 2
	saltLen = 16
	keyLen  = 32
)

// Bounds on the parameters Verify accepts.
const (
	MaxMemory  = 256 * 1024 // KiB, four times what Hash uses
	MaxTime    = 16
	MaxThreads = 16
	minSalt    = 8
	maxSalt    = 64
	minKey     = 16
	maxKey     = 64
)

// ErrInvalidHash reports a stored hash that is malformed, of another
// algorithm or version, or whose parameters are out of bounds.
var ErrInvalidHash = errors.New("passwd: invalid hash")

var b64 = base64.RawStdEncoding.Strict()

// Hash returns the PHC string of password with a fresh random salt.
func Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passwd: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, Time, Memory, Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, Memory, Time, Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, a string made by Hash
// or by another Argon2id implementation. A mismatch is (false, nil); an
// encoded string that cannot be used is (false, ErrInvalidHash).
func Verify(password, encoded string) (bool, error) {
	p, err := parse(encoded)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

type params struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func parse(encoded string) (*params, error) {
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" {
		return nil, fmt.Errorf("%w: not an argon2id PHC string", ErrInvalidHash)
	}
	if f[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, fmt.Errorf("%w: unsupported version %q", ErrInvalidHash, f[2])
	}
	kv := strings.Split(f[3], ",")
	if len(kv) != 3 {
		return nil, fmt.Errorf("%w: want parameters m, t and p", ErrInvalidHash)
	}
	var v [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		s, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return nil, fmt.Errorf("%w: want parameters m, t and p", ErrInvalidHash)
		}
		// PHC decimals have no sign and no leading zeros.
		if s == "" || s[0] == '+' || (len(s) > 1 && s[0] == '0') {
			return nil, fmt.Errorf("%w: bad %s", ErrInvalidHash, name)
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%w: bad %s", ErrInvalidHash, name)
		}
		v[i] = n
	}
	m, t, p := v[0], v[1], v[2]
	if p < 1 || p > MaxThreads {
		return nil, fmt.Errorf("%w: p=%d out of range", ErrInvalidHash, p)
	}
	if m < 8*p || m > MaxMemory {
		return nil, fmt.Errorf("%w: m=%d out of range", ErrInvalidHash, m)
	}
	if t < 1 || t > MaxTime {
		return nil, fmt.Errorf("%w: t=%d out of range", ErrInvalidHash, t)
	}
	salt, err := b64.DecodeString(f[4])
	if err != nil || len(salt) < minSalt || len(salt) > maxSalt {
		return nil, fmt.Errorf("%w: bad salt", ErrInvalidHash)
	}
	key, err := b64.DecodeString(f[5])
	if err != nil || len(key) < minKey || len(key) > maxKey {
		return nil, fmt.Errorf("%w: bad hash", ErrInvalidHash)
	}
	return &params{memory: uint32(m), time: uint32(t), threads: uint8(p), salt: salt, key: key}, nil
}

// Checker verifies passwords with Verify; it satisfies
// desk.PasswordChecker.
type Checker struct{}

// Verify reports whether password matches encoded.
func (Checker) Verify(password, encoded string) (bool, error) { return Verify(password, encoded) }
