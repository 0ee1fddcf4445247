package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/flinksim/flinksim/internal/atomicfile"
)

// exitInterrupted is the exit code after SIGINT, SIGTERM or SIGHUP: 128 +
// the signal's number, as shells report it (130 for Ctrl-C, 143 for
// SIGTERM, 129 for a terminal closed).
func exitInterrupted(sig syscall.Signal) int { return 128 + int(sig) }

// interruptNote is what to tell the user after an interruption (a sweep
// says where its finished runs are kept).
var interruptNote struct {
	sync.Mutex
	text string
}

func setInterruptNote(s string) {
	interruptNote.Lock()
	interruptNote.text = s
	interruptNote.Unlock()
}

// handleSignals makes SIGINT, SIGTERM and SIGHUP (the terminal closed;
// not under nohup, which ignores it) end the process cleanly: every
// temporary file and staged output directory is removed (outputs already
// in place stay as they were, whole), the note is printed, and the process
// exits with 128 + the signal's number. Simulations need no stopping:
// nothing they hold is an output until it is committed.
func handleSignals(stderr io.Writer, exit func(int)) (stop func()) {
	ch := make(chan os.Signal, 1)
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) { // nohup: a closed terminal must not end it
		sigs = append(sigs, syscall.SIGHUP)
	}
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			atomicfile.RemoveTemporaries()
			interruptNote.Lock()
			note := interruptNote.text
			interruptNote.Unlock()
			fmt.Fprintf(stderr, "\nflinksim: interrupted (%v): no output was half-written%s\n", sig, note)
			exit(exitInterrupted(sig.(syscall.Signal)))
		case <-done:
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}
