package migrate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

func TestOneMigrationPerReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	manifest := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(manifest, []byte("source_url\nhttps://old.example/a.png\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := migrate.Config{Manifest: manifest, Client: wix.NewClient("k", "s")}
	first, err := migrate.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var locked *report.LockedError
	if _, err := migrate.Open(cfg); !errors.As(err, &locked) || locked.PID != os.Getpid() {
		t.Fatalf("a second Open: %v, want a LockedError naming PID %d", err, os.Getpid())
	}
	// Planning only needs no lock...
	look := cfg
	look.NoLock = true
	planner, err := migrate.Open(look)
	if err != nil {
		t.Fatalf("Open with NoLock beside a locked report: %v", err)
	}
	if _, err := planner.Plan(); err != nil {
		t.Fatal(err)
	}
	// ...and cannot run.
	planner, _ = migrate.Open(look)
	if _, err := planner.Run(context.Background()); err == nil {
		t.Error("a Migration opened with NoLock ran")
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := migrate.Open(cfg)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()

	// A report whose folder is missing is not writable, and says so.
	cfg.Report = filepath.Join(dir, "missing", "r.csv")
	var notWritable *migrate.NotWritableError
	if _, err := migrate.Open(cfg); !errors.As(err, &notWritable) {
		t.Errorf("report in a missing folder: %v, want a NotWritableError", err)
	}
}
