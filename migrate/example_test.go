package migrate_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// Example runs a migration from Go code. Here it runs against the Media
// Manager simulator and an old site on loopback; against Wix, leave the
// client's BaseURL alone and give it a real API key and site ID.
func Example() {
	sim := wixsim.NewServer(wixsim.Options{APIKey: "api-key", ProcessingDelay: wixsim.Range{Max: 20 * time.Millisecond}})
	defer sim.Close()
	oldSite := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(testenv.PNG(len(r.URL.Path), 40, 30))
	}))
	defer oldSite.Close()
	dir, err := os.MkdirTemp("", "wixmigrate-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	manifestPath := filepath.Join(dir, "media.csv")
	manifest := "source_url,post\n" + oldSite.URL + "/uploads/cat.png,about-cats\n" + oldSite.URL + "/uploads/dog.png,about-dogs\n"
	if err := os.WriteFile(manifestPath, []byte(manifest), 0o644); err != nil {
		log.Fatal(err)
	}

	client := wix.NewClient("api-key", "my-site")
	client.BaseURL = sim.URL
	m, err := migrate.Open(migrate.Config{
		Manifest: manifestPath, // the report goes beside it: media.report.csv
		Client:   client,
		Settings: pipeline.Settings{PollInterval: 20 * time.Millisecond}, // the rest: pipeline's defaults
	})
	if err != nil {
		log.Fatal(err)
	}
	res, err := m.Run(context.Background()) // errors.Is(err, migrate.ErrIncomplete) when rows are not READY
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d rows, %d READY\n", res.Summary.Rows, res.Summary.ByStatus["READY"])

	f, err := os.Open(m.ReportPath())
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	// Read report columns by name: new versions add columns.
	method := slices.Index(rows[0], "method")
	for _, row := range rows[1:] { // post, status, method
		fmt.Println(row[1], row[2], row[method])
	}
	// Output:
	// 2 rows, 2 READY
	// about-cats READY import
	// about-dogs READY import
}

// ExampleMigration_Progress shows a run's progress while it goes on, as
// the migrate command's display does: the rows finished of the manifest's
// (counted by Open, so the total does not change) and the time left.
func ExampleMigration_Progress() {
	m, err := migrate.Open(migrate.Config{Manifest: "media.csv", Client: wix.NewClient(os.Getenv("WIX_API_KEY"), os.Getenv("WIX_SITE_ID"))})
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			p := m.Progress()
			eta := "?"
			if p.HasETA {
				eta = p.ETA.Round(time.Second).String()
			}
			fmt.Printf("%d/%d rows (%.0f%%), ETA %s\n", p.Finished, p.Rows, p.Percent(), eta)
		}
	}()
	_, err = m.Run(context.Background())
	close(done)
	if err != nil {
		log.Fatal(err)
	}
}
