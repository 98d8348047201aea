package keystore

import (
	"bytes"
	"crypto/cipher"
	"encoding/hex"
	"testing"
)

// TestRC2MatchesOpenSSL: RC2-CBC as OpenSSL 3 computes it (legacy
// provider), for the key lengths PKCS#12 uses. The ciphertexts come from
//
//	printf '0123456789abcdefFEDCBA9876543210' | openssl enc -provider legacy \
//	    -provider default -CIPHER -K 88bca90e90875a7f0f79c384627bafb2 \
//	    -iv 0001020304050607 -nopad | xxd -p
//
// where OpenSSL keeps the first 5, 8 or 16 bytes of the key.
func TestRC2MatchesOpenSSL(t *testing.T) {
	key := mustHex(t, "88bca90e90875a7f0f79c384627bafb2")
	iv := mustHex(t, "0001020304050607")
	plain := []byte("0123456789abcdefFEDCBA9876543210")
	tests := []struct {
		name   string
		keyLen int
		want   string
	}{
		{"rc2-40-cbc", 5, "9a8f5ba34d792783c6e6844972205c225a00d12bcc0cd2638ca6fb50b07e5547"},
		{"rc2-64-cbc", 8, "5b9284709c851cb5588f0f17f9bb8df1fe1c0d627be4128ba2108c93d586f4e8"},
		{"rc2-cbc", 16, "4dc968c404a11a29c8feca48c0a40e9bd57412357c4b6b1e227fedfda9897dd2"},
	}
	for _, tt := range tests {
		block, err := newRC2(key[:tt.keyLen], 8*tt.keyLen)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(plain))
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(got, plain)
		if hex.EncodeToString(got) != tt.want {
			t.Errorf("%s: encrypts to %x, OpenSSL gives %s", tt.name, got, tt.want)
		}
		back := make([]byte, len(got))
		cipher.NewCBCDecrypter(block, iv).CryptBlocks(back, got)
		if !bytes.Equal(back, plain) {
			t.Errorf("%s: decrypts to %q", tt.name, back)
		}
	}
}

// TestRC2EffectiveBits: the first test vector of RFC 2268 section 5, whose
// effective key length (63 bits) differs from the key's (64).
func TestRC2EffectiveBits(t *testing.T) {
	block, err := newRC2(make([]byte, 8), 63)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 8)
	block.Encrypt(got, make([]byte, 8))
	if want := "ebb773f993278eff"; hex.EncodeToString(got) != want {
		t.Errorf("encrypts to %x, RFC 2268 gives %s", got, want)
	}
}

func TestRC2RefusesBadKeys(t *testing.T) {
	for _, k := range []struct{ n, bits int }{{0, 40}, {129, 40}, {5, 0}, {5, 1025}} {
		if _, err := newRC2(make([]byte, k.n), k.bits); err == nil {
			t.Errorf("newRC2(%d bytes, %d bits) accepted", k.n, k.bits)
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
