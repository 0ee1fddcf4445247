// Package plots draws charts from results: a dashboard of one run, variants
// over each other, and sweep maps. It reads only models.Result values and
// plain sweep tables, never model internals.
package plots
