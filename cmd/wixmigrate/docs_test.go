package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flagLine is a flag's line in flag.PrintDefaults output: "  -name type".
var flagLine = regexp.MustCompile(`(?m)^  -([A-Za-z0-9][-A-Za-z0-9_.]*)`)

// commandFlags returns the flags a command's -h lists.
func commandFlags(t *testing.T, name string) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run([]string{name, "-h"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("%s -h: exit %d\n%s", name, code, stderr.String())
	}
	var flags []string
	for _, m := range flagLine.FindAllStringSubmatch(stderr.String(), -1) {
		flags = append(flags, m[1])
	}
	if len(flags) == 0 {
		t.Fatalf("%s -h lists no flags:\n%s", name, stderr.String())
	}
	return flags
}

// TestEveryFlagIsDocumented: every registered command has its page,
// docs/<command>.md, and the page names each of its flags as `--name`, so
// the manual cannot drift from the flag sets.
func TestEveryFlagIsDocumented(t *testing.T) {
	t.Parallel()
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page := filepath.Join("..", "..", "docs", name+".md")
			b, err := os.ReadFile(page)
			if err != nil {
				t.Fatalf("command %s has no page: %v", name, err)
			}
			for _, flag := range commandFlags(t, name) {
				// `--name`, `--name VALUE`, `--name=false`: not `--name-more`.
				documented := regexp.MustCompile("`--" + regexp.QuoteMeta(flag) + "[` =]")
				if !documented.Match(b) {
					t.Errorf("%s does not document --%s (write it as `--%s` in the flag table)", page, flag, flag)
				}
			}
		})
	}
}

// TestCommandFlagsAreParsed keeps the parser of -h honest: it finds the
// flags a command is known to have, and no words of its prose.
func TestCommandFlagsAreParsed(t *testing.T) {
	t.Parallel()
	got := commandFlags(t, "validate")
	want := []string{"check-sources", "concurrency", "delimiter", "manifest", "source-header", "timeout"}
	if !slices.Equal(got, want) {
		t.Errorf("validate's flags parsed as %q, want %q", got, want)
	}
	if strings.Join(commandFlags(t, "demo"), " ") != "out quiet samples serve" {
		t.Errorf("demo's flags parsed as %q", commandFlags(t, "demo"))
	}
}
