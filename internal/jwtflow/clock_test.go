package jwtflow

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestEveryAnswerMeasuresTheClock: not only a refusal but an answer that is
// no answer at all (a maintenance page, a 429, an empty 200) carries the
// server's Date header, and the error that reports it keeps the clock.
func TestEveryAnswerMeasuresTheClock(t *testing.T) {
	const skew = -10 * time.Minute
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
	}{
		{"refusal", func(w http.ResponseWriter) { refuse(w, "invalid_grant", "invalid assertion") }},
		{"503 maintenance page", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(503)
			_, _ = w.Write([]byte("<html>Down for Maintenance</html>"))
		}},
		{"429", func(w http.ResponseWriter) { w.WriteHeader(429) }},
		{"empty 200", func(w http.ResponseWriter) { w.WriteHeader(200) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
				w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
				tt.answer(w)
			})
			req := testRequest(t, ts.URL)
			req.Timeout = time.Second // room for one answer on a loaded machine
			req.Backoff = func(int, bool) time.Duration { return 100 * time.Millisecond }
			_, err := Login(context.Background(), req)

			var measured interface{ MeasuredSkew() (time.Duration, bool) }
			if !errors.As(err, &measured) {
				t.Fatalf("err = %#v carries no clock", err)
			}
			got, ok := measured.MeasuredSkew()
			if d := got - skew; !ok || d > 2*time.Second || d < -2*time.Second {
				t.Errorf("skew %v, measured %v (ok %v)", skew, got, ok)
			}
		})
	}
}

func TestNoAnswerMeasuresNoClock(t *testing.T) {
	var c ServerClock
	if _, ok := c.MeasuredSkew(); ok {
		t.Error("a zero ServerClock says it measured the clock")
	}
}

// TestClockHint: the hint follows the direction of the skew; only the
// clock behind is said to cause 'expired authorization code'.
func TestClockHint(t *testing.T) {
	if h := ClockHint(5 * time.Minute); h != ClockBehindHint {
		t.Errorf("behind: %q", h)
	}
	if h := ClockHint(-5 * time.Minute); h != ClockAheadHint ||
		strings.Contains(h, "makes it refuse") {
		t.Errorf("ahead: %q", h)
	}
}
