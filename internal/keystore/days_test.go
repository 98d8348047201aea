package keystore

import (
	"testing"
	"time"
)

func TestDaysUntil(t *testing.T) {
	now := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		left time.Duration
		want int
	}{
		{365*day - 3*time.Second, 365}, // made a moment ago for 365 days
		{365 * day, 365},
		{30*day - time.Minute, 30},
		{10 * day, 10},
		{9*day + 13*time.Hour, 10},
		{9*day + 11*time.Hour, 9},
		{11 * time.Hour, 0},
		{0, 0},
		{-25 * time.Hour, -1},
	}
	for _, tt := range tests {
		if got := DaysUntil(now.Add(tt.left), now); got != tt.want {
			t.Errorf("DaysUntil(now + %s) = %d, want %d", tt.left, got, tt.want)
		}
	}
}
