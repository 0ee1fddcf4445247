package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fzipp/gocyclo"
)

// Limits of issue 9.
const (
	maxFileLines  = 600 // non-test files only
	maxFuncLines  = 80  // from `func` to the closing brace
	maxComplexity = 25  // gocyclo's count
)

func main() {
	os.Exit(run(os.Stdout, os.Stderr))
}

func run(stdout, stderr io.Writer) int {
	files, err := goFiles(".")
	if err != nil {
		fmt.Fprintln(stderr, "codeshape:", err)
		return 1
	}
	problems, err := check(".", files)
	if err != nil {
		fmt.Fprintln(stderr, "codeshape:", err)
		return 1
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		return 1
	}
	return 0
}

// goFiles lists the module's Go files relative to root: git's list when
// root is a work tree, else a walk that skips .git and testdata.
func goFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "*.go")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		var files []string
		for _, f := range strings.Split(string(bytes.TrimSpace(out)), "\n") {
			if f != "" && !inTestdata(f) {
				files = append(files, f)
			}
		}
		return files, nil
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files, err
}

// inTestdata reports whether a slash path lies under a testdata directory,
// which the go tool ignores and so does this check.
func inTestdata(p string) bool {
	return strings.HasPrefix(p, "testdata/") || strings.Contains(p, "/testdata/")
}

// check parses files (paths relative to root) and returns every problem,
// sorted by path and line.
func check(root string, files []string) ([]string, error) {
	type problem struct {
		path string
		line int
		what string
	}
	var ps []problem
	for _, name := range files {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, filepath.Join(root, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if n := fset.File(f.Pos()).LineCount(); n > maxFileLines && !strings.HasSuffix(name, "_test.go") {
			ps = append(ps, problem{name, 1, fmt.Sprintf("file has %d lines (over %d)", n, maxFileLines)})
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			start, end := fset.Position(fn.Pos()).Line, fset.Position(fn.End()).Line
			if n := end - start + 1; n > maxFuncLines {
				ps = append(ps, problem{name, start, fmt.Sprintf("func %s has %d lines (over %d)", funcName(fn), n, maxFuncLines)})
			}
		}
		for _, s := range gocyclo.AnalyzeASTFile(f, fset, nil) {
			if s.Complexity > maxComplexity {
				ps = append(ps, problem{name, s.Pos.Line, fmt.Sprintf("func %s has cyclomatic complexity %d (over %d)", s.FuncName, s.Complexity, maxComplexity)})
			}
		}
	}
	for _, dp := range docProblems(root, files) {
		ps = append(ps, problem{dp[0], 1, dp[1]})
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].path != ps[j].path {
			return ps[i].path < ps[j].path
		}
		return ps[i].line < ps[j].line
	})
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%s:%d: %s", p.path, p.line, p.what)
	}
	return out, nil
}

// funcName names a function as gocyclo does: (Recv).Name for methods.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	return "(" + types.ExprString(fn.Recv.List[0].Type) + ")." + fn.Name.Name
}

// docProblems checks that every package directory has a doc.go that names
// each of its non-test files (its file list is the package's map).
func docProblems(root string, files []string) [][2]string {
	byDir := map[string][]string{}
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			byDir[filepath.ToSlash(filepath.Dir(f))] = append(byDir[filepath.ToSlash(filepath.Dir(f))], filepath.Base(f))
		}
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var out [][2]string
	for _, d := range dirs {
		doc, err := os.ReadFile(filepath.Join(root, d, "doc.go"))
		if err != nil {
			out = append(out, [2]string{path.Join(d, "doc.go"), "missing: every package has a doc.go listing its files"})
			continue
		}
		for _, f := range byDir[d] {
			if f != "doc.go" && !bytes.Contains(doc, []byte(f)) {
				out = append(out, [2]string{path.Join(d, "doc.go"), fmt.Sprintf("does not list %s", f)})
			}
		}
	}
	return out
}
