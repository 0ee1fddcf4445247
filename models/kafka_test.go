package models

import (
	"reflect"
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// junk sets every field of the struct v points to to a value that is not
// its zero, so a field a shortcut forgets to set or reset shows.
func junk(v any) {
	s := reflect.ValueOf(v).Elem()
	for i := 0; i < s.NumField(); i++ {
		f := s.Field(i)
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
			f.SetInt(int64(7 + i))
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
			f.SetUint(uint64(7 + i))
		case reflect.Array:
			for j := 0; j < f.Len(); j++ {
				f.Index(j).SetFloat(0.25)
			}
		default:
			panic("junk: a field of kind " + f.Kind().String())
		}
	}
}

// take writes its first piece into an empty chunk in place: the chunk it
// leaves is the one Absorb makes of that piece, whatever the chunk held.
func TestTakeFirstPieceAsAbsorb(t *testing.T) {
	for _, group := range []int{0, 2} {
		p := &kafkaPartition{index: 3, group: group}
		p.log.Push(run{N: 10, Lo: 100, Hi: 1100, Ready: 1100, EvLo: 50, EvHi: 1050})
		p.appended = 10
		p.read = 4
		var c Chunk
		junk(&c)
		c.Records = 0
		want := c
		piece := Chunk{Records: 3, Bytes: 300, CreatedLo: 100 + 400, CreatedHi: 100 + 700, EventLo: 50 + 400, EventHi: 50 + 700,
			Partition: 3, OffsetLo: 4, OffsetHi: 7}
		if group > 0 {
			piece.Alt[group-1] = 1
		}
		want.Absorb(&piece)
		if got := p.take(3, 100, &c, sim.Second); got != 3 || c != want {
			t.Errorf("group %d: took %d into %+v, want %+v", group, got, c, want)
		}
	}
}

// PushSlot appends as Push does, through wrap-arounds and growth.
func TestRingPushSlot(t *testing.T) {
	var a, b ring[run]
	for i := int64(0); i < 100; i++ {
		a.Push(run{N: i, Offset: -i})
		r := b.PushSlot()
		r.N, r.Offset = i, -i
		if i%3 == 0 {
			a.Pop()
			b.Pop()
		}
		if a.Len() != b.Len() || *a.Back() != *b.Back() || *a.Front() != *b.Front() {
			t.Fatalf("after %d: Push gives %d runs %+v..%+v, PushSlot %d runs %+v..%+v", i, a.Len(), *a.Front(), *a.Back(), b.Len(), *b.Front(), *b.Back())
		}
	}
}
