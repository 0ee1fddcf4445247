// Package human prints numbers for people: counts, sizes and durations in
// the units the CLI's summaries and tables use.
//
//	human.go  Count, Bytes, Seconds, Plural
package human
