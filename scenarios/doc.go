// Package scenarios reads flinksim's YAML scenario format, checks it, fills
// in defaults and turns it into a models.Spec. It also embeds the built-in
// scenario library.
//
// Reading is strict and reports everything at once: [Load] returns
// [Problems], each "file:line:col: field.path: what is wrong and what is
// allowed". Field paths address list items by name (sources.clicks.rate), the
// same syntax --set overrides use, so a path from an error can be pasted into
// --set.
//
// The flink: block takes Flink's own configuration keys, flat or nested as in
// Flink's config.yaml. Keys flinksim models (flinkconf.go) are parsed with
// Flink's rules and defaults (sizes are binary there: 32kb = 32768 bytes; a
// bare duration is milliseconds). Other real Flink keys (flinkkeys.txt) are
// listed as not modelled; any other key is an error suggesting the closest.
//
// Files:
//
//	format.go    the YAML structs (the format's single source of truth; the JSON Schema is derived from them)
//	units.go     durations, sizes, counts and rates in human units
//	decode.go    strict yaml.Node → struct decoding with positions
//	values.go    unit types and one-of shapes (distributions, rate profiles)
//	flinkconf.go Flink configuration keys: modelled options and known keys
//	load.go      Load, --set overrides, the resolved output
//	resolve.go   defaults, cross-field validation and the conversion to models.Spec
//	library.go   the embedded built-in scenarios (library/*.yaml)
package scenarios
