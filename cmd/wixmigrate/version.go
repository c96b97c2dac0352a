package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// versionText says which wixmigrate this is, from the build information Go
// embeds: the module version (a release tag when installed as
// module@version, "(devel)" when built from a clone), the commit and its
// time when built from a clone with git, and the Go release and platform.
func versionText(info *debug.BuildInfo, ok bool) string {
	version := "(unknown)"
	goVersion := runtime.Version()
	settings := map[string]string{}
	if ok && info != nil {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		if info.GoVersion != "" {
			goVersion = info.GoVersion
		}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "wixmigrate %s\n", version)
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, "commit %s", rev)
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(&b, " (%s)", t)
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", with uncommitted changes")
		}
		b.WriteByte('\n')
	} else if version == "(devel)" {
		// go run, a git worktree (its .git is a file) and -buildvcs=false
		// record no commit; a build inside a clone does.
		b.WriteString("commit not recorded (go run and -buildvcs=false record none; go build or go install in a git clone does)\n")
	}
	goos, goarch := settings["GOOS"], settings["GOARCH"]
	if goos == "" || goarch == "" {
		goos, goarch = runtime.GOOS, runtime.GOARCH
	}
	fmt.Fprintf(&b, "built with %s for %s/%s\n", goVersion, goos, goarch)
	return b.String()
}

// printVersion answers `wixmigrate version` and `wixmigrate --version`.
func printVersion(stdout io.Writer) int {
	info, ok := debug.ReadBuildInfo()
	io.WriteString(stdout, versionText(info, ok))
	return exitOK
}

// help answers `wixmigrate help [COMMAND]`: the usage, or the command's -h.
func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok || len(args) > 1 {
		if !ok {
			fmt.Fprintf(stderr, "wixmigrate help: unknown command %q\n\n", args[0])
		} else {
			fmt.Fprintf(stderr, "wixmigrate help: one command at a time, not %q\n\n", strings.Join(args, " "))
		}
		usage(stderr)
		return exitUsage
	}
	return cmd.run(context.Background(), []string{"-h"}, stdout, stderr)
}
