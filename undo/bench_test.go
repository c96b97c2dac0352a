package undo_test

import (
	"context"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/undo"
)

// BenchmarkUndo10000 undoes a migration of 10,000 rows at Wix's documented
// 200 calls a minute: 10 Bulk Delete Files calls of 1,000 files and the API
// check before them, about 3 s. It reports the calls and seconds of one
// undo (a restore between undos is not timed).
func BenchmarkUndo10000(b *testing.B) {
	s := migrated(b, 10000)
	b.ResetTimer()
	var calls int64
	var took time.Duration
	for i := 0; i < b.N; i++ {
		j, err := undo.Open(undo.Config{Report: s.report, Action: undo.Trash, Client: s.sim.Client,
			Settings: pipeline.Settings{Rate: 200}})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res, err := j.Run(context.Background())
		took += time.Since(start)
		if err != nil || res.Done != 10000 {
			b.Fatalf("undo: %+v, %v", res, err)
		}
		calls += j.Stats().TotalCalls()
		b.StopTimer()
		if res, err := s.run(b, undo.Config{Action: undo.Restore}); err != nil || res.Done != 10000 {
			b.Fatalf("restore: %+v, %v", res, err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/undo")
	b.ReportMetric(took.Seconds()/float64(b.N), "s/undo")
}
