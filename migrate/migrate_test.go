package migrate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
)

func TestOpenChecks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	manifest := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(manifest, []byte("source_url\nhttps://old.example/a.png\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var settingErr *pipeline.SettingError
	if _, err := migrate.Open(migrate.Config{}); err == nil {
		t.Error("no manifest: no error")
	}
	if _, err := migrate.Open(migrate.Config{Manifest: manifest, Settings: pipeline.Settings{BatchSize: 101}}); !errors.As(err, &settingErr) || settingErr.Setting != "BatchSize" {
		t.Errorf("batch size 101: %v, want a SettingError for BatchSize", err)
	}
	m, err := migrate.Open(migrate.Config{Manifest: manifest})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.ReportPath(), filepath.Join(dir, "m.report.csv"); got != want {
		t.Errorf("report %s, want %s", got, want)
	}
	p, err := m.Plan()
	if err != nil || p.Actions[pipeline.ActionImport] != 1 || p.ImportCalls != 1 {
		t.Errorf("plan %+v, %v; want one import in one call", p, err)
	}
	if _, err := m.Run(context.Background()); err == nil {
		t.Error("a second use of a Migration: no error")
	}
	if _, err := os.Stat(filepath.Join(dir, "m.report.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open and Plan wrote a report (%v)", err)
	}
}
