package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/scenarios"
)

// The formats of -o/--output: text for people (the default), json for
// scripts (one JSON document on stdout; notes and warnings stay on stderr).
const (
	formatText = "text"
	formatJSON = "json"
)

// outputFlag adds -o/--output to c.
func outputFlag(c *cobra.Command, v *string) {
	c.Flags().StringVarP(v, "output", "o", formatText, "what to print on stdout: text, or json (one JSON document, for scripts)")
	_ = c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{formatText, formatJSON}, cobra.ShellCompDirectiveNoFileComp))
}

// checkOutput refuses an --output that is not a format.
func checkOutput(format string) error {
	if format == formatText || format == formatJSON {
		return nil
	}
	return flagError("output", "%q is not a format; use text or json", format)
}

// writeJSON writes v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// runJSON is run -o json with several runs (a scenario with variants): each
// run in order, its directory and its summary (summary.json's content).
type runJSON struct {
	Runs []runEntryJSON `json:"runs"`
}

type runEntryJSON struct {
	Variant     string          `json:"variant"`
	Description string          `json:"description"`
	Dir         string          `json:"dir"`
	Summary     *result.Summary `json:"summary"`
}

// printRunsJSON prints run -o json: a single run's summary as summary.json
// holds it, or with variants {"runs": [{variant, description, dir, summary}]}.
func printRunsJSON(w io.Writer, runs []runResult, single bool, dir string) error {
	if single {
		return writeJSON(w, runs[0].res.Summary)
	}
	var out runJSON
	for _, r := range runs {
		out.Runs = append(out.Runs, runEntryJSON{Variant: r.name, Description: r.description, Dir: filepath.Join(dir, r.name), Summary: &r.res.Summary})
	}
	return writeJSON(w, out)
}

// problemJSON is a problem (or warning) of validate -o json.
type problemJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

func problemsJSON(ps scenarios.Problems) []problemJSON {
	out := []problemJSON{}
	for _, p := range ps {
		out = append(out, problemJSON{File: p.File, Line: p.Line, Col: p.Col, Path: p.Path, Message: p.Msg})
	}
	return out
}

// validateJSON is validate -o json's document. With problems, ok is false
// and the rest is what could be read without loading: the variants' names.
type validateJSON struct {
	File        string        `json:"file"`
	OK          bool          `json:"ok"`
	Variants    []string      `json:"variants"`
	Problems    []problemJSON `json:"problems"`
	Warnings    []problemJSON `json:"warnings"`
	NotModelled []string      `json:"not_modelled_flink_keys"`
	Inert       []string      `json:"inert_flink_keys"`
}

// printValidateJSON prints the result of loading a scenario: l when it
// loaded, or its problems.
func printValidateJSON(w io.Writer, file string, data []byte, l *scenarios.Loaded, probs scenarios.Problems) error {
	v := validateJSON{File: file, OK: len(probs.Errors()) == 0, Variants: []string{}, Problems: problemsJSON(probs.Errors()),
		Warnings: problemsJSON(probs.Warnings()), NotModelled: []string{}, Inert: []string{}}
	for _, vi := range variantsOf(data) {
		v.Variants = append(v.Variants, vi.Name)
	}
	if l != nil {
		v.Warnings = problemsJSON(l.RunsWarnings()) // the variants' too
		v.NotModelled = append(v.NotModelled, l.RunsNotModelled()...)
		v.Inert = append(v.Inert, l.InertFlinkKeys...)
	}
	return writeJSON(w, v)
}

// variantInfo is a variant's name and description as a scenario file
// writes them.
type variantInfo struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
}

// variantsOf reads the variants of a scenario file without loading it (for
// list, validate -o json and completion); nothing for a file that does not
// parse.
func variantsOf(data []byte) []variantInfo {
	var s struct {
		Variants []variantInfo `yaml:"variants"`
	}
	if yaml.Unmarshal(data, &s) != nil {
		return nil
	}
	return s.Variants
}

// listJSON is one built-in scenario in list -o json.
type listJSON struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Variants    []variantInfo `json:"variants"`
}

func printListJSON(w io.Writer) error {
	out := []listJSON{}
	for _, b := range scenarios.Library() {
		vs := variantsOf(b.Data)
		if vs == nil {
			vs = []variantInfo{}
		}
		out = append(out, listJSON{Name: b.Name, Description: b.Description, Variants: vs})
	}
	return writeJSON(w, out)
}

// compareJSON is compare -o json: the comparison's rows as compare.csv has
// them (numbers in base units), one object per run, and the files written.
type compareJSON struct {
	Scenario string           `json:"scenario"`
	Dir      string           `json:"dir"`
	Files    []string         `json:"files"`
	Rows     []map[string]any `json:"rows"`
}

func printCompareJSON(w io.Writer, scenario, dir string, files []string, runs []runResult) error {
	var b bytes.Buffer
	if err := outcomeCSV(&b, runs); err != nil {
		return err
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		return err
	}
	out := compareJSON{Scenario: scenario, Dir: dir, Files: files, Rows: []map[string]any{}}
	for _, rec := range recs[1:] {
		row := map[string]any{}
		for i, cell := range rec {
			if col := recs[0][i]; textColumns[col] {
				row[col] = cell
			} else {
				row[col] = jsonCell(cell)
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return writeJSON(w, out)
}

// textColumns are compare.csv's columns of words, kept as text whatever
// they hold (a variant may be named 10).
var textColumns = map[string]bool{"variant": true, "outcome": true, "why": true, "outcomes": true}

// jsonCell is a CSV cell as JSON: a number (exactly as written: a seed
// keeps its 64 bits), true or false, null for an empty cell, or the text.
func jsonCell(s string) any {
	switch s {
	case "":
		return nil
	case "true", "false":
		return s == "true"
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return json.Number(s)
	}
	return s
}
