package testenv

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Every package with tests has a TestMain that runs them through
// testmain.Run: a package without one pays the race detector's exit
// pause, a second of every `go test -race ./...`.
func TestEveryPackageUsesRun(t *testing.T) {
	root := filepath.Join("..", "..")
	withTests := map[string]bool{}
	withRun := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		withTests[dir] = true
		if strings.Contains(string(src), "func TestMain(m *testing.M) {") &&
			(strings.Contains(string(src), "testmain.Run(m")) {
			withRun[dir] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(withTests) < 10 {
		t.Fatalf("found tests in %d folders under %s; is this the module's root?", len(withTests), root)
	}
	var missing []string
	for dir := range withTests {
		if !withRun[dir] {
			missing = append(missing, dir)
		}
	}
	slices.Sort(missing)
	for _, dir := range missing {
		t.Errorf("%s: tests without `func TestMain(m *testing.M) { testmain.Run(m) }`", dir)
	}
}
