package main

import (
	"os"
	"runtime/debug"
)

func main() {
	applyMemoryLimit = func(limit int64) { debug.SetMemoryLimit(limit) }
	stop := handleSignals(os.Stderr, os.Exit)
	code := execute(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
