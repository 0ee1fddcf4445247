package scenarios

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// overflowed is a value beyond its type's range, or one written otherwise
// than as it decoded: the words of the value it decoded as (sat) in a
// problem at its path are replaced by those of the value as written
// (text); left is the problem if the resolver takes the value ("": none).
type overflowed struct {
	n         *yaml.Node
	text, sat string
	left      string
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
	left := fmt.Sprintf("%s is too large (at most %d)", text, int64(math.MaxInt64))
	if strings.HasPrefix(text, "-") {
		left = fmt.Sprintf("%s is too small (at least %d)", text, int64(math.MinInt64))
	}
	d.overflow[path] = overflowed{n: n, text: text, sat: strconv.FormatInt(sat, 10), left: left}
	return sat, true
}

// outOfType keeps a value its unit type refuses as out of its range (a
// count below 0 or above 1e18, a size below 0 or above 2EiB, a rate below
// 0 or above 1e18 records or 2EiB a unit of time), which parsing returned
// with err, for the resolver to tell the field's own range, with the value
// as written (written); err is the problem if the resolver takes the
// value. False if err is another error.
func (d *decoder) outOfType(n *yaml.Node, path string, err error) bool {
	var (
		count    countOutOfRange
		size     sizeNegative
		rate     rateNegative
		bigSize  sizeTooLarge
		fastRate rateTooLarge
	)
	if !errors.As(err, &count) && !errors.As(err, &size) && !errors.As(err, &rate) &&
		!errors.As(err, &bigSize) && !errors.As(err, &fastRate) {
		return false
	}
	if d.overflow == nil {
		d.overflow = map[string]overflowed{}
	}
	d.overflow[path] = overflowed{n: n, left: err.Error()}
	return true
}

// asWritten: the whole number at path, decoded as v, was written otherwise
// (1k, 1e3): a problem at path shows it as written.
func (d *decoder) asWritten(n *yaml.Node, path string, v int64) {
	text := strings.TrimSpace(n.Value)
	if sat := strconv.FormatInt(v, 10); text != sat {
		if d.overflow == nil {
			d.overflow = map[string]overflowed{}
		}
		d.overflow[path] = overflowed{n: n, text: text, sat: sat}
	}
}

// written is the value at path as written, or else if it has none (a
// default).
func (d *decoder) written(path, other string) string {
	if n, ok := d.nodes[path]; ok && n.Kind == yaml.ScalarNode {
		return strings.TrimSpace(n.Value)
	}
	return other
}

// replaceWord replaces old in s by new where old stands as a word: not
// within a longer number or name ("1000" in "not 1000," but not in
// "10000").
func replaceWord(s, old, new string) string {
	if old == "" {
		return s
	}
	inWord := func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '_'
	}
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		if (i > 0 && inWord(s[i-1])) || (end < len(s) && inWord(s[end])) {
			b.WriteString(s[:end])
		} else {
			b.WriteString(s[:i] + new)
		}
		s = s[end:]
	}
}

// negativeDuration decodes a negative duration as 0s, so that a field that
// must be more than 0s is told so, with the value as written ("must be more
// than 0s and at most 366d, not -5m"); a field that takes 0s and tells a
// range of its own asks negative. Any other is told err (durations are at
// least 0).
func (d *decoder) negativeDuration(n *yaml.Node, path string, err error) {
	if d.overflow == nil {
		d.overflow = map[string]overflowed{}
	}
	d.overflow[path] = overflowed{n: n, text: "not " + strings.TrimSpace(n.Value), sat: "not 0s", left: err.Error()}
}

// pastType: the value at path is beyond its type's range and not yet
// reported (it decoded as the nearest value the type holds, or one past
// it): what is computed from it is not the value written.
func (d *decoder) pastType(path string) bool {
	o, ok := d.overflow[path]
	return ok && o.left != ""
}

// negative: the duration at path was written below 0s (and decoded as 0s).
func (d *decoder) negative(path string) bool {
	o, ok := d.overflow[path]
	return ok && o.sat == "not 0s"
}

// unreportedOverflows reports the values beyond their type that the
// resolver took: a whole number beyond an int64 where a checkpoint number
// (no upper bound) is, a negative duration where 0s is allowed.
func (d *decoder) unreportedOverflows() {
	paths := make([]string, 0, len(d.overflow))
	for p := range d.overflow {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		o := d.overflow[p]
		delete(d.overflow, p)
		if o.left != "" { // "": a value written otherwise, taken as it is
			d.fail(o.n, p, "%s", o.left)
		}
	}
}
