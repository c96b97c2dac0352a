package scan

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
)

// benchFileSize is the default size of each generated input: big enough
// that the per-file costs (opening, sniffing, folding) do not flatter the
// figure, small enough for CI's -benchtime=1x. WIXMIGRATE_BENCH_SCAN_MB
// sets another, for measured runs of memory on big exports.
const benchFileSize = 16 << 20

// benchBytesPerImage sets the default number of distinct images: one per
// this many bytes of input (5,000 in 16 MB), so bigger inputs have more
// files, as bigger sites do. WIXMIGRATE_BENCH_SCAN_IMAGES sets the number
// instead, to show memory following the files, not the bytes.
const benchBytesPerImage = benchFileSize / 5000

// benchSizes returns the input's size and its number of distinct images.
func benchSizes() (size, images int) {
	size = benchFileSize
	if mb, err := strconv.Atoi(os.Getenv("WIXMIGRATE_BENCH_SCAN_MB")); err == nil && mb > 0 {
		size = mb << 20
	}
	images = size / benchBytesPerImage
	if n, err := strconv.Atoi(os.Getenv("WIXMIGRATE_BENCH_SCAN_IMAGES")); err == nil && n > 0 {
		images = n
	}
	return size, images
}

// writeBenchHTML writes about size bytes of blog pages: paragraphs of text,
// and every few paragraphs a WordPress image with a srcset, a link to a
// page and a PDF. distinct bounds the different images, as a site has.
func writeBenchHTML(w io.Writer, size, distinct int) {
	n := 0
	for i := 0; n < size; i++ {
		img := i % distinct
		m, _ := fmt.Fprintf(w, `<article class="post"><h2><a href="https://old.example.com/blog/post-%d/">Post %d</a></h2>
<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>
<figure><img loading="lazy" width="300" height="200" src="https://old.example.com/wp-content/uploads/2023/%02d/photo-%d-300x200.jpg" srcset="https://old.example.com/wp-content/uploads/2023/%02d/photo-%d-300x200.jpg 300w, https://old.example.com/wp-content/uploads/2023/%02d/photo-%d-1024x683.jpg 1024w, https://old.example.com/wp-content/uploads/2023/%02d/photo-%d.jpg 1600w" sizes="(max-width: 300px) 100vw, 300px" alt="Photo %d"><figcaption>Duis aute irure dolor in reprehenderit &amp; in voluptate.</figcaption></figure>
<p>Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum. <a href="https://old.example.com/files/brochure-%d.pdf">Brochure</a></p></article>
`, i, i, img%12+1, img, img%12+1, img, img%12+1, img, img%12+1, img, img, img)
		n += m
	}
}

// writeBenchWXR writes about size bytes of a WordPress export: posts whose
// content uses images, and an attachment item with metadata for each.
func writeBenchWXR(w io.Writer, size, distinct int) {
	n, _ := fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old Site</title><link>https://old.example.com</link>
`)
	for i := 0; n < size; i++ {
		img := i % distinct
		month := img%12 + 1
		var m int
		if i < distinct {
			meta := fmt.Sprintf(`a:4:{s:5:"width";i:1600;s:6:"height";i:1067;s:4:"file";s:%d:"2023/%02d/photo-%d.jpg";s:5:"sizes";a:2:{s:6:"medium";a:3:{s:4:"file";s:%d:"photo-%d-300x200.jpg";s:5:"width";i:300;s:6:"height";i:200;}s:5:"large";a:3:{s:4:"file";s:%d:"photo-%d-1024x683.jpg";s:5:"width";i:1024;s:6:"height";i:683;}}}`,
				len(fmt.Sprintf("2023/%02d/photo-%d.jpg", month, img)), month, img,
				len(fmt.Sprintf("photo-%d-300x200.jpg", img)), img, len(fmt.Sprintf("photo-%d-1024x683.jpg", img)), img)
			m, _ = fmt.Fprintf(w, `<item><title>Photo %d</title><link>https://old.example.com/photo-%d/</link>
<guid isPermaLink="false">https://old.example.com/wp-content/uploads/2023/%02d/photo-%d.jpg</guid>
<wp:post_id>%d</wp:post_id><wp:post_type><![CDATA[attachment]]></wp:post_type>
<wp:attachment_url><![CDATA[https://old.example.com/wp-content/uploads/2023/%02d/photo-%d.jpg]]></wp:attachment_url>
<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key><wp:meta_value><![CDATA[2023/%02d/photo-%d.jpg]]></wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_metadata]]></wp:meta_key><wp:meta_value><![CDATA[%s]]></wp:meta_value></wp:postmeta>
</item>
`, img, img, month, img, 100000+i, month, img, month, img, meta)
			n += m
		}
		m, _ = fmt.Fprintf(w, `<item><title>Post %d</title><link>https://old.example.com/blog/post-%d/</link>
<content:encoded><![CDATA[<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>
<!-- wp:image {"id":%d,"sizeSlug":"medium"} --><figure class="wp-block-image size-medium"><img src="https://old.example.com/wp-content/uploads/2023/%02d/photo-%d-300x200.jpg" alt="" class="wp-image-%d" srcset="https://old.example.com/wp-content/uploads/2023/%02d/photo-%d-300x200.jpg 300w, https://old.example.com/wp-content/uploads/2023/%02d/photo-%d-1024x683.jpg 1024w" sizes="(max-width: 300px) 100vw, 300px" /></figure><!-- /wp:image -->
<p>Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.</p>]]></content:encoded>
<wp:post_id>%d</wp:post_id><wp:post_type><![CDATA[post]]></wp:post_type>
<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[%d]]></wp:meta_value></wp:postmeta>
</item>
`, i, i, 100000+img, month, img, 100000+img, month, img, month, img, i, 100000+img)
		n += m
	}
	fmt.Fprint(w, "</channel>\n</rss>\n")
}

// benchInput writes one generated input file and returns its path and size.
func benchInput(b *testing.B, name string, write func(io.Writer, int, int)) (string, int64) {
	b.Helper()
	p := filepath.Join(b.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	size, images := benchSizes()
	buf := bufio.NewWriterSize(f, 1<<20)
	write(buf, size, images)
	if err := buf.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	return p, info.Size()
}

// BenchmarkScan measures scan's throughput on a blog's HTML and on a
// WordPress export (whose attachments are read from the same bytes on a
// second goroutine), as MB/s of input, with 5,000 distinct images and
// their size variants; and its peak heap.
func BenchmarkScan(b *testing.B) {
	for _, input := range []struct {
		name  string
		write func(io.Writer, int, int)
	}{
		{"html", writeBenchHTML},
		{"wxr", writeBenchWXR},
	} {
		b.Run(input.name, func(b *testing.B) {
			p, size := benchInput(b, "input."+strings.Replace(input.name, "wxr", "xml", 1), input.write)
			b.SetBytes(size)
			runtime.GC()
			heap := testenv.WatchHeap()
			cpu := testenv.ProcessCPU()
			var res *Result
			for b.Loop() {
				var err error
				res, err = Run(context.Background(), []string{p}, Options{})
				if err != nil {
					b.Fatal(err)
				}
			}
			if _, images := benchSizes(); len(res.Rows) < images || res.Summary.Folded < images {
				b.Fatalf("%d rows, %d folded: the input is not what the benchmark means to measure", len(res.Rows), res.Summary.Folded)
			}
			b.ReportMetric(float64(len(res.Rows)), "rows")
			b.ReportMetric(float64(res.Summary.Folded), "folded")
			// CPU time measures the work where wall time (MB/s) also
			// measures the neighbours on a shared machine.
			b.ReportMetric(float64(size)*float64(b.N)/(1<<20)/(testenv.ProcessCPU()-cpu).Seconds(), "MB/cpu-s")
			b.ReportMetric(heap.PeakMB(), "peak-heap-MB")
			b.ReportMetric(float64(res.Summary.URLs)/float64(size)*(1<<20), "URLs/MB")
		})
	}
}
