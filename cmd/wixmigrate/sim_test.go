package main

import (
	"bytes"
	"strings"
	"testing"
)

// The sim command serves until a signal, so these tests cover what happens
// before it listens; the serving path (first line "listening on ...",
// shutdown on SIGINT) is exercised by ./conformance, which runs the built
// binary as a subprocess.

func TestSimFlagErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"unknown flag", []string{"--nope"}, exitUsage, "nope"},
		{"bad processing delay", []string{"--processing-delay", "soon"}, exitUsage, "processing-delay"},
		{"reversed processing delay", []string{"--processing-delay", "2s-1s"}, exitUsage, "processing-delay"},
		{"bad latency", []string{"--latency", "-5ms"}, exitUsage, "latency"},
		{"error rate above 1", []string{"--error-rate", "1.5"}, exitUsage, "--error-rate"},
		{"negative commit error rate", []string{"--commit-error-rate", "-0.1"}, exitUsage, "--commit-error-rate"},
		{"stuck rate above 1", []string{"--stuck-rate", "2"}, exitUsage, "--stuck-rate"},
		{"stuck rate not a number", []string{"--stuck-rate", "some"}, exitUsage, "stuck-rate"},
		{"negative rate limit", []string{"--rate-limit", "-1"}, exitUsage, "--rate-limit"},
		{"rate limit not a number", []string{"--rate-limit", "many"}, exitUsage, "rate-limit"},
		{"negative rate burst", []string{"--rate-burst", "-5"}, exitUsage, "--rate-burst"},
		{"date granularity not a duration", []string{"--date-granularity", "1"}, exitUsage, "date-granularity"},
		{"negative date granularity", []string{"--date-granularity", "-1s"}, exitUsage, "--date-granularity"},
		{"seed not a number", []string{"--seed", "x"}, exitUsage, "seed"},
		{"stray argument", []string{"extra"}, exitUsage, `unexpected argument "extra"`},
		{"address that cannot be listened on", []string{"--addr", "127.0.0.1:99999"}, exitFatal, "--addr 127.0.0.1:99999"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"sim"}, c.args...), &stdout, &stderr)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.want) {
				t.Errorf("stderr does not name %q:\n%s", c.want, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q: nothing may be printed before listening", stdout.String())
			}
		})
	}
}

func TestSimHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"sim", "-h"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d, want 0", code)
	}
	for _, flag := range []string{"-addr", "-api-key", "-rate-limit", "-rate-burst", "-date-granularity", "-processing-delay", "-latency", "-error-rate", "-commit-error-rate", "-stuck-rate", "-seed"} {
		if !strings.Contains(stderr.String(), flag) {
			t.Errorf("help does not list %s:\n%s", flag, stderr.String())
		}
	}
}

func TestSimIsListed(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	run([]string{"help"}, &stdout, &stderr)
	if !strings.Contains(stderr.String(), "sim") || !strings.Contains(stderr.String(), "simulator") {
		t.Errorf("usage does not list the sim command:\n%s", stderr.String())
	}
}
