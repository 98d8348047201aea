package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kolleno/kollenoctl/internal/sfsim"
)

// TestMain runs main instead of the tests when SFSIM_RUN_MAIN is set, so a
// test can run the real command in a child process and read its exit code.
func TestMain(m *testing.M) {
	if os.Getenv("SFSIM_RUN_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// runSfsim runs the sfsim command with args in dir and returns its exit
// code and standard error. A command that starts serving is killed after a
// minute, so a mistake it accepts fails the test instead of hanging it.
func runSfsim(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "SFSIM_RUN_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// commandDir is a directory holding a certificate, kolleno.crt, and the
// given files.
func commandDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	creds, err := sfsim.NewCredentials(2048)
	if err != nil {
		t.Fatal(err)
	}
	files["kolleno.crt"] = string(creds.CertPEM)
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestStartUpMistakesExitTwo(t *testing.T) {
	dir := commandDir(t, map[string]string{
		"misspelt.json": `{"app": {"permited_users": "admin_approved"}}`,
		"bad-enum.json": `{"app": {"permitted_users": "self-authorize"}}`,
	})
	common := []string{"--cert", "kolleno.crt", "--consumer-key", "K",
		"--username", "u@kolleno.example"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", "misspelt.json", "--print-config"}, `--config misspelt.json: json: unknown field "permited_users"`},
		{[]string{"--config", "bad-enum.json", "--print-config"}, `--config bad-enum.json: app.permitted_users: must be admin_approved or self_authorize, not "self-authorize"`},
		{[]string{"--frobnicate"}, "flag provided but not defined: -frobnicate"},
		{[]string{"--newest-api-version", "30", "--print-config"}, "--newest-api-version: must be 31 or more (the oldest version served), not 30"},
		{[]string{"--login-ip-ranges", "127.0.0.1/33", "--print-config"}, `--login-ip-ranges: must be CIDR ranges such as 203.0.113.0/24, not "127.0.0.1/33"`},
		{[]string{"--ready-file", "/nonexistent/r"}, "--ready-file /nonexistent/r: no such file or directory"},
		{[]string{"--org-id", "123", "--print-config"}, `--org-id: must be 15 or 18 characters starting with 00D, not "123"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stderr := runSfsim(t, dir, append(common, tc.args...)...)

			if code != 2 || !strings.Contains(stderr, "sfsim: error: "+tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}
