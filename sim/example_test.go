package sim_test

import (
	"fmt"

	"github.com/flinksim/flinksim/sim"
)

// ticker prints every event it handles and reschedules itself twice.
type ticker struct{ left int }

func (t *ticker) Handle(e *sim.Engine, ev sim.Event) {
	fmt.Printf("%v: kind %d actor %d\n", e.Now(), ev.Kind, ev.Actor)
	if t.left > 0 {
		t.left--
		e.After(1500*sim.Millisecond, ev.Kind, ev.Actor, 0)
	}
}

func ExampleEngine() {
	e := sim.NewEngine()
	e.At(0, 1, 7, 0)
	e.At(0, 2, 8, 0) // same instant: runs after the first, in scheduling order
	e.Run(2*sim.Second, &ticker{left: 2})
	fmt.Println("stopped at", e.Now())
	// Output:
	// 0ns: kind 1 actor 7
	// 0ns: kind 2 actor 8
	// 1.5s: kind 1 actor 7
	// 1.5s: kind 2 actor 8
	// stopped at 2s
}

func ExampleStreams() {
	s := sim.NewStreams(42)
	a, b := s.Stream("arrivals"), s.Stream("arrivals")
	fmt.Println(a.Uint64() == b.Uint64()) // same name, same sequence
	// Output: true
}
