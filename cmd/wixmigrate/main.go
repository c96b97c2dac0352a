// Command wixmigrate moves a site's media into a Wix site's Media Manager.
//
// Each subcommand lives in its own file and registers itself with register;
// main only dispatches. Exit codes are a public contract (see README).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Exit codes shared by every subcommand.
const (
	exitOK          = 0
	exitFatal       = 1
	exitUsage       = 2
	exitIncomplete  = 3 // finished, but some rows (or problems) remain
	exitInterrupted = 130
)

// command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	// run receives the arguments after the command name and returns an exit
	// code. ctx is cancelled on the first SIGINT/SIGTERM.
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: wixmigrate <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "  %-10s %s\n", "help", "show a command's flags: wixmigrate help <command>")
	fmt.Fprintf(w, "  %-10s %s\n", "version", "print the version, commit and Go release (also --version)")
	fmt.Fprintln(w, "\nRun 'wixmigrate <command> -h' for a command's flags.")
}

// newFlagSet makes a command's flag set; errors and -h go to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("wixmigrate "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses a command's flags. When the command must not go on it
// returns false and the exit code: 0 after -h, 2 for a bad flag (the flag
// package has printed why) or a stray argument.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q (flags start with --)\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return exitOK, true
}

// usageError prints a command's usage problem (a flag, an argument) and
// returns the usage exit code.
func usageError(stderr io.Writer, command, format string, a ...any) int {
	fmt.Fprintf(stderr, command+": "+format+"\n", a...)
	return exitUsage
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stderr)
		return exitOK
	case "help":
		return help(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		return printVersion(stdout)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "wixmigrate: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, restore default handling so a second Ctrl-C
	// kills the process at once; the journal keeps the next run correct.
	go func() { <-ctx.Done(); stop() }()
	return cmd.run(ctx, args[1:], stdout, stderr)
}
