package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionText(t *testing.T) {
	t.Parallel()
	clone := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/wixmigrate/wixmigrate", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "3723c7d2dc07ac10d162e0b308a637a1dc8c042d"},
			{Key: "vcs.time", Value: "2026-12-05T10:13:10Z"}, {Key: "vcs.modified", Value: "true"},
		},
	}
	release := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/wixmigrate/wixmigrate", Version: "v1.4.0"},
		Settings:  []debug.BuildSetting{{Key: "GOOS", Value: "darwin"}, {Key: "GOARCH", Value: "amd64"}},
	}
	goRun := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}
	cases := []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"a clone with changes", clone, true, "wixmigrate (devel)\n" +
			"commit 3723c7d2dc07ac10d162e0b308a637a1dc8c042d (2026-12-05T10:13:10Z), with uncommitted changes\n" +
			"built with go1.26.8 for linux/arm64\n"},
		{"go install module@version", release, true, "wixmigrate v1.4.0\nbuilt with go1.26.8 for darwin/amd64\n"},
		{"go run", goRun, true, "wixmigrate (devel)\ncommit not recorded (go run and -buildvcs=false record none; go build or go install in a git clone does)\n" +
			"built with go1.26.8 for " + runtime.GOOS + "/" + runtime.GOARCH + "\n"},
		{"no build information", nil, false, "wixmigrate (unknown)\nbuilt with " + runtime.Version() +
			" for " + runtime.GOOS + "/" + runtime.GOARCH + "\n"},
	}
	for _, c := range cases {
		if got := versionText(c.info, c.ok); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, got, c.want)
		}
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitOK {
			t.Errorf("%v: exit %d, want 0; stderr %s", args, code, stderr.String())
		}
		if out := stdout.String(); !strings.HasPrefix(out, "wixmigrate ") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("%v printed %q; want the name, a version and %s", args, out, runtime.Version())
		}
	}
}

// TestHelpCommand: `wixmigrate help CMD` is CMD -h; an unknown command is a
// usage error.
func TestHelpCommand(t *testing.T) {
	t.Parallel()
	for name := range commands {
		var helpOut, helpErr, hOut, hErr bytes.Buffer
		code := run([]string{"help", name}, &helpOut, &helpErr)
		hCode := run([]string{name, "-h"}, &hOut, &hErr)
		if code != exitOK || hCode != exitOK {
			t.Errorf("help %s: exit %d, %s -h: exit %d; want 0", name, code, name, hCode)
		}
		if helpErr.String() != hErr.String() || helpOut.String() != hOut.String() || !strings.Contains(hErr.String(), "-") {
			t.Errorf("help %s printed\n%s\nwant what %s -h prints:\n%s", name, helpErr.String(), name, hErr.String())
		}
	}
	for _, args := range [][]string{{"help", "nope"}, {"help", "migrate", "scan"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		if !strings.Contains(stderr.String(), "usage: wixmigrate") {
			t.Errorf("%v: stderr %q; want the usage", args, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"help"}, &stdout, &stderr); code != exitOK || !strings.Contains(stderr.String(), "version") {
		t.Errorf("help: exit %d, usage %q; want 0 and version listed", code, stderr.String())
	}
}
