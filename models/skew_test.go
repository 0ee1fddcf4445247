package models

import (
	"math"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// skewJob: lambda records/s into a keyed operator of parallelism p over mp
// key groups, keys drawn from keys, then a free sink.
func skewJob(keys KeySpace, p, mp int, lambda float64, chunk int64) Spec {
	return Spec{
		Name: "skew", Seed: 9, Duration: 100 * sim.Second, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim: Settings{ChunkRecords: chunk, ChunkDelay: 10 * sim.Millisecond, SampleInterval: sim.Second},
		Nodes: []Node{
			{Name: "src", Kind: KindSource, Parallelism: 2, Chain: true, RecordSize: 100,
				Kafka: &Kafka{Topic: "t", Partitions: 2, Rate: ConstantRate(lambda)}},
			{Name: "agg", Kind: KindOperator, Parallelism: p, MaxParallelism: mp, Chain: true, RecordSize: 100, Selectivity: 1,
				Inputs: []Input{{From: "src", Exchange: Hash}}, Keyed: &Keyed{Keys: keys, StatePerKey: 100}},
			{Name: "out", Kind: KindSink, Parallelism: p, Chain: true, RecordSize: 100, Sink: &Sink{}, Inputs: []Input{{From: "agg"}}},
		},
	}
}

// observedShares is each agg subtask's share of the records it took in.
func observedShares(s *Simulation) ([]float64, int64) {
	agg := s.nodes[1]
	var total int64
	for _, st := range agg.task.subtasks {
		total += st.ops[agg.pos].in
	}
	out := make([]float64, len(agg.task.subtasks))
	for j, st := range agg.task.subtasks {
		out[j] = float64(st.ops[agg.pos].in) / float64(total)
	}
	return out, total
}

// TestGeneratedKeysFollowFlinksHashing: every generated key, long or
// string, lands in the key group Flink's KeyGroupRangeAssignment gives it
// (Java hashCode, murmur, modulo max parallelism), counted here key by key.
func TestGeneratedKeysFollowFlinksHashing(t *testing.T) {
	for _, pop := range []*Population{
		{N: 5000},
		{N: 5000, Type: KeyString, Prefix: "user-", Shape: ShapeZipf, S: 1.1},
		{N: 5000, Type: KeyString, Prefix: "u", Shape: ShapeHotSet, HotFraction: 0.01, HotShare: 0.8,
			Hot: []HotKey{{Key: "bot-1", Share: 0.05}}},
	} {
		const mp = 128
		l := pop.Layout(mp, 0)
		want := make([]float64, mp)
		for id := int64(0); id < pop.N; id++ {
			code := partitioning.JavaLongHash(id)
			if pop.Type == KeyString {
				code = partitioning.JavaStringHash(pop.Prefix + strconv.FormatInt(id, 10))
			}
			want[partitioning.KeyGroup(code, mp)]++
		}
		for _, h := range pop.Hot {
			want[partitioning.KeyGroup(partitioning.JavaStringHash(h.Key), mp)]++
		}
		shareSum := 0.0
		for kg := range want {
			if l.Keys[kg] != want[kg] {
				t.Fatalf("%+v: key group %d holds %v keys, Flink's rule gives %v", pop.Shape, kg, l.Keys[kg], want[kg])
			}
			shareSum += l.Share[kg]
		}
		if math.Abs(shareSum-1) > 1e-9 {
			t.Errorf("shares sum to %v", shareSum)
		}
		for _, h := range l.Heavy {
			if kg := partitioning.KeyGroup(pop.HashCode(h.Key), mp); kg != h.Group {
				t.Errorf("heavy key %s in group %d, Flink's rule gives %d", h.Key, h.Group, kg)
			}
		}
	}
	// A salted key is a Tuple2<key, salt>: Flink hashes it as 31·hash(key) + salt.
	sk := SaltedKeys{Base: &Population{N: 10, Type: KeyString, Hot: []HotKey{{Key: "bot-1", Share: 0.5}}}, Buckets: 4, HotShare: 0.1}
	for _, h := range sk.Layout(128, 0).Heavy {
		if h.Orig != "bot-1" {
			continue
		}
		salt, _ := strconv.Atoi(h.Key[len("bot-1#"):])
		if want := partitioning.KeyGroup(31*partitioning.JavaStringHash("bot-1")+int32(salt), 128); h.Group != want || h.Share != 0.125 {
			t.Errorf("salted %s: group %d share %v, want %d and 1/8", h.Key, h.Group, h.Share, want)
		}
	}
}

// TestUniformLoadFollowsKeyGroupRanges: with uniform keys each subtask gets
// the share of keys in its key-group range, so a parallelism that does not
// divide the max parallelism (7 into 128: ranges of 18 and 19 groups) shows
// structural skew. Chunked routing carries fractions, so it is exact to a
// record; per-record routing (chunk 1) draws keys and is within 4 σ.
func TestUniformLoadFollowsKeyGroupRanges(t *testing.T) {
	const n, p, mp = 10000, 7, 128
	want := make([]float64, p)
	for id := int64(0); id < n; id++ {
		kg := partitioning.KeyGroup(partitioning.JavaLongHash(id), mp)
		want[partitioning.OperatorIndex(kg, p, mp)] += 1.0 / n
	}
	for _, chunk := range []int64{0, 1} {
		s, _ := runWith(t, skewJob(UniformKeys{N: n}, p, mp, 2000, chunk))
		got, total := observedShares(s)
		for j := range want {
			tol := 2.0 / float64(total)
			if chunk == 1 {
				tol = 4 * math.Sqrt(want[j]*(1-want[j])/float64(total))
			}
			if math.Abs(got[j]-want[j]) > tol {
				t.Errorf("chunk %d: subtask %d took %.5f of the records, its keys are %.5f of them (±%.5f)", chunk, j, got[j], want[j], tol)
			}
		}
	}
}

// TestZipfHotSubtaskShare: under Zipf keys the busiest subtask's share is the
// sum of the probabilities r^−s/H(N,s) of the keys its key groups hold.
func TestZipfHotSubtaskShare(t *testing.T) {
	const n, p, mp, s = 20000, 10, 128, 1.2
	h := 0.0
	for r := 1; r <= n; r++ {
		h += math.Pow(float64(r), -s)
	}
	want := make([]float64, p)
	for r := 1; r <= n; r++ {
		kg := partitioning.KeyGroup(partitioning.JavaLongHash(int64(r-1)), mp)
		want[partitioning.OperatorIndex(kg, p, mp)] += math.Pow(float64(r), -s) / h
	}
	hot := 0
	for j := range want {
		if want[j] > want[hot] {
			hot = j
		}
	}
	sim, res := runWith(t, skewJob(&Population{N: n, Shape: ShapeZipf, S: s}, p, mp, 5000, 0))
	got, total := observedShares(sim)
	if math.Abs(got[hot]-want[hot]) > 2.0/float64(total) {
		t.Errorf("hot subtask %d took %.5f of the records; its keys' probabilities sum to %.5f", hot, got[hot], want[hot])
	}
	sk := res.Summary.Skew[0]
	if sk.HotSubtasks[0].Subtask != hot || math.Abs(sk.ExpectedRatio-want[hot]*p) > 1e-9 {
		t.Errorf("skew summary: hot subtask %d, expected ratio %v; want %d and %v", sk.HotSubtasks[0].Subtask, sk.ExpectedRatio, hot, want[hot]*p)
	}
	// The hottest key (rank 1, share p1 = 1/H) bounds throughput at any
	// parallelism; its subtask's load p1 + (1 − p1)/P is within p1/0.9 of
	// it from P = 9(1 − p1)/p1 = 9(H − 1) on.
	if limit := int(math.Ceil(9 * (h - 1))); sk.TopKeys[0].Key != "0" || math.Abs(sk.TopKeys[0].Share-1/h) > 1e-12 || sk.ParallelismLimit != limit {
		t.Errorf("top key %+v, parallelism limit %d; want key 0 with share %v and limit %d", sk.TopKeys[0], sk.ParallelismLimit, 1/h, limit)
	}
}

// TestSaltingDividesAHotKey: one key carries 90% of the records. Unsalted,
// its subtask takes 90% plus its share of the rest; salted over k buckets
// (landing on k different subtasks), each salted copy carries 90%/k, and
// the final stage receives, per emit interval, one partial result per
// bucket instead of the key's records: the cost of the second stage.
func TestSaltingDividesAHotKey(t *testing.T) {
	const p, mp, k, lambda = 8, 128, 4, 4000.0
	pop := &Population{N: 1000, Type: KeyString, Prefix: "k", Hot: []HotKey{{Key: "hot", Share: 0.9}}}
	plain, _ := runWith(t, skewJob(pop, p, mp, lambda, 0))
	pshare, _ := observedShares(plain)
	owner := partitioning.OperatorIndex(partitioning.KeyGroup(partitioning.JavaStringHash("hot"), mp), p, mp)

	spec := skewJob(SaltedKeys{Base: pop, Buckets: k, HotShare: 0.01}, p, mp, lambda, 0)
	spec.Nodes[1].MiniBatch = &MiniBatch{Interval: sim.Second}
	final := Node{Name: "final", Kind: KindOperator, Parallelism: p, MaxParallelism: mp, Chain: true, RecordSize: 100, Selectivity: 1,
		Inputs: []Input{{From: "agg", Exchange: Hash}}, Keyed: &Keyed{Keys: pop, StatePerKey: 100}}
	spec.Nodes = []Node{spec.Nodes[0], spec.Nodes[1], final, spec.Nodes[2]}
	spec.Nodes[3].Inputs = []Input{{From: "final"}}
	subs := map[int]bool{}
	for b := 0; b < k; b++ {
		subs[partitioning.OperatorIndex(partitioning.KeyGroup(31*partitioning.JavaStringHash("hot")+int32(b), mp), p, mp)] = true
	}
	if len(subs) != k {
		t.Fatalf("the %d salted copies land on %d subtasks; pick other sizes", k, len(subs))
	}
	salted, res := runWith(t, spec)
	sshare, _ := observedShares(salted)
	rest := (1 - 0.9) / p // about; each subtask's part of the other keys
	if math.Abs(pshare[owner]-(0.9+rest)) > 0.02 {
		t.Errorf("unsalted: the hot key's subtask took %.3f, want about %.3f", pshare[owner], 0.9+rest)
	}
	for j := range subs {
		if math.Abs(sshare[j]-(0.9/k+rest)) > 0.02 {
			t.Errorf("salted: subtask %d took %.3f, want about 0.9/%d + %.3f = %.3f", j, sshare[j], k, rest, 0.9/k+rest)
		}
	}
	// The final stage: at most k partial results per second for the hot key
	// plus one per distinct other key per partial subtask and second.
	var finalIn int64
	for _, st := range salted.nodes[2].task.subtasks {
		finalIn += st.ops[salted.nodes[2].pos].in
	}
	perSecond := float64(finalIn) / spec.Duration.Seconds()
	others := 0.1 * lambda // the other keys' records per second, nearly all distinct within a second per subtask
	if perSecond > others+k+1 || perSecond < 0.8*others {
		t.Errorf("final stage takes %.0f records/s; want about %.0f (the other keys) + %d (the hot key's buckets)", perSecond, others, k)
	}
	if res.Summary.Records.Sink != finalIn {
		t.Errorf("sink wrote %d, final stage emitted %d", res.Summary.Records.Sink, finalIn)
	}
	// The final stage reads aggregates: the hot key's 90% of the input is
	// a few of its records a second, so no key's share is given for it.
	for _, sk := range res.Summary.Skew {
		if sk.Operator == "final" && len(sk.TopKeys) > 0 {
			t.Errorf("the final stage lists top keys %+v; a key's share of the input is not its share of the aggregates", sk.TopKeys)
		}
	}
}

// TestMiniBatchReducesByRepetition: local pre-aggregation emits one record
// per distinct key of each batch of b records. With a key of share q among
// N' equally likely others, a batch holds that key with probability
// 1 − (1−q)^b and N'·(1 − (1 − (1−q)/N')^b) distinct others.
func TestMiniBatchReducesByRepetition(t *testing.T) {
	const b, q, n = 500, 0.3, 2000
	pop := &Population{N: n - 1, Hot: []HotKey{{Key: "7777777", Share: q}}}
	spec := skewJob(pop, 4, 128, 20000, 0)
	pre := Node{Name: "pre", Kind: KindOperator, Parallelism: 2, Chain: true, RecordSize: 100, Selectivity: 1,
		Inputs: []Input{{From: "src", Exchange: Forward}}, MiniBatch: &MiniBatch{Size: b, Interval: 10 * sim.Second}}
	spec.Nodes = []Node{spec.Nodes[0], pre, spec.Nodes[1], spec.Nodes[2]}
	spec.Nodes[2].Inputs = []Input{{From: "pre", Exchange: Hash}}
	s, _ := runWith(t, spec)
	var in, out int64
	for _, st := range s.nodes[1].task.subtasks {
		in += st.ops[s.nodes[1].pos].in
		out += st.ops[s.nodes[1].pos].out
	}
	others := float64(n - 1)
	want := (1 - math.Pow(1-q, b)) + others*(1-math.Pow(1-(1-q)/others, b))
	if got := float64(out) / float64(in) * b; math.Abs(got-want) > 0.01*want {
		t.Errorf("a batch of %d became %.1f records, want %.1f distinct keys", b, got, want)
	}
}

// TestHotKeyPartitionerSpreadsHotKeys: round-robin gives every subtask an
// equal part of a hot key instead of all of it to its owner.
func TestHotKeyPartitionerSpreadsHotKeys(t *testing.T) {
	const p, q = 8, 0.4
	pop := &Population{N: 5000, Type: KeyString, Prefix: "k", Hot: []HotKey{{Key: "bot", Share: q}}}
	spec := skewJob(pop, p, 128, 4000, 0)
	spec.Nodes[1].Keyed.HotPartitioner = &HotPartitioner{Keys: []string{"bot"}}
	s, res := runWith(t, spec)
	got, _ := observedShares(s)
	base := (&Population{N: 5000, Type: KeyString, Prefix: "k"}).Layout(128, 0)
	for j := 0; j < p; j++ {
		r := partitioning.RangeForOperator(j, p, 128)
		want := q / p
		for kg := r.Start; kg <= r.End; kg++ {
			want += (1 - q) * base.Share[kg]
		}
		if math.Abs(got[j]-want) > 1e-3 {
			t.Errorf("subtask %d took %.4f, want %.4f (its keys plus 1/%d of the hot key)", j, got[j], want, p)
		}
	}
	if res.Summary.Skew[0].ParallelismLimit != 0 {
		t.Error("a spread hot key does not bound the parallelism")
	}
	// No one subtask holds it: top_keys says so rather than naming its key
	// group's owner, which now takes an eighth of it.
	if tk := res.Summary.Skew[0].TopKeys; len(tk) == 0 || tk[0].Key != "bot" || tk[0].Subtask != result.SpreadKey {
		t.Errorf("top keys %+v, want bot first, spread (subtask %d)", tk, result.SpreadKey)
	}
}

// TestHugePopulationsCostLittle: laying out 100 million Zipf keys allocates
// about what 10 thousand do (the heavy keys one by one, the rest as tiers per
// key group), not memory per key.
func TestHugePopulationsCostLittle(t *testing.T) {
	alloc := func(n int64) uint64 {
		var a, b runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		l := (&Population{N: n, Shape: ShapeZipf, S: 1.1}).Layout(128, 0)
		runtime.ReadMemStats(&b)
		if len(l.Heavy) > maxHeavy {
			t.Errorf("%d heavy keys tracked", len(l.Heavy))
		}
		return b.TotalAlloc - a.TotalAlloc
	}
	small, huge := alloc(10_000), alloc(100_000_000)
	if huge > 2*small+64<<10 {
		t.Errorf("100M keys allocate %d bytes, 10k keys %d", huge, small)
	}
}

// TestSaltedLayoutHashesTuples: the partial stage keys every record by
// Tuple2<key, salt>, so each key lands where 31·hash(key) + salt hashes:
// with keys: hot the unsalted keys (heavy or in the tail) at salt 0, with
// keys: all every key once per bucket. The expected key groups are worked
// out here key by key from Java's hash codes.
func TestSaltedLayoutHashesTuples(t *testing.T) {
	const mp = 128
	pop := &Population{N: 2000, Type: KeyString, Prefix: "u", Shape: ShapeZipf, S: 1}
	for _, tc := range []struct {
		name string
		keys SaltedKeys
	}{
		{"hot", SaltedKeys{Base: pop, Buckets: 4, HotShare: 0.01}},
		{"all", SaltedKeys{Base: pop, Buckets: 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := make([]float64, mp)
			norm := pop.norm()
			for r := int64(1); r <= pop.N; r++ {
				code, share := partitioning.JavaStringHash(pop.KeyName(r)), pop.rankShare(r, norm)
				salts := int32(tc.keys.Buckets)
				if tc.keys.HotShare > 0 && share < tc.keys.HotShare {
					salts = 1
				}
				for b := range salts {
					want[partitioning.KeyGroup(31*code+b, mp)] += share / float64(salts)
				}
			}
			l := tc.keys.Layout(mp, 0)
			for kg := range want {
				if math.Abs(l.Share[kg]-want[kg]) > 1e-12 {
					t.Errorf("key group %d holds %.6f, want %.6f by Tuple2.hashCode", kg, l.Share[kg], want[kg])
				}
			}
			for _, h := range l.Heavy {
				key, salt := h.Key, int32(0)
				if h.Orig != "" {
					key = h.Orig
					s, _ := strconv.Atoi(h.Key[len(key)+1:])
					salt = int32(s)
				}
				if kg := partitioning.KeyGroup(31*partitioning.JavaStringHash(key)+salt, mp); h.Group != kg {
					t.Errorf("heavy key %s in key group %d, want %d", h.Key, h.Group, kg)
				}
			}
		})
	}
}

// TestHottestGroup: hot keys named in the scenario that share a key group
// bound the operator together (one subtask owns the group at any
// parallelism); the population's other keys count as spread evenly.
func TestHottestGroup(t *testing.T) {
	named := map[string]bool{"a": true, "b": true, "c": true, "bot": true}
	for _, c := range []struct {
		name  string
		heavy []HeavyKey
		share float64
		keys  []string
	}{
		{"one hot key", []HeavyKey{{Key: "a", Group: 1, Share: 0.3}, {Key: "user-7", Group: 1, Share: 0.01}}, 0.3, nil},
		{"three in one key group", []HeavyKey{{Key: "user-0", Group: 5, Share: 0.15}, {Key: "a", Group: 118, Share: 0.1},
			{Key: "b", Group: 118, Share: 0.1}, {Key: "c", Group: 118, Share: 0.1}}, 0.3, []string{"a", "b", "c"}},
		{"together less than the hottest", []HeavyKey{{Key: "user-0", Group: 5, Share: 0.5}, {Key: "a", Group: 7, Share: 0.1},
			{Key: "b", Group: 7, Share: 0.1}}, 0.5, nil},
		{"salted shards in one group", []HeavyKey{{Key: "bot#0", Orig: "bot", Group: 3, Share: 0.05}, {Key: "bot#1", Orig: "bot", Group: 9, Share: 0.05},
			{Key: "bot#2", Orig: "bot", Group: 3, Share: 0.05}}, 0.1, []string{"bot#0", "bot#2"}},
	} {
		share, keys := hottestGroup(c.heavy, named)
		if math.Abs(share-c.share) > 1e-12 || !slices.Equal(keys, c.keys) {
			t.Errorf("%s: %v %v, want %v %v", c.name, share, keys, c.share, c.keys)
		}
	}
}

// TestParallelismLimit: the parallelism at which the hottest key's
// operator reaches 90% of what the key allows, 9(1 − p1)/p1 rounded up,
// is left out (0) above 32768, the largest max parallelism Flink allows
// (a uniform hot set of 4M keys had 44,999,991).
func TestParallelismLimit(t *testing.T) {
	for _, c := range []struct {
		p1   float64
		want int
	}{{0.04, 216}, {0.5, 9}, {1, 1}, {9.0 / 32777, 32768}, {9.0 / 32778, 0}, {1.0 / 4_000_000, 0}} {
		if got := parallelismLimit(c.p1); got != c.want {
			t.Errorf("parallelismLimit(%g) = %d, want %d", c.p1, got, c.want)
		}
	}
}
