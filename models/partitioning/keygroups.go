package partitioning

import (
	"fmt"
	"math"
	"math/bits"
)

// Flink's bounds on max parallelism (Transformation.UPPER_BOUND_MAX_PARALLELISM
// and KeyGroupRangeAssignment's lower default).
const (
	MaxMaxParallelism        = 1 << 15
	DefaultLowerMaxParallel  = 1 << 7
	UnsetMaxParallelism      = -1 // pipeline.max-parallelism's default
	MaxParallelismUpperBound = MaxMaxParallelism
)

// JavaLongHash is Long.hashCode: (int)(v ^ (v >>> 32)).
func JavaLongHash(v int64) int32 {
	u := uint64(v)
	return int32(uint32(u ^ (u >> 32)))
}

// JavaStringHash is String.hashCode: s[0]·31^(n-1) + … over UTF-16 code units,
// with 32-bit wrap-around.
func JavaStringHash(s string) int32 {
	var h uint32
	for _, r := range s {
		if r >= 0x10000 { // a surrogate pair in Java's UTF-16
			r -= 0x10000
			h = 31*h + uint32(0xD800+(r>>10))
			h = 31*h + uint32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + uint32(r)
	}
	return int32(h)
}

// Murmur is MathUtils.murmurHash(int): one Murmur3 block with seed 0, the
// finaliser, then made non-negative (Integer.MIN_VALUE maps to 0).
func Murmur(code int32) int32 {
	h := uint32(code) * 0xcc9e2d51
	h = bits.RotateLeft32(h, 15) * 0x1b873593
	h = bits.RotateLeft32(h, 13)*5 + 0xe6546b64
	h ^= 4
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	v := int32(h)
	switch {
	case v >= 0:
		return v
	case v != math.MinInt32:
		return -v
	}
	return 0
}

// KeyGroup is computeKeyGroupForKeyHash: murmur(hashCode) % maxParallelism.
func KeyGroup(hashCode int32, maxParallelism int) int {
	return int(Murmur(hashCode)) % maxParallelism
}

// OperatorIndex is computeOperatorIndexForKeyGroup: keyGroup·parallelism/maxParallelism.
func OperatorIndex(keyGroup, parallelism, maxParallelism int) int {
	return keyGroup * parallelism / maxParallelism
}

// Range is an inclusive range of key groups.
type Range struct{ Start, End int }

// Len is the number of key groups in r.
func (r Range) Len() int { return r.End - r.Start + 1 }

// RangeForOperator is computeKeyGroupRangeForOperatorIndex.
func RangeForOperator(index, parallelism, maxParallelism int) Range {
	return Range{
		Start: (index*maxParallelism + parallelism - 1) / parallelism,
		End:   ((index+1)*maxParallelism - 1) / parallelism,
	}
}

// DefaultMaxParallelism is computeDefaultMaxParallelism:
// min(max(roundUpToPowerOfTwo(p + p/2), 128), 32768).
func DefaultMaxParallelism(parallelism int) int {
	x := parallelism + parallelism/2
	p := 1
	if x > 1 {
		p = 1 << bits.Len(uint(x-1))
	}
	return min(max(p, DefaultLowerMaxParallel), MaxMaxParallelism)
}

// CheckMaxParallelism returns an error unless 0 < parallelism ≤ maxParallelism ≤ 32768.
func CheckMaxParallelism(parallelism, maxParallelism int) error {
	switch {
	case maxParallelism < 1 || maxParallelism > MaxMaxParallelism:
		return fmt.Errorf("max parallelism %d is outside Flink's range 1..%d", maxParallelism, MaxMaxParallelism)
	case parallelism > maxParallelism:
		return fmt.Errorf("parallelism %d exceeds max parallelism %d", parallelism, maxParallelism)
	}
	return nil
}
