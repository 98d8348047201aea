package jwtflow

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// netFailure sorts a request that got no answer: a failed TLS verification
// and a server that speaks the other protocol are not retried, the rest is.
func netFailure(ctx context.Context, err error) outcome {
	o := outcome{kind: kindTransient, problem: describeNetError(ctx, err), cut: ctx.Err() != nil}
	var header tls.RecordHeaderError
	switch {
	case o.cut:
	case isCertificateError(err):
		o.kind = kindUntrusted
	case errors.Is(err, http.ErrSchemeMismatch):
		o.kind, o.speaks, o.problem = kindWrongProtocol, "http", "the server speaks http, not https"
	case errors.As(err, &header):
		o.kind, o.speaks = kindWrongProtocol, "http"
		o.problem = "the server does not speak https: its answer is not TLS"
	case isTLSRecord(err):
		o.kind, o.speaks, o.problem = kindWrongProtocol, "https", "the server speaks https, not http"
	}
	return o
}

// describeNetError says what went wrong with the connection in words that
// stay the same from one attempt to the next: without the request's URL,
// which the report shows anyway, and without the local port of the
// connection ("connection reset by peer", not "read tcp 127.0.0.1:41054->...").
func describeNetError(ctx context.Context, err error) string {
	var errno syscall.Errno
	switch {
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return "no answer before the time limit (--timeout)"
	case errors.As(err, &errno):
		return errno.Error()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection without an answer"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// isCertificateError reports whether err is a failed TLS verification,
// which retrying cannot fix.
func isCertificateError(err error) bool {
	var verify *tls.CertificateVerificationError
	var authority x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verify) || errors.As(err, &authority) || errors.As(err, &host) ||
		errors.As(err, &invalid)
}

// isTLSRecord reports whether a plain http request got a TLS record back
// (an alert or a handshake), which Go's HTTP client reports as a malformed
// answer starting with the record's type (21 or 22) and version (3).
func isTLSRecord(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, `malformed HTTP response "\x15\x03`) ||
		strings.Contains(msg, `malformed HTTP response "\x16\x03`)
}

// tlsServerSays are what TLS servers answer a plain http request with: Go's
// net/http server, and nginx.
var tlsServerSays = [][]byte{
	[]byte("Client sent an HTTP request to an HTTPS server"),
	[]byte("The plain HTTP request was sent to HTTPS port"),
}

// answeredByTLSServer reports whether an answer, whole or broken off, is a
// TLS server's complaint about a plain http request.
func answeredByTLSServer(body []byte) bool {
	for _, says := range tlsServerSays {
		if bytes.Contains(body, says) {
			return true
		}
	}
	return false
}
