package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kolleno/kollenoctl/internal/keystore"
)

// The extract-key and inspect scripts' own commands and setup. The fixtures
// are the ones internal/keystore/testdata/generate.sh made with keytool and
// openssl; scripts copy them from $KEYS.
func init() {
	scriptSetups = append(scriptSetups, func(env *testscript.Env) error {
		dir, err := filepath.Abs(filepath.Join("..", "keystore", "testdata"))
		env.Setenv("KEYS", dir)
		return err
	})
	scriptCmds["key_fingerprint"] = cmdKeyFingerprint
	scriptCmds["no_key_material"] = cmdNoKeyMaterial
	scriptCmds["check_inspect_fingerprints"] = cmdCheckInspectFingerprints
}

// check_inspect_fingerprints REPORT: the JSON REPORT of `inspect --json
// kolleno.key kolleno.crt` (the fixtures key-pkcs8.pem and cert.pem) gives
// the fingerprints OpenSSL computed for them, and pairs them.
func cmdCheckInspectFingerprints(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: check_inspect_fingerprints REPORT")
	}
	var r inspectReport
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &r))
	if len(r.Files) != 2 || len(r.Files[0].Keys) != 1 || len(r.Files[1].Certificates) != 1 {
		ts.Fatalf("want one key and one certificate in the report, got %s", ts.ReadFile(args[0]))
	}
	key, cert := r.Files[0].Keys[0], r.Files[1].Certificates[0]

	checks := map[string][2]string{
		"key public_key_sha256":  {key.PublicKeySHA256, fixtureFingerprint(ts, "key-pkcs8.pem")},
		"cert public_key_sha256": {cert.PublicKeySHA256, fixtureFingerprint(ts, "cert.pem")},
		"cert sha256":            {cert.SHA256, fixtureFingerprint(ts, "cert.pem-sha256")},
		"cert sha1":              {cert.SHA1, fixtureFingerprint(ts, "cert.pem-sha1")},
	}
	for what, c := range checks {
		if c[0] != c[1] {
			ts.Fatalf("%s = %s, OpenSSL says %s", what, c[0], c[1])
		}
	}
	if size := len(ts.ReadFile("kolleno.crt")); cert.Size != size {
		ts.Fatalf("pem_size = %d, but kolleno.crt has %d bytes", cert.Size, size)
	}
	if len(r.Pairs) != 1 || !r.Pairs[0].Match {
		ts.Fatalf("pairs = %+v, want one that matches", r.Pairs)
	}
}

// key_fingerprint KEY NAME: the public key of the private key in KEY has the
// SHA-256 that OpenSSL computed for NAME in the fixtures' fingerprints.txt.
func cmdKeyFingerprint(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: key_fingerprint KEY NAME")
	}
	key, err := keystore.ParseKey([]byte(ts.ReadFile(args[0])), nil)
	ts.Check(err)
	want := fixtureFingerprint(ts, args[1])

	got := keystore.PublicKeySHA256(key.Signer.Public())
	if (got == want) == neg {
		ts.Fatalf("%s: public key SHA-256 %s; want %s%s (OpenSSL's, for %s)", args[0], got, scriptNot(neg), want, args[1])
	}
}

func fixtureFingerprint(ts *testscript.TestScript, name string) string {
	f, err := os.Open(filepath.Join(ts.Getenv("KEYS"), "fingerprints.txt"))
	ts.Check(err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if n, fp, ok := strings.Cut(sc.Text(), " "); ok && n == name {
			return fp
		}
	}
	ts.Fatalf("no fingerprint for %s in fingerprints.txt", name)
	return ""
}

// no_key_material FILE KEY: FILE (or stdout, stderr) holds no 16-character
// piece of the base64 of the PEM private key KEY, nor the key's PEM label.
func cmdNoKeyMaterial(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: no_key_material FILE KEY")
	}
	text := ts.ReadFile(args[0])
	if strings.Contains(text, "PRIVATE KEY-----") {
		ts.Fatalf("%s holds a PEM private key", args[0])
	}
	for _, line := range strings.Split(ts.ReadFile(args[1]), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "-----") || len(line) < 16 {
			continue
		}
		for i := 0; i+16 <= len(line); i += 4 {
			if strings.Contains(text, line[i:i+16]) {
				ts.Fatalf("%s holds key material from %s", args[0], args[1])
			}
		}
	}
}

// TestExtractKeyRefusesTerminal: --out - will not print a key on a
// terminal. Scripts run without one, so this is checked here.
func TestExtractKeyRefusesTerminal(t *testing.T) {
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, OutTTY: true}
	code := Main([]string{"extract-key", filepath.Join("..", "keystore", "testdata", "sf-export.jks"), "--out", "-"}, ios)

	if code != ExitUsage {
		t.Errorf("exit code %d, want %d", code, ExitUsage)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "refusing to print a private key on a terminal") {
		t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
	}
}

// TestSecretErrorsCarryHints: every error extract-key can meet on bad
// input has a hint. The scripts check the texts; this checks none is bare.
func TestSecretErrorsCarryHints(t *testing.T) {
	dir := filepath.Join("..", "keystore", "testdata")
	for _, name := range []string{"empty.jks", "truncated.jks", "store.jceks", "multi.jks", "trusted-only.jks", "generate.sh"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		err = openSelect(data, "kolleno-pass")
		var h hinter
		if err == nil || !errors.As(err, &h) || h.Hint() == "" {
			t.Errorf("%s: error %v has no hint", name, err)
		}
	}
}

func openSelect(data []byte, password string) error {
	s, err := keystore.Open(data, []byte(password))
	if err != nil {
		return err
	}
	e, err := s.Select("")
	if err != nil {
		return err
	}
	_, err = s.Key(e, nil)
	return err
}

// TestOpenHint: a file that is there but unreadable points at its
// permissions, not its name. (Scripts run as root in some containers,
// where permissions cannot make a file unreadable, so this is checked
// here.)
func TestOpenHint(t *testing.T) {
	denied := &fs.PathError{Op: "open", Path: "export.jks", Err: fs.ErrPermission}
	if h := openHint(denied); !strings.Contains(h, "permissions") {
		t.Errorf("permission denied: hint %q, want one about permissions", h)
	}
	missing := &fs.PathError{Op: "open", Path: "export.jks", Err: fs.ErrNotExist}
	if h := openHint(missing); h != "check the file name" {
		t.Errorf("missing file: hint %q", h)
	}
}
