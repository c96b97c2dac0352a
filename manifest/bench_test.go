package manifest

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchManifest is a six-column manifest of n rows, like a store export.
func benchManifest(n int) []byte {
	var b bytes.Buffer
	b.WriteString("source_url,display_name,file_path,labels,sku,post_slug\n")
	for i := range n {
		fmt.Fprintf(&b, "https://old-shop.example.com/wp-content/uploads/2024/03/product-%d.jpg,Product %d front view,/products/2024,catalog;spring,SKU-%06d,product-%d\n", i, i, i, i)
	}
	return b.Bytes()
}

// BenchmarkRead measures Next per row: ns/op and allocs/op are per row.
func BenchmarkRead(b *testing.B) {
	data := benchManifest(100_000)
	open := func() *Reader {
		r, err := NewReader(bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	r := open()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		row, err := r.Next()
		if err == io.EOF {
			b.StopTimer()
			r = open()
			b.StartTimer()
			row, err = r.Next()
		}
		if err != nil || row.Err != nil {
			b.Fatal(err, row.Err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
