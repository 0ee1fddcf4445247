package sim

import (
	"testing"
)

type recorder struct{ got []Event }

func (r *recorder) Handle(_ *Engine, ev Event) { r.got = append(r.got, ev) }

func TestEngineOrdersByTimeThenSequence(t *testing.T) {
	e := NewEngine()
	// Scheduled out of order, with ties at t=5: ties must pop in scheduling order.
	e.At(5, 1, 0, 0)
	e.At(2, 2, 0, 0)
	e.At(5, 3, 0, 0)
	e.At(9, 4, 0, 0)
	e.At(5, 5, 0, 0)
	var r recorder
	e.Run(Never, &r)
	want := []Kind{2, 1, 3, 5, 4}
	if len(r.got) != len(want) {
		t.Fatalf("got %d events, want %d", len(r.got), len(want))
	}
	for i, ev := range r.got {
		if ev.Kind != want[i] {
			t.Fatalf("event %d: kind %d, want %d", i, ev.Kind, want[i])
		}
	}
}

func TestEngineHeapAgainstSort(t *testing.T) {
	// Many random times: the pop order must be sorted by (time, sequence).
	s := NewStreams(7).Stream("heap")
	e := NewEngine()
	for i := 0; i < 5000; i++ {
		e.At(Time(s.IntN(300)), 0, int32(i), 0)
	}
	var prev Event
	n := 0
	for {
		ev, ok := e.Next(Never)
		if !ok {
			break
		}
		if n > 0 && (ev.At < prev.At || (ev.At == prev.At && ev.Actor < prev.Actor)) {
			t.Fatalf("out of order: %+v after %+v", ev, prev)
		}
		prev = ev
		n++
	}
	if n != 5000 {
		t.Fatalf("popped %d, want 5000", n)
	}
}

func TestTimerRearmAndDisarm(t *testing.T) {
	e := NewEngine()
	a, b := e.NewTimer(), e.NewTimer()
	e.Arm(a, 10, 1, 0, 0)
	e.Arm(a, 20, 1, 0, 1) // replaces the firing at 10
	e.Arm(b, 15, 2, 0, 0)
	e.Disarm(b)
	if e.Armed(b) || !e.Armed(a) {
		t.Fatalf("armed: a=%v b=%v", e.Armed(a), e.Armed(b))
	}
	var r recorder
	e.Run(Never, &r)
	if len(r.got) != 1 || r.got[0].At != 20 || r.got[0].Arg != 1 {
		t.Fatalf("got %+v, want one firing of a at 20", r.got)
	}
	if e.Armed(a) {
		t.Fatal("a still armed after firing")
	}
}

func TestRunStopsAtLimitAndAdvancesClock(t *testing.T) {
	e := NewEngine()
	e.At(10, 1, 0, 0)
	e.At(30, 1, 0, 0)
	var r recorder
	e.Run(20, &r)
	if len(r.got) != 1 || e.Now() != 20 {
		t.Fatalf("got %d events, now %v; want 1 event and now=20", len(r.got), e.Now())
	}
	e.Run(40, &r)
	if len(r.got) != 2 || e.Now() != 40 {
		t.Fatalf("got %d events, now %v", len(r.got), e.Now())
	}
}

func TestSchedulingInThePastPanics(t *testing.T) {
	e := NewEngine()
	e.At(10, 1, 0, 0)
	e.Next(Never)
	defer func() {
		if recover() == nil {
			t.Fatal("scheduling before now did not panic")
		}
	}()
	e.At(5, 1, 0, 0)
}

func TestStreamsAreDeterministicAndIndependent(t *testing.T) {
	a1 := NewStreams(42).Stream("arrivals")
	a2 := NewStreams(42).Stream("arrivals")
	b := NewStreams(42).Stream("costs")
	c := NewStreams(43).Stream("arrivals")
	same, diffName, diffSeed := true, false, false
	for i := 0; i < 100; i++ {
		x, y, z, w := a1.Uint64(), a2.Uint64(), b.Uint64(), c.Uint64()
		same = same && x == y
		diffName = diffName || x != z
		diffSeed = diffSeed || x != w
	}
	if !same || !diffName || !diffSeed {
		t.Fatalf("same=%v diffName=%v diffSeed=%v", same, diffName, diffSeed)
	}
	if DeriveSeed(1, "a", "b") == DeriveSeed(1, "b", "a") || DeriveSeed(1, "a") != DeriveSeed(1, "a") {
		t.Fatal("DeriveSeed must depend on its parts and their order, and be a function")
	}
}

func TestTimeString(t *testing.T) {
	for _, c := range []struct {
		t    Time
		want string
	}{
		{1500 * Millisecond, "1.5s"}, {250 * Millisecond, "250ms"}, {2*Hour + 5*Minute, "2h5m"},
		{90 * Second, "1m30s"}, {3 * Microsecond, "3µs"}, {7, "7ns"}, {-2 * Second, "-2s"}, {Never, "never"},
	} {
		if got := c.t.String(); got != c.want {
			t.Errorf("%d: got %q want %q", int64(c.t), got, c.want)
		}
	}
	if FromSeconds(1e300) != Never || FromSeconds(1.5) != 1500*Millisecond {
		t.Fatal("FromSeconds saturation or rounding wrong")
	}
}
