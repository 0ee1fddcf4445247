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

// Layout splits each salted heavy key into Buckets keys of equal share at
// their own key groups. Salting every key also spreads the rest of the keys
// evenly over the key groups, Buckets times as many.
func (k SaltedKeys) Layout(mp int, t sim.Time) *KeyLayout {
	base := k.Base.Layout(mp, t)
	l := &KeyLayout{Share: make([]float64, mp), Keys: make([]float64, mp)}
	for _, h := range base.Heavy {
		if !k.salted(h.Share) {
			l.Heavy = append(l.Heavy, h)
			l.Share[h.Group] += h.Share
			l.Keys[h.Group]++
			continue
		}
		code := k.Base.HashCode(h.Key)
		for b := 0; b < k.Buckets; b++ {
			kg := partitioning.KeyGroup(31*code+int32(b), mp) // int32 arithmetic wraps as Java's does
			l.Heavy = append(l.Heavy, HeavyKey{Key: h.Key + "#" + strconv.Itoa(b), Orig: h.Key, Group: kg, Share: h.Share / float64(k.Buckets)})
			l.Share[kg] += h.Share / float64(k.Buckets)
			l.Keys[kg]++
		}
	}
	// The other keys keep their tiers; salted, each tier has Buckets times
	// the keys, spread evenly over the key groups.
	l.Tiers = newTiers(len(base.Tiers), mp)
	for b, tier := range base.Tiers {
		var share, keys float64
		for kg := range tier.Share {
			share += tier.Share[kg]
			keys += tier.Keys[kg]
		}
		for kg := range tier.Share {
			if k.HotShare > 0 {
				l.Tiers[b].Share[kg], l.Tiers[b].Keys[kg] = tier.Share[kg], tier.Keys[kg]
			} else {
				l.Tiers[b].Share[kg], l.Tiers[b].Keys[kg] = share/float64(mp), keys*float64(k.Buckets)/float64(mp)
			}
			l.Share[kg] += l.Tiers[b].Share[kg]
			l.Keys[kg] += l.Tiers[b].Keys[kg]
		}
	}
	sortHeavy(l.Heavy)
	return l
}
