package conformance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// sdkScript is one node process running sdk.mjs, shared by the tests that
// ask the SDK for URLs and URIs: starting node and loading the SDK costs
// more CPU than their questions.
type sdkScript struct {
	mu     sync.Mutex // one question at a time
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *json.Decoder
	stderr syncBuffer
	err    error // set once the process failed; every later call fails with it
}

var (
	scriptOnce sync.Once
	script     *sdkScript
)

// askSDK calls fn of sdk.mjs with arg and decodes its result into out.
func askSDK(t *testing.T, fn string, arg, out any) {
	t.Helper()
	node, dir := setupSDK(t)
	scriptOnce.Do(func() { script = startScript(node, dir) })
	if err := script.call(fn, arg, out); err != nil {
		t.Fatal(err)
	}
}

func startScript(node, dir string) *sdkScript {
	s := &sdkScript{cmd: exec.Command(node, "sdk.mjs")}
	s.cmd.Dir = dir
	s.cmd.Stderr = &s.stderr
	var err error
	if s.in, err = s.cmd.StdinPipe(); err == nil {
		var stdout io.Reader
		if stdout, err = s.cmd.StdoutPipe(); err == nil {
			s.out = json.NewDecoder(bufio.NewReader(stdout))
			err = s.cmd.Start()
		}
	}
	if err != nil {
		s.err = fmt.Errorf("node sdk.mjs: %w", err)
	}
	return s
}

func (s *sdkScript) call(fn string, arg, out any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	// A hung script is killed, which ends the read below.
	watchdog := time.AfterFunc(runTimeout, func() { s.cmd.Process.Kill() })
	defer watchdog.Stop()
	var answer struct {
		Result json.RawMessage `json:"result"`
		Error  *string         `json:"error"`
	}
	err := json.NewEncoder(s.in).Encode(map[string]any{"fn": fn, "arg": arg})
	if err == nil {
		err = s.out.Decode(&answer)
	}
	if err != nil {
		s.err = fmt.Errorf("node sdk.mjs, %s: %w\n%s", fn, err, s.stderr.String())
		s.cmd.Process.Kill()
		return s.err
	}
	if answer.Error != nil {
		return fmt.Errorf("node sdk.mjs, %s: %s", fn, *answer.Error)
	}
	if err := json.Unmarshal(answer.Result, out); err != nil {
		return fmt.Errorf("node sdk.mjs, %s answered %.300s: %w", fn, answer.Result, err)
	}
	return nil
}

// stopScript ends the shared node process, if one started: it exits at
// the end of its input.
func stopScript() {
	if script == nil || script.cmd.Process == nil {
		return
	}
	script.in.Close()
	if err := script.cmd.Wait(); err != nil && script.err == nil {
		fmt.Printf("node sdk.mjs: %v\n%s", err, script.stderr.String())
	}
}
