package models

import (
	"math"
	"sort"

	"github.com/flinksim/flinksim/sim"
)

// RateProfile is a source's input rate over time, in records per second.
type RateProfile interface {
	// Rate is the instantaneous rate at t.
	Rate(t sim.Time) float64
	// Integral is the expected number of records in [a, b).
	Integral(a, b sim.Time) float64
	// Max bounds the rate on [a, b) from above (for thinning).
	Max(a, b sim.Time) float64
}

// ConstantRate is a fixed rate.
type ConstantRate float64

func (c ConstantRate) Rate(sim.Time) float64 { return float64(c) }
func (c ConstantRate) Integral(a, b sim.Time) float64 {
	return float64(c) * (b - a).Seconds()
}
func (c ConstantRate) Max(sim.Time, sim.Time) float64 { return float64(c) }

// Point is a rate from time At on.
type Point struct {
	At   sim.Time
	Rate float64
}

// Piecewise is a rate defined by points, held constant between them (steps,
// bursts) or interpolated linearly (ramps). Before the first point the first
// rate holds, after the last the last.
type Piecewise struct {
	Points []Point // sorted by At
	Linear bool
}

func (p Piecewise) seg(t sim.Time) int {
	// index of the last point at or before t
	return sort.Search(len(p.Points), func(i int) bool { return p.Points[i].At > t }) - 1
}

func (p Piecewise) Rate(t sim.Time) float64 {
	i := p.seg(t)
	switch {
	case i < 0:
		return p.Points[0].Rate
	case i == len(p.Points)-1 || !p.Linear:
		return p.Points[i].Rate
	}
	a, b := p.Points[i], p.Points[i+1]
	f := float64(t-a.At) / float64(b.At-a.At)
	return a.Rate + f*(b.Rate-a.Rate)
}

func (p Piecewise) Integral(a, b sim.Time) float64 {
	if b <= a {
		return 0
	}
	total := 0.0
	t := a
	for t < b {
		i := p.seg(t)
		end := b
		if i+1 < len(p.Points) && p.Points[i+1].At < end {
			end = p.Points[i+1].At
		}
		// The rate is linear (or constant) on [t, end): trapezoid is exact.
		r0, r1 := p.Rate(t), p.Rate(end)
		if !p.Linear || i < 0 || i == len(p.Points)-1 {
			r1 = r0
		}
		total += (r0 + r1) / 2 * (end - t).Seconds()
		t = end
	}
	return total
}

func (p Piecewise) Max(a, b sim.Time) float64 {
	m := math.Max(p.Rate(a), p.Rate(b))
	for _, pt := range p.Points {
		if pt.At > a && pt.At < b {
			m = math.Max(m, pt.Rate)
		}
	}
	return m
}

// Periodic is a sinusoid: Mean + Amplitude·cos(2π(t − Peak)/Period), a diurnal
// pattern when Period is a day.
type Periodic struct {
	Mean, Amplitude float64
	Period, Peak    sim.Time
}

func (p Periodic) Rate(t sim.Time) float64 {
	return p.Mean + p.Amplitude*math.Cos(2*math.Pi*float64(t-p.Peak)/float64(p.Period))
}

func (p Periodic) Integral(a, b sim.Time) float64 {
	w := 2 * math.Pi / p.Period.Seconds()
	sa := math.Sin(w * (a - p.Peak).Seconds())
	sb := math.Sin(w * (b - p.Peak).Seconds())
	return p.Mean*(b-a).Seconds() + p.Amplitude/w*(sb-sa)
}

func (p Periodic) Max(sim.Time, sim.Time) float64 { return p.Mean + math.Abs(p.Amplitude) }
