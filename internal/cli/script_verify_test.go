package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kolleno/kollenoctl/internal/certgen"
	"github.com/kolleno/kollenoctl/internal/sfsim"
)

// The verify scripts run the real sfsim binary in the background, as
// `make demo` does, and kollenoctl against it.
func init() {
	scriptPrograms["sfsim"] = runSfsimProgram
	scriptCmds["wait_sfsim"] = cmdWaitSfsim
	scriptCmds["exits_with"] = cmdExitsWith
	scriptCmds["setenv_file"] = cmdSetenvFile
	scriptCmds["check_verify_json"] = cmdCheckVerifyJSON
}

// runSfsimProgram is cmd/sfsim's main: it serves until interrupted, which is
// how testscript stops a background command at the end of a script.
func runSfsimProgram() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := sfsim.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sfsim: error:", err)
		os.Exit(1)
	}
}

// sfsimStartLimit bounds the wait for sfsim's ready file. It is not a timing
// assertion: it only turns a simulator that never came up into a failure
// instead of a hung test.
const sfsimStartLimit = 30 * time.Second

// wait_sfsim READYFILE: wait until the sfsim started in the background has
// written its base URL to READYFILE, and set $SFSIM to it.
func cmdWaitSfsim(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: wait_sfsim READYFILE")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(sfsimStartLimit)
	for {
		data, err := os.ReadFile(path)
		if err == nil && len(data) > 0 {
			ts.Setenv("SFSIM", strings.TrimSpace(string(data)))
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("sfsim wrote no %s within %s", filepath.Base(path), sfsimStartLimit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exits_with CODE PROGRAM [ARGS...]: run PROGRAM like exec and check that it
// exits with CODE; stdout and stderr are kept for the usual assertions.
func cmdExitsWith(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits_with CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)

	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// setenv_file VAR FILE: set VAR to the content of FILE, as a CI job puts a
// key's PEM into KOLLENO_PRIVATE_KEY.
func cmdSetenvFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: setenv_file VAR FILE")
	}
	ts.Setenv(args[0], ts.ReadFile(args[1]))
}

// check_verify_json ID=STATUS...: the last stdout is verify's JSON report,
// and it lists exactly these checks, in this order, with these statuses;
// every check that did not pass has a hint, and every pass has none. The
// report's exit_code and ok agree with the statuses.
func cmdCheckVerifyJSON(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: check_verify_json ID=STATUS...")
	}
	var report struct {
		OK       bool `json:"ok"`
		ExitCode int  `json:"exit_code"`
		Checks   []struct {
			ID, Status, Detail, Hint string
		} `json:"checks"`
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &report))

	if len(report.Checks) != len(args) {
		ts.Fatalf("the report has %d checks, want %d", len(report.Checks), len(args))
	}
	failed := false
	for i, arg := range args {
		c := report.Checks[i]
		if got := c.ID + "=" + c.Status; got != arg {
			ts.Fatalf("check %d is %s (%s), want %s", i+1, got, c.Detail, arg)
		}
		if (c.Status == "pass") != (c.Hint == "") && c.Status != "skipped" {
			ts.Fatalf("%s is %s with hint %q", c.ID, c.Status, c.Hint)
		}
		failed = failed || c.Status == "fail"
	}
	if report.OK == failed || (report.ExitCode == 0) == failed {
		ts.Fatalf("ok %v and exit_code %d, yet a check failed is %v",
			report.OK, report.ExitCode, failed)
	}
}

// TestVerifyInParallel runs verify 20 times at once against one simulated
// org, as CI jobs run side by side: every run passes every check in its own
// two requests. Under -race it also shows the runs share no state.
func TestVerifyInParallel(t *testing.T) {
	const runs = 20
	dir := t.TempDir()
	pair, err := certgen.Generate(certgen.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	keyFile, certFile := filepath.Join(dir, "kolleno.key"), filepath.Join(dir, "kolleno.crt")
	writeTestFile(t, keyFile, pair.KeyPEM)
	writeTestFile(t, certFile, pair.CertPEM)

	sim, err := sfsim.New(sfsim.DefaultConfig(pair.CertPEM, "3MVG9parallel", "int@acme.example"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	defer sim.Close()

	args := []string{"verify", "--consumer-key", "3MVG9parallel", "--username", "int@acme.example",
		"--key", keyFile, "--cert", certFile, "--login-url", srv.URL}
	var wg sync.WaitGroup
	outs, codes := make([]string, runs), make([]int, runs)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errOut bytes.Buffer
			codes[i] = Main(args, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
			outs[i] = out.String() + errOut.String()
		}()
	}
	wg.Wait()

	for i := range runs {
		if codes[i] != ExitOK || !strings.Contains(outs[i], "\n10 passed, 0 warnings, 0 failed") {
			t.Errorf("run %d exited %d:\n%s", i, codes[i], outs[i])
		}
	}
	if n := sim.CountRequests("/services/oauth2/token"); n != runs {
		t.Errorf("%d token requests, want %d", n, runs)
	}
	if n := sim.CountRequests("/services/data/v62.0/composite"); n != runs {
		t.Errorf("%d composite requests, want %d", n, runs)
	}
	if n := len(sim.Requests()); n != 2*runs {
		t.Errorf("%d requests in all, want %d", n, 2*runs)
	}
}

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
