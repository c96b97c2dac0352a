package rewrite

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
)

// benchRows is how many READY rows the benchmark's mapping holds.
const benchRows = 100_000

// benchBytes is how much content each benchmark rewrites; set
// WIXMIGRATE_BENCH_MB to measure more (the README's figures use 1024).
func benchBytes() int64 {
	if mb, err := strconv.Atoi(os.Getenv("WIXMIGRATE_BENCH_MB")); err == nil && mb > 0 {
		return int64(mb) << 20
	}
	return 32 << 20
}

// benchReport is a report of benchRows READY rows.
func benchReport() []byte {
	var rep bytes.Buffer
	rep.WriteString("source_url,status,file_id,wix_url,media_type,size_bytes,width,height,failure_reason,attempts,updated_at,method\n")
	for i := range benchRows {
		id := benchFileID(i)
		fmt.Fprintf(&rep, "%s,READY,%s,https://static.wixstatic.com/media/%s,IMAGE,123456,1600,1200,,1,2026-11-30T22:00:00Z,import\n", benchSource(i), id, id)
	}
	return rep.Bytes()
}

func benchFileID(i int) string { return fmt.Sprintf("2acbb8_%032x~mv2.jpg", i) }

func benchSource(i int) string { return string(appendSource(nil, i, "")) }

// appendSource appends row i's source URL, with suffix (a size variant's
// "-WxH") before its extension.
func appendSource(b []byte, i int, suffix string) []byte {
	b = append(b, "https://old.example.com/wp-content/uploads/"...)
	b = strconv.AppendInt(b, int64(2010+i%14), 10)
	b = append(b, '/')
	if m := 1 + i%12; m < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(1+i%12), 10)
	b = append(b, "/photo-"...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, suffix...)
	return append(b, ".jpg"...)
}

// appendHTML appends post i of a WordPress-like HTML export: an image with
// a srcset of size variants, a link to another site with an escaped query,
// a relative link, and prose.
func appendHTML(b []byte, i int) []byte {
	row := i % benchRows
	b = append(b, `<article class="post"><h2>Post `...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, `</h2>
<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>
<figure><img src="`...)
	b = appendSource(b, row, "")
	b = append(b, `" alt="A photo" width="1600" height="1200" srcset="`...)
	b = appendSource(b, row, "-300x225")
	b = append(b, ` 300w, `...)
	b = appendSource(b, row, "-1024x768")
	b = append(b, ` 1024w, `...)
	b = appendSource(b, row, "")
	b = append(b, ` 1600w" sizes="(max-width: 1600px) 100vw, 1600px"><figcaption>Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.</figcaption></figure>
<p>See <a href="https://www.example.org/page?x=1&amp;y=2">this page</a> and <a href="/about/">about</a>. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.</p>
</article>
`...)
	return b
}

// appendWXR appends attachment i and a post showing one of its sizes, as
// a WordPress export has them.
func appendWXR(b []byte, i int) []byte {
	row := i % benchRows
	n := int64(i)
	b = append(b, `<item><title>photo-`...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `</title><link>https://old.example.com/?attachment_id=`...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `</link>
<wp:post_type><![CDATA[attachment]]></wp:post_type><wp:attachment_url><![CDATA[`...)
	b = appendSource(b, row, "")
	b = append(b, `]]></wp:attachment_url>
<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key><wp:meta_value><![CDATA[2020/01/photo-`...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `.jpg]]></wp:meta_value></wp:postmeta>
</item><item><title>Post `...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `</title><content:encoded><![CDATA[<!-- wp:image {"id":`...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `,"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="`...)
	b = appendSource(b, row, "-1024x768")
	b = append(b, `" alt="" class="wp-image-`...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `"/></figure>
<!-- /wp:image --><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>]]></content:encoded></item>
`...)
	return b
}

// genReader streams n bytes of documents made by doc(0), doc(1), ...,
// each appended to a reused buffer, so making the input allocates nothing.
type genReader struct {
	doc  func([]byte, int) []byte
	buf  []byte
	cur  []byte
	i    int
	left int64
}

func newGenReader(doc func([]byte, int) []byte, n int64) *genReader {
	return &genReader{doc: doc, left: n}
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	written := 0
	for written < len(p) && g.left > 0 {
		if len(g.cur) == 0 {
			g.buf = g.doc(g.buf[:0], g.i)
			g.cur = g.buf
			g.i++
		}
		n := copy(p[written:min(len(p), written+int(min(g.left, int64(len(g.cur)))))], g.cur)
		g.cur = g.cur[n:]
		written += n
		g.left -= int64(n)
	}
	return written, nil
}

// benchRewrite runs Run as `wixmigrate rewrite --in-place` does: it reads
// a report of benchRows READY rows, then streams each of 8 files holding
// benchBytes of generated content in all through its format's scanner into
// a temporary file beside it, and renames those over the originals. Making
// the files is not timed. mapping-heap-MB is the heap the report's mapping
// takes, loaded once beside the runs.
func benchRewrite(b *testing.B, ext string, doc func([]byte, int) []byte) {
	dir := b.TempDir()
	report := filepath.Join(dir, "media.report.csv")
	if err := os.WriteFile(report, benchReport(), 0o644); err != nil {
		b.Fatal(err)
	}
	files := filepath.Join(dir, "export")
	if err := os.Mkdir(files, 0o755); err != nil {
		b.Fatal(err)
	}
	const parts = 8
	size := benchBytes()
	makeFiles := func() {
		for k := range parts {
			f, err := os.Create(filepath.Join(files, fmt.Sprintf("part-%d%s", k, ext)))
			if err != nil {
				b.Fatal(err)
			}
			_, err = io.Copy(f, newGenReader(doc, size/parts))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m := NewMapping(TargetWixURL)
	if err := m.LoadReport(report); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	mappingMB := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	m = nil
	b.SetBytes(size / parts * parts)
	b.ReportAllocs()
	var res *Result
	var cpu time.Duration
	var peak float64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		makeFiles()
		runtime.GC()
		heap := testenv.WatchHeap()
		start := testenv.ProcessCPU()
		b.StartTimer()
		var err error
		res, err = Run(context.Background(), Config{Reports: []string{report}, InPlace: true, Paths: []string{files}})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += testenv.ProcessCPU() - start
		peak = max(peak, heap.PeakMB())
	}
	reportCPU(b, cpu, size/parts*parts)
	replaced := 0
	for _, k := range MatchKinds {
		if k != MatchUnmapped {
			replaced += res.Totals[k]
		}
	}
	if replaced == 0 || res.FilesReplaced != parts || res.Ready != benchRows {
		b.Fatalf("%d URLs replaced, %d of %d files replaced, %d READY rows mapped", replaced, res.FilesReplaced, parts, res.Ready)
	}
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(mappingMB, "mapping-heap-MB")
	b.ReportMetric(float64(replaced)/float64(size)*(1<<20), "URLs/MB")
}

// benchNaive is the script users write by hand: one strings.ReplaceAll per
// report row over the whole file. Its cost grows with rows × bytes, so it
// runs on a smaller input; MB/s compares the two.
func benchNaive(b *testing.B, doc func([]byte, int) []byte) {
	pairs := make([][2]string, benchRows)
	for i := range pairs {
		pairs[i] = [2]string{benchSource(i), "https://static.wixstatic.com/media/" + benchFileID(i)}
	}
	data, err := io.ReadAll(newGenReader(doc, 16<<10))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu := testenv.ProcessCPU()
	defer func() { reportCPU(b, testenv.ProcessCPU()-cpu, int64(len(data))) }()
	for range b.N {
		s := string(data)
		for _, p := range pairs {
			s = strings.ReplaceAll(s, p[0], p[1])
		}
		if len(s) == len(data) {
			b.Fatal("nothing replaced")
		}
	}
}

func BenchmarkRewriteHTML(b *testing.B)      { benchRewrite(b, ".html", appendHTML) }
func BenchmarkRewriteWXR(b *testing.B)       { benchRewrite(b, ".xml", appendWXR) }
func BenchmarkRewriteNaiveHTML(b *testing.B) { benchNaive(b, appendHTML) }
func BenchmarkRewriteNaiveWXR(b *testing.B)  { benchNaive(b, appendWXR) }

// reportCPU reports MB per CPU second: throughput on one core, whatever
// else the machine is running.
func reportCPU(b *testing.B, cpu time.Duration, size int64) {
	if cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/(1<<20)/cpu.Seconds(), "MB/cpu-s")
	}
}
