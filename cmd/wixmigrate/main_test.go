package main

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/wixmigrate/wixmigrate/internal/testenv/browser"
	"github.com/wixmigrate/wixmigrate/internal/testmain"
)

// asCommand is the name under which this test binary is the wixmigrate
// command itself (see wixmigrateBinary).
const asCommand = "wixmigrate"

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == asCommand {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	flag.Parse()
	runManyAtOnce()
	if os.Getenv(rewordEnv) == "1" {
		rewordReasons()
	}
	testmain.Run(m, browser.Close, func() {
		if commandDir != "" {
			os.RemoveAll(commandDir)
		}
	})
}

// parallelTests is how many parallel tests run at once unless -parallel
// says otherwise. This package's tests mostly wait: on the simulator's
// processing delays, on child processes, on a browser. go test's default
// (GOMAXPROCS, 2 on a small machine) would leave both cores idle while
// two of them wait.
const parallelTests = 8

func runManyAtOnce() {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set && runtime.GOMAXPROCS(0) < parallelTests {
		flag.Set("test.parallel", strconv.Itoa(parallelTests))
	}
}

var (
	commandOnce sync.Once
	commandDir  string
	commandPath string
	commandErr  error
)

// wixmigrateBinary returns a program that is the wixmigrate command, for
// tests that need it as a process of its own (killed, signalled): a link
// named wixmigrate to this test binary, which TestMain then runs as main
// does. No go build, and under -race the child is checked for races too.
func wixmigrateBinary(t testing.TB) string {
	t.Helper()
	commandOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			commandErr = err
			return
		}
		if commandDir, err = os.MkdirTemp("", "wixmigrate-bin-"); err != nil {
			commandErr = err
			return
		}
		commandPath = filepath.Join(commandDir, asCommand)
		commandErr = os.Symlink(exe, commandPath)
	})
	if commandErr != nil {
		t.Fatal(commandErr)
	}
	return commandPath
}
