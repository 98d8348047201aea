package verify

import (
	"context"
	"errors"
	"time"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
)

// Options are verify's inputs: the local key material and the login to try.
type Options struct {
	Material

	// Login is the JWT bearer login, as for `kollenoctl login`. Its Key is
	// set by Run from Material.Key; its Client and Timeout serve the REST
	// request too.
	Login jwtflow.Request

	// Now is the clock the certificate's expiry is judged by; nil means
	// time.Now.
	Now func() time.Time
}

// Run makes every check and returns the report. It never returns an error:
// every problem is a check that failed, with its hint. The order is that of
// the report: local checks first, then the login, then one composite REST
// request; a step that cannot run is reported as skipped, with the reason.
func Run(ctx context.Context, opts Options) *Report {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	r := &Report{Facts: Facts{Username: opts.Login.Username}}
	defer r.sorted()

	opts.Login.Key = r.addLocal(opts.Material, now())
	if opts.Login.Key == nil {
		r.skipRemote(Clock, "no private key to sign the login with")
		return r
	}

	result, err := jwtflow.Login(ctx, opts.Login)
	r.addLogin(result, err)
	if err != nil {
		r.skipRemote(RESTAPI, "the login did not succeed")
		return r
	}

	answer, err := restFor(opts.Login, result).runCompositeWithin(ctx, opts.Login.Timeout)
	r.addREST(answer, err)
	return r
}

// skipRemote marks from and every remote check after it as skipped.
func (r *Report) skipRemote(from ID, why string) {
	remote := []ID{Clock, Login, RESTAPI, APIEnabled, AccountRead, AccountRecords}
	for i, id := range remote {
		if id == from {
			for _, id := range remote[i:] {
				r.set(skip(id, "%s", why))
			}
			return
		}
	}
}

func restFor(login jwtflow.Request, result *jwtflow.Result) *restSession {
	client := login.Client
	if client == nil {
		client = jwtflow.NewHTTPClient(nil)
	}
	return &restSession{client: client, instanceURL: result.InstanceURL,
		token: result.AccessToken, userID: result.UserID}
}

// runCompositeWithin bounds the REST checks as --timeout bounds the login.
func (s *restSession) runCompositeWithin(ctx context.Context, timeout time.Duration) (
	*compositeAnswer, error) {
	if timeout <= 0 {
		timeout = jwtflow.DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return s.runComposite(ctx)
}

// addLogin reports the login and, from the Date header of its answer, the
// clock.
func (r *Report) addLogin(result *jwtflow.Result, err error) {
	if err != nil {
		r.set(r.loginFailure(err))
		r.set(clockFromError(err))
		return
	}

	r.Facts.UserID, r.Facts.OrgID = result.UserID, result.OrgID
	r.Facts.InstanceURL = result.InstanceURL
	r.set(clockCheck(result.ClockSkew, !result.ServerDate.IsZero()))
	if result.OtherPairing {
		r.set(warn(Login, hintOtherPairing(result.Audience),
			"logged in through %s, but only with the audience %s",
			result.LoginURL, result.Audience))
		return
	}
	r.set(pass(Login, "logged in through %s with the audience %s",
		result.LoginURL, result.Audience))
}

func hintOtherPairing(audience string) string {
	return "the audience asked for was refused and " + audience + " worked: pass --audience " +
		audience + " (KOLLENO_AUDIENCE), and give Kolleno the same login URL and audience"
}

// loginFailure keeps jwtflow's message and hint, and takes the exit code the
// error carries: 3 refused, 5 unreachable, 1 bad input. When the certificate
// given was found to belong to the private key, an "invalid assertion" hint
// leaves out comparing the two and names the causes that remain.
func (r *Report) loginFailure(err error) Check {
	code := ExitLocal
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		code = ec.ExitCode()
	}

	hint := hintOf(err)
	var refused *jwtflow.RefusedError
	if errors.As(err, &refused) && refused.Entry.ID == "invalid-assertion" &&
		r.Check(CertificateMatch).Status == Pass {
		hint = hintInvalidAssertionCertMatches
	}
	return fail(Login, code, hint, "%v", err)
}

// clockFromError reads the clock from the error of a failed login: every
// answer that came, a refusal or a maintenance page or an empty 200, carries
// the server's Date header (jwtflow.ServerClock).
func clockFromError(err error) Check {
	var measured interface{ MeasuredSkew() (time.Duration, bool) }
	if errors.As(err, &measured) {
		return clockCheck(measured.MeasuredSkew())
	}
	return clockCheck(0, false)
}
