package keystore

import (
	"math"
	"time"
)

// DaysUntil is the number of days from now to t, rounded to the nearest
// day; negative once t has passed. It is kollenoctl's one way of counting a
// certificate's days left, so that keygen ("in 365 days"), inspect ("365
// days left") and verify ("365 days from now") agree. Rounding, rather than
// dropping the part of a day, keeps a certificate made a few seconds ago for
// 365 days at 365.
func DaysUntil(t, now time.Time) int {
	return int(math.Round(t.Sub(now).Hours() / 24))
}
