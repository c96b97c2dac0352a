package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// TestSimServesUntilInterrupted runs the sim command as main does, with a
// context that a signal cancels: the first line on stdout names the
// address, the simulator answers there with the flags' settings (the API
// key), and cancelling shuts it down cleanly, logged, exit 0.
func TestSimServesUntilInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	var stderr bytes.Buffer // slog serializes writes; read after runSim returns
	exited := make(chan int, 1)
	go func() {
		exited <- runSim(ctx, []string{"--addr", "127.0.0.1:0", "--api-key", "sim-key", "--rate-limit", "0"}, stdoutW, &stderr)
		stdoutW.Close()
	}()
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok || !strings.HasPrefix(addr, "http://127.0.0.1:") {
		t.Fatalf("first line %q, want \"listening on http://127.0.0.1:PORT\"", line)
	}
	go io.Copy(io.Discard, stdoutR)

	for key, want := range map[string]error{"sim-key": nil, "other-key": errAny} {
		c := wix.NewClient(key, "sim-site")
		c.BaseURL = addr
		_, err := c.ListFiles(ctx, &wix.ListFilesRequest{})
		if (err == nil) != (want == nil) {
			t.Errorf("List Files with API key %q: error %v, want error: %v", key, err, want != nil)
		}
	}

	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Errorf("exit %d after the signal, want 0\n%s", code, stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("the simulator did not stop within a minute of the signal")
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("the simulator did not log its shutdown:\n%s", stderr.String())
	}
}

// errAny marks a case that must fail.
var errAny = errors.New("any error")

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
