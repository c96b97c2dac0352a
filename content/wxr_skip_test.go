package content

import (
	"bytes"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
)

// skipBodiesReference is what bodySkipper does, on a whole string.
func skipBodiesReference(s string) string {
	re := regexp.MustCompile(`(?s)(<content:encoded><!\[CDATA\[|<excerpt:encoded><!\[CDATA\[|<wp:comment_content><!\[CDATA\[)(.*?)(\]\]>|$)`)
	return re.ReplaceAllStringFunc(s, func(m string) string {
		sub := re.FindStringSubmatch(m)
		return sub[1] + strings.Repeat("\n", strings.Count(sub[2], "\n")) + sub[3]
	})
}

func TestBodySkipper(t *testing.T) {
	inputs := []string{
		testWXR,
		"",
		"no bodies at all\n",
		"<content:encoded><![CDATA[cut short\nhere",
		"<content:encoded><![CDATA[a]]]]><![CDATA[>b]]></content:encoded>",
		"<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:comment_content><![CDATA[x\ny]]></wp:comment_content>",
		"<content:encoded> <![CDATA[not right after the tag: kept]]></content:encoded>",
	}
	// A long one, so that openers and ends straddle reads.
	var long strings.Builder
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		long.WriteString("<item><title>t</title><content:encoded><![CDATA[")
		long.WriteString(strings.Repeat("body text\n", rng.IntN(40)))
		long.WriteString("]]></content:encoded><wp:meta_value><![CDATA[keep ")
		long.WriteString(strings.Repeat("m", i%97))
		long.WriteString("]]></wp:meta_value></item>\n")
	}
	inputs = append(inputs, long.String())
	for i, in := range inputs {
		want := skipBodiesReference(in)
		for _, wrap := range []func(io.Reader) io.Reader{
			func(r io.Reader) io.Reader { return r },
			iotest.OneByteReader,
			iotest.HalfReader,
			iotest.DataErrReader,
		} {
			got, err := io.ReadAll(newBodySkipper(wrap(strings.NewReader(in))))
			if err != nil {
				t.Fatalf("input %d: %v", i, err)
			}
			if string(got) != want {
				t.Errorf("input %d: got %d bytes, want %d; lines %d, want %d", i, len(got), len(want),
					bytes.Count(got, []byte("\n")), strings.Count(want, "\n"))
			}
		}
	}
}

func TestBodySkipperPassesReadErrors(t *testing.T) {
	_, err := io.ReadAll(newBodySkipper(iotest.TimeoutReader(strings.NewReader(strings.Repeat("x", 100<<10)))))
	if err != iotest.ErrTimeout {
		t.Errorf("err = %v, want the reader's", err)
	}
}

func FuzzBodySkipper(f *testing.F) {
	f.Add("<content:encoded><![CDATA[a\nb]]></content:encoded>", 3)
	f.Add("<x><![CDATA[keep]]></x><excerpt:encoded><![CDATA[", 1)
	f.Fuzz(func(t *testing.T, in string, seed int) {
		reads := &chunkReader{r: strings.NewReader(in), rand: rand.New(rand.NewPCG(uint64(seed), 1))}
		got, err := io.ReadAll(newBodySkipper(reads))
		if err != nil {
			t.Fatal(err)
		}
		if want := skipBodiesReference(in); string(got) != want {
			t.Errorf("%q (reads seeded %d): got %q, want %q", in, seed, got, want)
		}
	})
}

func FuzzReadWXRAttachments(f *testing.F) {
	f.Add(testWXR)
	f.Fuzz(func(t *testing.T, in string) {
		ReadWXRAttachments(strings.NewReader(in), func(Attachment) error { return nil })
	})
}
