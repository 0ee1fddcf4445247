package models

import (
	"strconv"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// SaltedKeys is a population whose keys are salted into Buckets keys each,
// as the first stage of a two-stage aggregation keys by (key, salt): Flink
// hashes such a Tuple2<K, Integer> key as 31·hash(key) + salt. With HotShare
// above 0 only the keys carrying at least that share of the records are
// salted; the others keep their key.
type SaltedKeys struct {
	Base     *Population
	Buckets  int
	HotShare float64
}

func (k SaltedKeys) Changes() []sim.Time { return k.Base.Changes() }

func (k SaltedKeys) Distinct() float64 {
	if k.HotShare > 0 {
		return k.Base.Distinct() // plus a few salted copies of the hot keys
	}
	return k.Base.Distinct() * float64(k.Buckets)
}

func (k SaltedKeys) salted(share float64) bool { return k.HotShare <= 0 || share >= k.HotShare }

// Layout places the keys as the partial stage keys them, by
// Tuple2<key, salt>: each salted key as Buckets keys (key, 0) ..
// (key, Buckets−1) of equal share, and with HotShare above 0 every other
// key as (key, 0), so that it too hashes as 31·hash(key), not hash(key).
func (k SaltedKeys) Layout(mp int, t sim.Time) *KeyLayout { return k.layoutMemo(mp, t, nil) }

func (k SaltedKeys) layoutMemo(mp int, t sim.Time, m *tierMemo) *KeyLayout {
	salts := int32(k.Buckets)
	if k.HotShare > 0 {
		salts = 1
	}
	l := k.Base.layout(mp, t, salts, m)
	heavy := l.Heavy
	l.Heavy = nil
	for _, h := range heavy {
		code := k.Base.HashCode(h.Key)
		if !k.salted(h.Share) {
			h.Group = partitioning.KeyGroup(tupleHash(code, 0), mp)
			l.place(h)
			continue
		}
		for b := range int32(k.Buckets) {
			l.place(HeavyKey{Key: h.Key + "#" + strconv.Itoa(int(b)), Orig: h.Key, Group: partitioning.KeyGroup(tupleHash(code, b), mp), Share: h.Share / float64(k.Buckets)})
		}
	}
	sortHeavy(l.Heavy)
	return l
}

// place adds a heavy key to the layout.
func (l *KeyLayout) place(h HeavyKey) {
	l.Heavy = append(l.Heavy, h)
	l.Share[h.Group] += h.Share
	l.Keys[h.Group]++
}

// tupleHash is Tuple2<K, Integer>.hashCode of (key, salt) for a key whose
// hashCode is code: 31·code + salt (Integer.hashCode is the value), in
// int32 arithmetic that wraps as Java's does.
func tupleHash(code, salt int32) int32 { return 31*code + salt }
