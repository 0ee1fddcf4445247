package sim

import "fmt"

// Kind says what an event means to the model that scheduled it.
type Kind uint16

// Event is one scheduled occurrence. Kind, Actor and Arg are the model's; the
// engine only orders events by (At, sequence).
type Event struct {
	At    Time
	seq   uint64
	Arg   int64
	Actor int32
	timer int32 // -1 for a plain event; else the Timer that armed it
	gen   uint32
	Kind  Kind
}

// Handler receives events in time order.
type Handler interface {
	Handle(e *Engine, ev Event)
}

type timerKey struct {
	kind  Kind
	actor int32
	arg   int64
}

// Timer is a cancellable event slot: at most one pending firing at a time.
type Timer int32

// Engine is the event loop: a virtual clock and a typed event heap.
type Engine struct {
	now    Time
	seq    uint64
	heap   []Event
	gens   []uint32 // current generation per timer
	armed  []bool   // whether the timer's current generation is pending
	armAt  []Time   // when an armed timer fires
	armKey []timerKey
	events uint64 // events delivered
}

// NewEngine returns an engine at time 0 with no events.
func NewEngine() *Engine {
	return &Engine{heap: make([]Event, 0, 1024)}
}

// Now is the current virtual time.
func (e *Engine) Now() Time { return e.now }

// Events is the number of events delivered so far (skipped stale timers excluded).
func (e *Engine) Events() uint64 { return e.events }

// Pending is the number of entries in the heap, stale timer entries included.
func (e *Engine) Pending() int { return len(e.heap) }

// At schedules an event at absolute time at. Scheduling in the past is a bug in
// the model and panics: virtual time never goes backwards.
func (e *Engine) At(at Time, kind Kind, actor int32, arg int64) {
	e.push(at, kind, actor, arg, -1, 0)
}

// After schedules an event d after now (at Never if that overflows).
func (e *Engine) After(d Time, kind Kind, actor int32, arg int64) {
	e.push(Add(e.now, d), kind, actor, arg, -1, 0)
}

// NewTimer allocates a timer slot. Timers live as long as the engine.
func (e *Engine) NewTimer() Timer {
	e.gens = append(e.gens, 0)
	e.armed = append(e.armed, false)
	e.armAt = append(e.armAt, 0)
	e.armKey = append(e.armKey, timerKey{})
	return Timer(len(e.gens) - 1)
}

// Arm schedules the timer's event at absolute time at, replacing any pending
// one. Re-arming for the same time and event is free.
func (e *Engine) Arm(t Timer, at Time, kind Kind, actor int32, arg int64) {
	if e.armed[t] && e.armAt[t] == at && e.armedKind(t, kind, actor, arg) {
		return
	}
	e.gens[t]++
	e.armed[t] = true
	e.armAt[t] = at
	e.armKey[t] = timerKey{kind, actor, arg}
	e.push(at, kind, actor, arg, int32(t), e.gens[t])
}

// armedKind reports whether the timer's pending event has this kind, actor
// and argument (kept per timer so that re-arming can be skipped).
func (e *Engine) armedKind(t Timer, kind Kind, actor int32, arg int64) bool {
	k := e.armKey[t]
	return k.kind == kind && k.actor == actor && k.arg == arg
}

// Disarm cancels the timer's pending event, if any.
func (e *Engine) Disarm(t Timer) {
	if e.armed[t] {
		e.gens[t]++
		e.armed[t] = false
	}
}

// Armed reports whether the timer has a pending event.
func (e *Engine) Armed(t Timer) bool { return e.armed[t] }

// ArmedAt is when the timer's pending event fires, and whether it has one.
func (e *Engine) ArmedAt(t Timer) (Time, bool) { return e.armAt[t], e.armed[t] }

func (e *Engine) push(at Time, kind Kind, actor int32, arg int64, timer int32, gen uint32) {
	if at < e.now {
		panic(fmt.Sprintf("sim: event kind %d for actor %d scheduled at %v, before now %v", kind, actor, at, e.now))
	}
	e.seq++
	e.heap = append(e.heap, Event{At: at, seq: e.seq, Arg: arg, Actor: actor, timer: timer, gen: gen, Kind: kind})
	e.up(len(e.heap) - 1)
}

// Next removes and returns the earliest live event at or before limit and
// advances the clock to it. When there is none it advances the clock to limit
// (if limit is later than now) and returns false.
func (e *Engine) Next(limit Time) (Event, bool) {
	for len(e.heap) > 0 {
		top := e.heap[0]
		if top.At > limit {
			break
		}
		e.pop()
		if top.timer >= 0 {
			if e.gens[top.timer] != top.gen {
				continue // stale: the timer was re-armed or disarmed
			}
			e.armed[top.timer] = false
		}
		e.now = top.At
		e.events++
		return top, true
	}
	if limit > e.now && limit != Never {
		e.now = limit
	}
	return Event{}, false
}

// Run delivers every event up to and including limit to h, then leaves the
// clock at limit.
func (e *Engine) Run(limit Time, h Handler) {
	for {
		ev, ok := e.Next(limit)
		if !ok {
			return
		}
		h.Handle(e, ev)
	}
}

func less(a, b *Event) bool {
	return a.At < b.At || (a.At == b.At && a.seq < b.seq)
}

// The heap is 4-ary: shallower than a binary heap and friendlier to the cache.
func (e *Engine) up(i int) {
	h := e.heap
	x := h[i]
	for i > 0 {
		p := (i - 1) / 4
		if !less(&x, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = x
}

func (e *Engine) pop() {
	h := e.heap
	n := len(h) - 1
	x := h[n]
	h = h[:n]
	e.heap = h
	if n == 0 {
		return
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := c + 4
		if end > n {
			end = n
		}
		for j := c + 1; j < end; j++ {
			if less(&h[j], &h[m]) {
				m = j
			}
		}
		if !less(&h[m], &x) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = x
}
