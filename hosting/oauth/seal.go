package oauth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// SecretSize is the size of the server secret: an AES-256 key.
const SecretSize = 32

// ParseSecret decodes the server secret from base64 (standard or URL
// alphabet, padded or not). It must decode to exactly SecretSize bytes.
func ParseSecret(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("missing: generate one with `openssl rand -base64 32`")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != SecretSize {
				return nil, fmt.Errorf("decodes to %d bytes, want %d: generate one with `openssl rand -base64 32`", len(b), SecretSize)
			}
			return b, nil
		}
	}
	return nil, errors.New("not base64: generate one with `openssl rand -base64 32`")
}

// sealer encrypts and authenticates small values with AES-256-GCM. The
// additional data binds a sealed value to its purpose and record, so a
// ciphertext cannot be moved from one record (or form field) to another.
type sealer struct{ aead cipher.AEAD }

func newSealer(secret []byte) (*sealer, error) {
	if len(secret) != SecretSize {
		return nil, fmt.Errorf("oauth: secret is %d bytes, want %d", len(secret), SecretSize)
	}
	block, err := aes.NewCipher(secret)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal returns nonce‖ciphertext of plain, bound to ad.
func (s *sealer) seal(plain []byte, ad string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	_, _ = rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plain, []byte(ad))
}

// open reverses seal; any tampering or a different ad fails.
func (s *sealer) open(sealed []byte, ad string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, errors.New("oauth: sealed value too short")
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], []byte(ad))
}

// sealText returns v as JSON, sealed to ad, in base64url: the text of a
// sealed form field or client_id.
func (s *sealer) sealText(v any, ad string) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(s.seal(b, ad))
}

// openText reverses sealText into v; false for anything not sealed by this
// secret for ad.
func (s *sealer) openText(text, ad string, v any) bool {
	sealed, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return false
	}
	plain, err := s.open(sealed, ad)
	return err == nil && json.Unmarshal(plain, v) == nil
}

// Token prefixes make a leaked token recognisable by secret scanners and
// let the host tell a token from a Klipy key at a glance.
const (
	accessPrefix  = "kmcp_at_"
	refreshPrefix = "kmcp_rt_"
	codePrefix    = "kmcp_ac_"
)

// newToken returns prefix followed by 256 random bits, base64url.
func newToken(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// newID returns a random identifier (128 bits, base64url).
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashOf is the store's name for a token: its SHA-256, so that a read of the
// store yields nothing usable.
func hashOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// pkceS256 returns the S256 code challenge of verifier (RFC 7636 §4.2).
func pkceS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
