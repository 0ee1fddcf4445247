package models

import "github.com/flinksim/flinksim/sim"

// Chunk is a run of records that travel together: a network buffer's worth by
// default, one record in exact mode. It carries what later mechanisms need so
// that none of them requires a redesign: creation and event-time ranges
// (latency, watermarks, windows), the source offsets it came from (replay), and
// the buffers it occupies (credit-based flow control). Records inside a chunk
// are taken to be spread evenly over its time ranges.
type Chunk struct {
	Records int64
	Bytes   int64
	// CreatedLo/Hi bound the records' creation times (when they were appended
	// to Kafka); end-to-end latency is measured from them.
	CreatedLo, CreatedHi sim.Time
	// EventLo/Hi bound the records' event timestamps. They equal the creation
	// times until a model of event-time disorder sets them apart.
	EventLo, EventHi sim.Time
	// Partition is the Kafka partition the records were read from, or -1 once
	// records of several partitions share the chunk; OffsetLo/Hi is then unset.
	Partition          int32
	OffsetLo, OffsetHi int64
	// Buffers is the number of network buffers the chunk occupies once it is
	// a finished buffer in a channel.
	Buffers int32
	// Barrier is the checkpoint ID of a checkpoint barrier (0 for data).
	// Barriers carry no records and need no buffer credit (Flink sends events
	// without credit); Priority marks an unaligned barrier that overtook the
	// data queued before it.
	Barrier  int32
	Priority bool
	// WM is the sender's output watermark when it wrote the records (a
	// watermark follows the records before it in the same buffers;
	// watermarks.go); both parts of a split keep it.
	WM wmark
	// Exact: the records' timestamps are EventLo..EventHi, with no delay
	// (a window operator's results); else they trail them by the source's
	// delay distribution.
	Exact bool
	// Alt is the share of the records from each group of partitions with
	// their own event-time delays (EventTime.PartitionDelays); the rest
	// have the source's. Both parts of a split keep it.
	Alt [MaxDelayGroups]float32
}

// Take splits off the first k records (0 < k < c.Records) as a new chunk and
// leaves the rest in c. Times and offsets are divided in proportion.
func (c *Chunk) Take(k int64) Chunk {
	var head Chunk
	c.takeInto(k, &head)
	return head
}

// takeInto is Take writing the head into *head (no copy of the result: a
// chunk is over a hundred bytes, and a step splits one per buffer).
func (c *Chunk) takeInto(k int64, head *Chunk) {
	f := float64(k) / float64(c.Records)
	*head = *c
	head.Records = k
	head.Bytes = c.Bytes * k / c.Records
	head.CreatedHi = c.CreatedLo + sim.Time(f*float64(c.CreatedHi-c.CreatedLo))
	head.EventHi = c.EventLo + sim.Time(f*float64(c.EventHi-c.EventLo))
	if c.Partition >= 0 {
		head.OffsetHi = c.OffsetLo + k
		c.OffsetLo = head.OffsetHi
	}
	c.Records -= k
	c.Bytes -= head.Bytes
	c.CreatedLo = head.CreatedHi
	c.EventLo = head.EventHi
}

// takeFirstRecord splits off the first record of a chunk of records each
// written on its own (chunk-records: 1), into *head: its first record is
// at CreatedLo and EventLo, its last at CreatedHi and EventHi, the others
// evenly between. Take's proportional share would give the first record a
// slice of the range and count it at the slice's middle, pulling the
// extremes of a buffer's records (a buffer-timeout's longest wait) inward.
func (c *Chunk) takeFirstRecord(head *Chunk) {
	n := c.Records
	*head = *c
	head.Records = 1
	head.Bytes = c.Bytes / n
	head.CreatedHi, head.EventHi = c.CreatedLo, c.EventLo
	if c.Partition >= 0 {
		head.OffsetHi = c.OffsetLo + 1
		c.OffsetLo = head.OffsetHi
	}
	c.Records--
	c.Bytes -= head.Bytes
	c.CreatedLo += (c.CreatedHi - c.CreatedLo) / sim.Time(n-1)
	c.EventLo += (c.EventHi - c.EventLo) / sim.Time(n-1)
}

// Absorb appends o's records to c (o follows c).
func (c *Chunk) Absorb(o *Chunk) {
	if c.Records == 0 {
		b := c.Buffers
		*c = *o
		c.Buffers = b
		return
	}
	if c.Alt != o.Alt {
		wc, wo := float64(c.Records)/float64(c.Records+o.Records), float64(o.Records)/float64(c.Records+o.Records)
		for i := range c.Alt {
			c.Alt[i] = float32(float64(c.Alt[i])*wc + float64(o.Alt[i])*wo)
		}
	}
	c.Records += o.Records
	c.Bytes += o.Bytes
	c.CreatedLo = min(c.CreatedLo, o.CreatedLo)
	c.CreatedHi = max(c.CreatedHi, o.CreatedHi)
	c.EventLo = min(c.EventLo, o.EventLo)
	c.EventHi = max(c.EventHi, o.EventHi)
	c.WM = max(c.WM, o.WM)
	c.Exact = c.Exact && o.Exact
	if c.Partition != o.Partition || c.OffsetHi != o.OffsetLo {
		c.Partition, c.OffsetLo, c.OffsetHi = -1, 0, 0
	} else {
		c.OffsetHi = o.OffsetHi
	}
}

// ring is a growable FIFO queue that reuses its storage, so steady-state
// queueing allocates nothing. Its capacity is a power of two (grow doubles
// from 2), so an index wraps with a mask, not a division.
type ring[T any] struct {
	buf  []T
	head int
	n    int
}

func (r *ring[T]) Len() int { return r.n }

func (r *ring[T]) Push(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

// PushSlot appends an element and returns it to be filled in place: a
// large element passed to Push is spilled and copied 16 bytes at a time,
// which stalls on stores just made 8 bytes at a time.
func (r *ring[T]) PushSlot() *T {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.n++
	return &r.buf[(r.head+r.n-1)&(len(r.buf)-1)]
}

// PushFront puts v at the head (for events that overtake queued data).
func (r *ring[T]) PushFront(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.head = (r.head - 1) & (len(r.buf) - 1)
	r.buf[r.head] = v
	r.n++
}

func (r *ring[T]) grow() {
	nb := make([]T, max(2, 2*len(r.buf)))
	for i := 0; i < r.n; i++ {
		nb[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
	}
	r.buf, r.head = nb, 0
}

// At returns a pointer to the i-th element from the head.
func (r *ring[T]) At(i int) *T { return &r.buf[(r.head+i)&(len(r.buf)-1)] }

// InsertAt puts v at index i, shifting the elements from i on back by one;
// it costs O(i).
func (r *ring[T]) InsertAt(i int, v T) {
	r.PushFront(v)
	for j := 0; j < i; j++ {
		*r.At(j) = *r.At(j + 1)
	}
	*r.At(i) = v
}

// RemoveAt deletes the i-th element from the head, keeping the order.
func (r *ring[T]) RemoveAt(i int) {
	for j := i; j > 0; j-- {
		*r.At(j) = *r.At(j - 1)
	}
	r.Pop()
}

// Front returns a pointer to the head element.
func (r *ring[T]) Front() *T { return &r.buf[r.head] }

// Back returns a pointer to the tail element.
func (r *ring[T]) Back() *T { return r.At(r.n - 1) }

func (r *ring[T]) Pop() T {
	v := r.buf[r.head]
	var zero T
	r.buf[r.head] = zero
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return v
}
