package main

import (
	"fmt"
	"runtime/debug"
)

// version is what --version prints: the module's version and the commit it
// was built from, from the build information Go embeds. A binary built
// without VCS information (go test, go run, a source archive) says so
// rather than guessing.
func version(info *debug.BuildInfo, ok bool) string {
	v, commit, modified := "(devel)", "unknown commit", false
	if ok && info != nil {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = "commit " + s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		commit += ", modified"
	}
	goVersion := "unknown Go"
	if ok && info != nil && info.GoVersion != "" {
		goVersion = info.GoVersion
	}
	return fmt.Sprintf("%s (%s; %s)", v, commit, goVersion)
}
