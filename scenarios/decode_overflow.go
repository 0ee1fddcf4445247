package scenarios

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// overflowed is a whole number beyond an int64: its text as written, and
// the int64 it decoded as.
type overflowed struct {
	n    *yaml.Node
	text string
	sat  string
}

// beyondInt64 decodes a whole number written beyond an int64 (sat: the
// nearest one). An int field (lo math.MinInt) takes sat, so that the
// resolver tells the field's own range, as for any other value out of it,
// with the value as written; another field is told its range here.
func (d *decoder) beyondInt64(n *yaml.Node, path string, sat, lo, hi int64) (int64, bool) {
	text := strings.TrimSpace(n.Value)
	if lo != math.MinInt64 {
		d.fail(n, path, "%s is out of range (%d to %d)", text, lo, hi)
		return 0, false
	}
	if d.overflow == nil {
		d.overflow = map[string]overflowed{}
	}
	d.overflow[path] = overflowed{n: n, text: text, sat: strconv.FormatInt(sat, 10)}
	return sat, true
}

// unreportedOverflows reports the whole numbers beyond an int64 that the
// resolver took (a checkpoint number, which has no upper bound) as too
// large for the field.
func (d *decoder) unreportedOverflows() {
	paths := make([]string, 0, len(d.overflow))
	for p := range d.overflow {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		o := d.overflow[p]
		delete(d.overflow, p)
		if strings.HasPrefix(o.text, "-") {
			d.fail(o.n, p, "%s is too small (at least %d)", o.text, int64(math.MinInt64))
		} else {
			d.fail(o.n, p, "%s is too large (at most %d)", o.text, int64(math.MaxInt64))
		}
	}
}
