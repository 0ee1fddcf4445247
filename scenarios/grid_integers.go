package scenarios

import (
	"reflect"
	"strings"
)

// TakesIntegers tells whether the field a --grid or --target key sets holds
// whole numbers (a parallelism, a partition count, an int Flink option), so
// that a range of plain numbers over it is rounded; a fraction, a Zipf
// exponent or a Flink double is not. It follows the key through the
// scenario's fields by their YAML names, a list's item by its name or
// index; a key it cannot follow is taken as not integral (its values are
// then written as computed, and the loader judges them).
func TakesIntegers(key string) bool {
	key = strings.TrimSpace(key)
	if o := flinkAxisOption(key); o != nil {
		v, err := o.parse("1")
		if err != nil {
			v, err = o.parse(o.Default)
		}
		if err != nil {
			return false
		}
		switch v.(type) {
		case int, int32, int64:
			return true
		}
		return false
	}
	t := reflect.TypeFor[Scenario]()
	parts := strings.Split(key, ".")
	for i := 0; i < len(parts); i++ {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		f, ok := yamlField(t, parts[i])
		if !ok {
			return false
		}
		t = f.Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct {
			t = t.Elem() // the next part names the item
			i++
		}
	}
	if t == reflect.TypeFor[Count]() {
		return true // every count the loader reads is a whole number (resolve*.go)
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// yamlField is t's field whose YAML name is name.
func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for f := range t.Fields() {
		if n, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); n == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
