package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/kolleno/kollenoctl/internal/verify"
)

// What the admin can do after a check failed.
const (
	nextTryAgain   = "again"
	nextKeepTrying = "keep"
	nextChange     = "change"
	nextStop       = "stop"
)

func retryChoices(keepTryingFor time.Duration) []choice {
	return []choice{
		{"Try again now", nextTryAgain},
		{fmt.Sprintf("Keep trying for %d minutes (app changes take minutes to arrive)",
			int(keepTryingFor.Minutes())), nextKeepTrying},
		{"Change the consumer key, username or login URL", nextChange},
		{"Stop here", nextStop},
	}
}

// verifyUntilDone runs verify's checks and shows the checklist. On a
// failure it offers to try again, to keep trying for a while, or to change
// the answers; without a terminal the failure ends the command with
// verify's exit code.
func (o *onboarding) verifyUntilDone(ctx context.Context, m *material, c *connValues) error {
	o.ios.Statusf("Checking the connection: a real login, then the integration user's permissions.")
	report, err := o.check(ctx, m, c)
	if err != nil {
		return err
	}
	o.showReport(report)

	for report.ExitCode() != verify.ExitOK {
		if o.ask == nil {
			return &silentError{code: report.ExitCode()}
		}
		const title = "The connection does not work yet. What now?"
		next, err := o.ask.Select(title, retryChoices(o.keepTryingFor))
		if err != nil {
			return err
		}

		switch next {
		case nextStop:
			return &silentError{code: report.ExitCode()}
		case nextChange:
			if *c, err = o.changedConnection(c); err != nil {
				return err
			}
		}

		if next == nextKeepTrying {
			report, err = o.keepTrying(ctx, m, c)
		} else {
			report, err = o.check(ctx, m, c)
		}
		if err != nil {
			return err
		}
		o.showReport(report)
	}
	return nil
}

func (o *onboarding) changedConnection(c *connValues) (connValues, error) {
	changed, err := o.changeConnection(c)
	if err != nil {
		return *c, err
	}
	return *changed, nil
}

// keepTrying repeats the checks every tryEvery until they pass or
// keepTryingFor has passed, with one line per attempt.
func (o *onboarding) keepTrying(ctx context.Context, m *material,
	c *connValues) (*verify.Report, error) {
	attempts := int(o.keepTryingFor / o.tryEvery)
	var report *verify.Report
	for n := 1; n <= attempts; n++ {
		o.pause(o.tryEvery)
		var err error
		if report, err = o.check(ctx, m, c); err != nil {
			return nil, err
		}
		o.ios.Statusf("Attempt %d of %d: %s", n, attempts, report.Summary())
		if report.ExitCode() == verify.ExitOK || ctx.Err() != nil {
			break
		}
	}
	return report, nil
}

func (o *onboarding) showReport(r *verify.Report) {
	o.ios.Statusf("")
	_ = verify.WriteText(o.ios.ErrOut, r, verify.TextOptions{Color: o.ios.ColorErr()})
}
