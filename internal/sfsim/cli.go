package sfsim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// UsageError is a mistake in sfsim's command line: a flag, a flag's value
// or the --config model. The binary exits 2.
type UsageError struct{ err error }

func (e *UsageError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *UsageError) Unwrap() error { return e.err }

// ExitCode is 2, the usual code for a usage mistake.
func (e *UsageError) ExitCode() int { return 2 }

// usageErrorf makes a UsageError; %w wraps as in fmt.Errorf.
func usageErrorf(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// options are sfsim's command-line settings other than the model switches.
type options struct {
	cert, consumerKey, username string
	configFile, addr, readyFile string
	logFile, tlsCertOut         string
	tls, printConfig            bool
}

// Run is the sfsim command: it builds the model from args, serves it on a
// loopback address until ctx is done, prints the base URL on stdout and
// reports progress on stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, opts, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	if opts.printConfig {
		return printConfig(stdout, cfg)
	}

	srv, err := New(cfg)
	if err != nil {
		return modelUsageError(opts, err)
	}
	ln, err := listen(opts)
	if err != nil {
		return err
	}
	return serve(ctx, srv, ln, opts, stdout, stderr)
}

// parseArgs reads the command line into the model and the options.
func parseArgs(args []string, stderr io.Writer) (Config, options, error) {
	fs := flag.NewFlagSet("sfsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts options
	defineOptions(fs, &opts)
	values := defineModelFlags(fs)
	switches := defineSwitches(fs)
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, opts, err
		}
		return Config{}, opts, &UsageError{err}
	}
	if fs.NArg() > 0 {
		return Config{}, opts, usageErrorf("unexpected argument %q", fs.Arg(0))
	}

	cfg, err := baseConfig(opts)
	if err != nil {
		return Config{}, opts, err
	}
	if err := applyFlags(fs, &cfg, values, switches); err != nil {
		return Config{}, opts, err
	}
	return cfg, opts, nil
}

// defineOptions declares the flags that are not part of the model.
func defineOptions(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.cert, "cert", "", "the app's `certificate` (PEM), as uploaded in Setup")
	fs.StringVar(&o.consumerKey, "consumer-key", "", "the app's consumer `key` (the assertion's iss)")
	fs.StringVar(&o.username, "username", "", "the integration user's `username`")
	fs.StringVar(&o.configFile, "config", "", "a JSON model `file`, applied over the flags' common case")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "loopback `address` to listen on")
	fs.StringVar(&o.readyFile, "ready-file", "", "write the base URL to `file` once listening")
	fs.StringVar(&o.logFile, "log", "", "append the request log to `file` as JSON lines")
	fs.BoolVar(&o.tls, "tls", false, "serve HTTPS with a fresh self-signed certificate for 127.0.0.1")
	fs.StringVar(&o.tlsCertOut, "tls-cert-out", "", "with --tls, write the server's certificate to `file` for clients to trust")
	fs.BoolVar(&o.printConfig, "print-config", false, "print the model as JSON and exit")
}

// baseConfig is the common case from --cert, --consumer-key and
// --username, with the --config model over it.
func baseConfig(o options) (Config, error) {
	certPEM, err := readCertFlag(o.cert)
	if err != nil {
		return Config{}, err
	}
	cfg := DefaultConfig(certPEM, o.consumerKey, o.username)
	if o.configFile != "" {
		data, err := os.ReadFile(o.configFile)
		if err != nil {
			return Config{}, fileFlagError("config", o.configFile, err)
		}
		if cfg, err = LoadConfig(data, cfg); err != nil {
			return Config{}, usageErrorf("--config %s: %w", o.configFile, err)
		}
	}
	if o.configFile == "" && (o.cert == "" || o.consumerKey == "" || o.username == "") {
		return Config{}, usageErrorf("--cert, --consumer-key and --username are required (or --config)")
	}
	return cfg, nil
}

// readCertFlag reads the --cert file, when given, and checks that it is a
// certificate the simulator can use.
func readCertFlag(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	certPEM, err := os.ReadFile(path)
	if err != nil {
		return nil, fileFlagError("cert", path, err)
	}
	if _, err := parseCertificate(string(certPEM)); err != nil {
		return nil, usageErrorf("--cert %s: %w", path, err)
	}
	return certPEM, nil
}

// fileFlagError reports a file flag whose file cannot be used, naming the
// flag and the path as the user gave it (not a temporary file beside it).
func fileFlagError(flag, path string, err error) error {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr):
		err = pathErr.Err
	case errors.As(err, &linkErr):
		err = linkErr.Err
	}
	return usageErrorf("--%s %s: %w", flag, path, err)
}

// modelUsageError reports a model New refused: it came from --config, as
// the command-line values were checked before.
func modelUsageError(o options, err error) error {
	if o.configFile != "" {
		return usageErrorf("--config %s: %w", o.configFile, err)
	}
	return &UsageError{err}
}

// usage prints the help text.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintln(w, "Usage: sfsim --cert FILE --consumer-key KEY --username USER [flags]")
	fmt.Fprintln(w, "\nA local stand-in for Salesforce's JWT bearer login and REST API, on loopback only.")
	fmt.Fprintln(w, "Prints its base URL on stdout. Each failure switch plays one misconfigured org.")
	fmt.Fprintln(w)
	fs.PrintDefaults()
}

// printConfig writes the model as indented JSON.
func printConfig(w io.Writer, cfg Config) error {
	b, err := jsonIndent(cfg)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// listen opens the listener on a loopback address only.
func listen(o options) (net.Listener, error) {
	host, port, err := net.SplitHostPort(o.addr)
	if err != nil {
		return nil, usageErrorf("--addr %q: %v", o.addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, usageErrorf("--addr %q is not a loopback address; sfsim serves only 127.0.0.1 or ::1", o.addr)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		var opErr *net.OpError
		if errors.As(err, &opErr) {
			err = opErr.Err // without "listen tcp ADDR", which repeats the flag
		}
		return nil, usageErrorf("--addr %s: %w", o.addr, err)
	}
	if o.tls {
		return tlsListener(ln, o.tlsCertOut)
	}
	return ln, nil
}

// serveHook, when set by a test, receives the simulator Run serves.
var serveHook func(*Server)

// serve runs the HTTP server until ctx is done, then stops cleanly: hung
// requests are released and in-flight ones get a few seconds to finish.
func serve(ctx context.Context, srv *Server, ln net.Listener, o options,
	stdout, stderr io.Writer) error {
	if o.logFile != "" {
		f, err := os.OpenFile(o.logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			ln.Close()
			return fileFlagError("log", o.logFile, err)
		}
		defer f.Close()
		srv.WriteLogTo(f)
	}

	if serveHook != nil {
		serveHook(srv)
	}
	base := baseURL(ln, o.tls)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	if err := announce(base, o, srv, stdout, stderr); err != nil {
		hs.Close()
		return err
	}
	return waitAndStop(ctx, srv, hs, errc, stderr)
}

// announce writes the ready file, then prints the base URL: a ready file
// that cannot be written stops sfsim before it claims to serve.
func announce(base string, o options, srv *Server, stdout, stderr io.Writer) error {
	if o.readyFile != "" {
		if err := writeFileAtomic(o.readyFile, []byte(base+"\n"), 0o644); err != nil {
			return fileFlagError("ready-file", o.readyFile, err)
		}
	}
	fmt.Fprintf(stderr, "sfsim: org %s, consumer key %s, %d user(s), serving %s\n",
		srv.cfg.Org.ID, srv.cfg.App.ConsumerKey, len(srv.cfg.Users), base)
	_, err := fmt.Fprintln(stdout, base)
	return err
}

// waitAndStop waits for ctx or a server failure, then shuts down.
func waitAndStop(ctx context.Context, srv *Server, hs *http.Server, errc chan error,
	stderr io.Writer) error {
	select {
	case err := <-errc:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	srv.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	srv.Close() // waits for requests that arrived during the shutdown
	fmt.Fprintln(stderr, "sfsim: stopped")
	return err
}

// baseURL is the URL clients use to reach the listener.
func baseURL(ln net.Listener, tls bool) string {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://" + ln.Addr().String()
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so a reader never sees a partial file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return &fs.PathError{Op: "write", Path: path, Err: syscall.EISDIR}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
