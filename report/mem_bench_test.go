package report

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/wix"
)

// BenchmarkStateMemory measures the heap a run's state takes per READY
// image, wix_uri included: the figure behind a million-row run's memory.
func BenchmarkStateMemory(b *testing.B) {
	const n = 100_000
	updated := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		state := NewState()
		for i := range n {
			id := fmt.Sprintf("2acbb8_%032x~mv2.jpg", i)
			f := &wix.File{ID: id, URL: wix.MediaURLPrefix + id, ParentFolderID: "media-root", SizeInBytes: "123456",
				MediaType: wix.MediaImage, OperationStatus: wix.StatusReady, UpdatedDate: &updated,
				Media: &wix.FileMedia{Image: &wix.ImageMedia{Image: &wix.Image{ID: id, Width: 1200, Height: 800,
					Filename: fmt.Sprintf("product-photo-%d.jpg", i)}}}}
			var o Outcome
			o.SetFile(f)
			var k manifest.Key
			binary.LittleEndian.PutUint64(k[:], uint64(i))
			state.Add(k, o)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-bytes/outcome")
		runtime.KeepAlive(state)
	}
}
