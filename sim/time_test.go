package sim

import (
	"math"
	"testing"
)

// TestTimeArithmeticSaturates: sums and products of times saturate at
// ±Never at their extremes instead of wrapping around.
func TestTimeArithmeticSaturates(t *testing.T) {
	const maxT, minT = Time(math.MaxInt64), Time(math.MinInt64)
	adds := []struct{ a, b, want Time }{
		{Second, 2 * Second, 3 * Second},
		{Second, -2 * Second, -Second},
		{Never, 0, Never},
		{Never, 1, Never},
		{Never - Hour, 2 * Hour, Never},
		{Never / 2, Never/2 + 2, Never},
		{maxT, maxT, Never},
		{-Never, -1, -Never},
		{minT + 1, -Hour, -Never},
		{minT, minT, -Never},
		{Never, -Never, 0},
		{Never - 1, 1, Never},
	}
	for _, c := range adds {
		if got := Add(c.a, c.b); got != c.want {
			t.Errorf("Add(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Add(c.b, c.a); got != c.want {
			t.Errorf("Add(%d, %d) = %d, want %d (not commutative)", c.b, c.a, got, c.want)
		}
	}
	scales := []struct {
		t    Time
		k    float64
		want Time
	}{
		{Second, 2.5, 2500 * Millisecond},
		{Millisecond, 3, 3 * Millisecond},
		{Second, -1, -Second},
		{Day, 1e9, Never},
		{Day, -1e9, -Never},
		{Never, 2, Never},
		{Second, math.Inf(1), Never},
		{Second, math.NaN(), 0},
		{0, math.Inf(1), 0},
	}
	for _, c := range scales {
		got := Scale(c.t, c.k)
		if got != c.want {
			t.Errorf("Scale(%d, %g) = %d, want %d", c.t, c.k, got, c.want)
		}
	}
	// After saturates too: an event "never" does not wrap into the past.
	e := NewEngine()
	e.Run(Hour, nopHandler{})
	e.After(Never, 1, 0, 0)
	if _, ok := e.Next(Never - 1); ok {
		t.Errorf("an event after Never was delivered")
	}
}

type nopHandler struct{}

func (nopHandler) Handle(*Engine, Event) {}
