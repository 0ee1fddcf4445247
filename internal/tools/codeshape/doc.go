// Command codeshape is the code-shape check of `make lint`: it fails (exit
// 1, one line per problem as `path:line: what`) when a non-test Go file is
// over 600 lines, a function (tests included) is over 80 lines from `func`
// to its closing brace, or a function's cyclomatic complexity is over 25 as
// counted by github.com/fzipp/gocyclo, or when a package has no doc.go or
// its doc.go does not name one of the package's files. Limits come from
// issue 9: beyond them a file or function holds more than one mechanism.
//
// It checks the files `git ls-files '*.go'` lists in the working directory
// (a directory walk skipping .git and testdata when git is unavailable).
//
// Files: doc.go (this manual), main.go (file listing and the checks).
package main
