package partitioning

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

var regenJava = flag.Bool("java", false, "regenerate testdata/reference.golden by running testdata/Reference.java (needs a JDK)")

// TestAgainstJava compares the Go port with values Java computed with its own
// 32-bit arithmetic, Long.hashCode and String.hashCode (testdata/Reference.java).
func TestAgainstJava(t *testing.T) {
	if *regenJava {
		out, err := exec.Command("java", "testdata/Reference.java").Output()
		if err != nil {
			t.Fatalf("java: %v", err)
		}
		if err := os.WriteFile("testdata/reference.golden", out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open("testdata/reference.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	atoi := func(s string) int64 {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("bad number %q", s)
		}
		return v
	}
	sc := bufio.NewScanner(f)
	lines := 0
	for sc.Scan() {
		lines++
		fs := strings.Split(sc.Text(), " ")
		switch fs[0] {
		case "long", "string", "int":
			var h int32
			switch fs[0] {
			case "long":
				h = JavaLongHash(atoi(fs[1]))
			case "string":
				h = JavaStringHash(fs[1])
			case "int":
				h = int32(atoi(fs[1]))
			}
			if h != int32(atoi(fs[2])) {
				t.Errorf("%s %q: hashCode %d, Java %s", fs[0], fs[1], h, fs[2])
			}
			if m := Murmur(h); m != int32(atoi(fs[3])) {
				t.Errorf("%s %q: murmur %d, Java %s", fs[0], fs[1], m, fs[3])
			}
			if kg := KeyGroup(h, 128); kg != int(atoi(fs[4])) {
				t.Errorf("%s %q: key group (128) %d, Java %s", fs[0], fs[1], kg, fs[4])
			}
			if kg := KeyGroup(h, 32768); kg != int(atoi(fs[5])) {
				t.Errorf("%s %q: key group (32768) %d, Java %s", fs[0], fs[1], kg, fs[5])
			}
		case "kafka":
			n := int(atoi(fs[2]))
			for p := 0; p < 12; p++ {
				if got := KafkaSplitOwner(fs[1], p, n); got != int(atoi(fs[3+p])) {
					t.Errorf("topic %s readers %d partition %d: owner %d, Java %s", fs[1], n, p, got, fs[3+p])
				}
			}
		default:
			t.Fatalf("unknown line %q", sc.Text())
		}
	}
	if lines < 40 {
		t.Fatalf("only %d reference lines", lines)
	}
}

func TestDefaultMaxParallelism(t *testing.T) {
	for _, c := range []struct{ p, want int }{
		{1, 128}, {4, 128}, {85, 128}, {86, 256}, {170, 256}, {171, 256}, {172, 512},
		{1000, 2048}, {21845, 32768}, {21846, 32768}, {40000, 32768},
	} {
		if got := DefaultMaxParallelism(c.p); got != c.want {
			t.Errorf("p=%d: %d, want %d", c.p, got, c.want)
		}
	}
}

func TestRangesPartitionTheKeyGroups(t *testing.T) {
	if r := RangeForOperator(0, 3, 128); r != (Range{0, 42}) {
		t.Errorf("128/3 subtask 0: %v", r)
	}
	if r := RangeForOperator(2, 3, 128); r != (Range{86, 127}) {
		t.Errorf("128/3 subtask 2: %v", r)
	}
	for _, mp := range []int{1, 7, 128, 200, 256, 32768} {
		for _, p := range []int{1, 2, 3, 7, 50, 100, 127, 128} {
			if p > mp {
				continue
			}
			next := 0
			for i := 0; i < p; i++ {
				r := RangeForOperator(i, p, mp)
				if r.Start != next {
					t.Fatalf("M=%d P=%d subtask %d starts at %d, want %d", mp, p, i, r.Start, next)
				}
				// OperatorIndex must agree with the ranges at both ends.
				if OperatorIndex(r.Start, p, mp) != i || OperatorIndex(r.End, p, mp) != i {
					t.Fatalf("M=%d P=%d subtask %d: range %v disagrees with OperatorIndex", mp, p, i, r)
				}
				if l := r.Len(); l != mp/p && l != (mp+p-1)/p {
					t.Fatalf("M=%d P=%d subtask %d holds %d groups", mp, p, i, l)
				}
				next = r.End + 1
			}
			if next != mp {
				t.Fatalf("M=%d P=%d ranges end at %d", mp, p, next)
			}
		}
	}
}

func TestStructuralSkew(t *testing.T) {
	// Max parallelism 128 over 100 subtasks: 28 subtasks own 2 key groups and
	// 72 own 1, so the busiest carries 2/1.28 = 1.5625× the mean.
	two, one := 0, 0
	for i := 0; i < 100; i++ {
		switch RangeForOperator(i, 100, 128).Len() {
		case 1:
			one++
		case 2:
			two++
		}
	}
	if two != 28 || one != 72 {
		t.Fatalf("2-group subtasks %d, 1-group %d; want 28 and 72", two, one)
	}
}

func TestCheckMaxParallelism(t *testing.T) {
	if CheckMaxParallelism(4, 128) != nil || CheckMaxParallelism(5, 4) == nil ||
		CheckMaxParallelism(1, 32769) == nil || CheckMaxParallelism(1, 0) == nil {
		t.Fatal("bounds wrong")
	}
}

func ExampleKeyGroup() {
	// Where does user 42 (a Long key) go with parallelism 4 and the default max parallelism?
	mp := DefaultMaxParallelism(4)
	kg := KeyGroup(JavaLongHash(42), mp)
	fmt.Println(mp, kg, OperatorIndex(kg, 4, mp))
	// Output: 128 29 0
}
