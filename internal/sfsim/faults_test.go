package sfsim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// goodLogin posts a good assertion to the simulator at base.
func goodLogin(t testing.TB, base string) answer {
	t.Helper()
	good, _ := creds(t)
	return postToken(t, base, signRS256(t, good, claimsFor(base)))
}

func TestMaintenance(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.Maintenance, cfg.Faults.Times = true, 1
	_, ts := startSim(t, cfg)

	first, second := goodLogin(t, ts.URL), goodLogin(t, ts.URL)

	if first.status != 503 || !strings.HasPrefix(first.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(first.body), "Down for Maintenance") {
		t.Errorf("first: %d %s %s", first.status, first.header.Get("Content-Type"), first.body)
	}
	if second.status != 200 {
		t.Errorf("second (after the outage): %d %s", second.status, second.body)
	}
	checkCommonHeaders(t, first, testNow)
}

func TestFaultScope(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.Maintenance, cfg.Faults.Scope = true, ScopeREST
	_, ts := startSim(t, cfg)

	token := login(t, ts.URL)
	a := do(t, "GET", ts.URL+"/services/data/v67.0/", "", "", "Authorization", "Bearer "+token)

	if a.status != 503 {
		t.Errorf("REST answered %d during a REST-only outage", a.status)
	}
}

func TestRateLimit(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.RateLimit = true
	_, ts := startSim(t, cfg)

	checkTokenAnswer(t, goodLogin(t, ts.URL), errLoginRateLimit)
	a := do(t, "GET", ts.URL+"/services/data/v67.0/", "", "", "Authorization", "Bearer x")
	checkQueryAnswer(t, a, queryCase{wantStatus: 403, wantCode: "REQUEST_LIMIT_EXCEEDED",
		want: "TotalRequests Limit exceeded."})
}

func TestTooManyRequests(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.TooManyRequests = true
	_, ts := startSim(t, cfg)

	a := goodLogin(t, ts.URL)

	if a.status != 429 || a.header.Get("Retry-After") != "1" {
		t.Errorf("%d Retry-After %q", a.status, a.header.Get("Retry-After"))
	}
}

func TestFailFirst(t *testing.T) {
	for _, tc := range []struct {
		failError string
		want      oauthError
	}{
		{"invalid_client_id", errClientID},
		{"", errClientID},
		{"invalid_grant: user hasn't approved this consumer", errNotApproved},
		{"app_not_found", errAppNotFound},
	} {
		t.Run(tc.failError, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Faults.FailFirst, cfg.Faults.FailError = 2, tc.failError
			srv, ts := startSim(t, cfg)

			checkTokenAnswer(t, goodLogin(t, ts.URL), tc.want)
			checkTokenAnswer(t, goodLogin(t, ts.URL), tc.want)
			checkTokenAnswer(t, goodLogin(t, ts.URL), oauthError{})

			if n := srv.CountRequests("/services/oauth2/token"); n != 3 {
				t.Errorf("%d token requests logged", n)
			}
		})
	}
}

func TestReset(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.Reset = true
	srv, ts := startSim(t, cfg)

	_, err := http.Get(ts.URL + "/services/data/")

	if err == nil {
		t.Fatal("the request succeeded through a reset")
	}
	waitForLog(t, srv, 1)
	if log := srv.Requests(); len(log) != 1 || log[0].Error != "reset" || log[0].Status != 0 {
		t.Errorf("log %+v", log)
	}
}

func TestHangEndsWithClientTimeout(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.Hang = true
	srv, ts := startSim(t, cfg)
	client := &http.Client{Timeout: 100 * time.Millisecond}

	_, err := client.Get(ts.URL + "/services/data/")

	var netErr interface{ Timeout() bool }
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Fatalf("got %v, want a client timeout", err)
	}
	waitForLog(t, srv, 1)
	if e := srv.Requests()[0]; e.Error != "hang" {
		t.Errorf("log %+v", e)
	}
}

func TestHangEndsWhenServerCloses(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.Hang = true
	srv, ts := startSim(t, cfg)
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(ts.URL + "/services/data/")
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	waitFor(t, func() bool { return faultHits(srv) == 1 })

	srv.Close()

	if err := <-done; err == nil {
		t.Error("a hanging request got an answer after Close")
	}
	waitForLog(t, srv, 1)
}

// faultHits is how many requests reached the fault injection.
func faultHits(srv *Server) int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.faultHits
}

func TestLatencyGivesWayToCancel(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.Latency = Duration(time.Hour)
	srv, ts := startSim(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/services/data/", nil)
	go func() {
		for faultHits(srv) == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()

	_, err := http.DefaultClient.Do(req)

	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	waitForLog(t, srv, 1)
	if e := srv.Requests()[0]; e.Error != "latency" {
		t.Errorf("log %+v", e)
	}
}

func TestLatencyEndsWhenServerCloses(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.Latency = Duration(time.Hour)
	srv, ts := startSim(t, cfg)
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(ts.URL + "/services/data/")
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	waitFor(t, func() bool { return faultHits(srv) == 1 })

	srv.Close()

	if err := <-done; err == nil {
		t.Error("a delayed request got an answer after Close")
	}
	waitForLog(t, srv, 1)
	if e := srv.Requests()[0]; e.Error != "latency" || e.Status != 0 {
		t.Errorf("log %+v", e)
	}
}

func TestLatencyThenAnswer(t *testing.T) {
	cfg := testConfig(t)
	cfg.Faults.Latency = Duration(time.Millisecond)
	_, ts := startSim(t, cfg)

	if a := goodLogin(t, ts.URL); a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
}

// waitForLog waits until the simulator logged n requests; a handler logs
// when it returns, which for a dropped request is after the client saw it.
func waitForLog(t *testing.T, srv *Server, n int) {
	t.Helper()
	waitFor(t, func() bool { return len(srv.Requests()) >= n })
}

// waitFor polls cond until it holds, failing after ten seconds.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition never held")
}

func TestConcurrentUse(t *testing.T) {
	srv, ts := startSim(t, testConfig(t))
	const workers = 20
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			token := login(t, ts.URL)
			b, _ := json.Marshal(verifyComposite(userID))
			a := do(t, "POST", ts.URL+"/services/data/v67.0/composite", "application/json", string(b),
				"Authorization", "Bearer "+token)
			if a.status != 200 {
				t.Errorf("composite: %d", a.status)
			}
		})
	}
	wg.Wait()

	if n := len(srv.Requests()); n != 2*workers {
		t.Errorf("%d requests logged, want %d", n, 2*workers)
	}
}
