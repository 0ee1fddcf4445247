package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// mm1 is the smallest useful model on the engine: Poisson arrivals, one
// exponential server, FIFO queue. It doubles as the engine's benchmark.
type mm1 struct {
	lambda, mu float64
	r          *rand.Rand
	queue      []Time // arrival times of waiting customers, head first
	head       int
	busy       bool
	served     int
	sojourn    float64
}

const (
	kArrive Kind = iota
	kDepart
)

func (m *mm1) Handle(e *Engine, ev Event) {
	switch ev.Kind {
	case kArrive:
		m.queue = append(m.queue, e.Now())
		e.After(FromSeconds(m.r.ExpFloat64()/m.lambda), kArrive, 0, 0)
		if !m.busy {
			m.busy = true
			e.After(FromSeconds(m.r.ExpFloat64()/m.mu), kDepart, 0, 0)
		}
	case kDepart:
		m.sojourn += (e.Now() - m.queue[m.head]).Seconds()
		m.served++
		m.head++
		if m.head > 4096 && m.head*2 > len(m.queue) { // compact without reallocating
			n := copy(m.queue, m.queue[m.head:])
			m.queue, m.head = m.queue[:n], 0
		}
		if m.head < len(m.queue) {
			e.After(FromSeconds(m.r.ExpFloat64()/m.mu), kDepart, 0, 0)
		} else {
			m.busy = false
		}
	}
}

func TestMM1OnEngine(t *testing.T) {
	// ρ = 0.8, about 400k customers: the relative SD of the mean sojourn is
	// about 1.5 %, so 6 % is four standard deviations.
	m := &mm1{lambda: 800, mu: 1000, r: NewStreams(11).Stream("mm1")}
	e := NewEngine()
	e.At(0, kArrive, 0, 0)
	e.Run(500*Second, m)
	want := 1 / (m.mu - m.lambda)
	got := m.sojourn / float64(m.served)
	if math.Abs(got-want)/want > 0.06 {
		t.Fatalf("mean sojourn %.5f s, want %.5f s", got, want)
	}
}

// BenchmarkMM1 reports the engine's speed in events per second.
func BenchmarkMM1(b *testing.B) {
	m := &mm1{lambda: 900, mu: 1000, r: NewStreams(1).Stream("mm1"), queue: make([]Time, 0, 1<<16)}
	e := NewEngine()
	e.At(0, kArrive, 0, 0)
	b.ReportAllocs()
	b.ResetTimer()
	start := e.Events()
	for e.Events()-start < uint64(b.N) {
		ev, _ := e.Next(Never)
		m.Handle(e, ev)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
