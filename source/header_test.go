package source

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

const secretToken = "s3cret-t0ken-value"

// guarded serves pngBytes only to requests with the Referer and token a
// hotlink guard wants, 403 otherwise; it records the User-Agent it saw.
func guarded(t *testing.T, userAgents *[]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		*userAgents = append(*userAgents, r.UserAgent())
		if r.Referer() != "https://old.example/" || r.Header.Get("X-Token") != secretToken {
			serve(403, "text/html", []byte(htmlPage))(w, r)
			return
		}
		serve(200, "image/png", pngBytes)(w, r)
	}
}

func TestHeaderReachesTheSource(t *testing.T) {
	var agents []string
	ts := origin(t, map[string]http.HandlerFunc{"/a.png": guarded(t, &agents), "/missing.png": serve(404, "text/plain", nil)})
	h := Header{}
	for _, line := range []string{"Referer: https://old.example/", "x-token:" + secretToken} {
		if err := h.ParseHeaderLine(line); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()

	if d := (&Prober{}).Probe(ctx, ts.URL+"/a.png", ""); d.OK || d.Cause != CauseHTTP403 {
		t.Fatalf("without the headers: %+v", d)
	}
	p := &Prober{Header: h}
	if d := p.Probe(ctx, ts.URL+"/a.png", ""); !d.OK {
		t.Fatalf("with the headers: %+v", d)
	}
	var buf bytes.Buffer
	if dl, err := p.Download(ctx, ts.URL+"/a.png", &buf); err != nil || dl.Size != int64(len(pngBytes)) {
		t.Fatalf("download with the headers: %+v, %v", dl, err)
	}
	for _, ua := range agents {
		if ua != DefaultUserAgent {
			t.Errorf("User-Agent %q, want the tool's own", ua)
		}
	}

	// The value appears in no error, reason or printout.
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("probe", "header", h, "prober", p)
	_, derr := p.Download(ctx, ts.URL+"/missing.png", &buf)
	_, cerr := p.Download(ctx, "http://127.0.0.1:1/a.png", &buf)
	shown := []string{
		fmt.Sprint(h), fmt.Sprintf("%v", p), fmt.Sprintf("%+v", *p), fmt.Sprintf("%#v", h), logs.String(),
		p.Probe(ctx, ts.URL+"/missing.png", "").Reason, fmt.Sprint(derr), fmt.Sprint(cerr),
	}
	for _, s := range shown {
		if strings.Contains(s, secretToken) || strings.Contains(s, "old.example") {
			t.Errorf("a header value shows: %s", s)
		}
	}
	if !strings.Contains(fmt.Sprint(h), "X-Token: [redacted]") {
		t.Errorf("String() = %s, want the names", h)
	}

	// A User-Agent among the headers replaces the tool's.
	agents = nil
	h.ParseHeaderLine("User-Agent: Mozilla/5.0")
	(&Prober{Header: h}).Probe(ctx, ts.URL+"/a.png", "")
	if len(agents) == 0 || agents[0] != "Mozilla/5.0" {
		t.Errorf("User-Agent sent: %q", agents)
	}
}

func TestParseHeaderLine(t *testing.T) {
	good := map[string][2]string{
		"Referer: https://old.example/": {"Referer", "https://old.example/"},
		"x-api-token:abc":               {"X-Api-Token", "abc"},
		"  Cookie :  a=b; c=d  ":        {"Cookie", "a=b; c=d"},
		"Authorization: Bearer a:b":     {"Authorization", "Bearer a:b"},
	}
	for line, want := range good {
		h := Header{}
		if err := h.ParseHeaderLine(line); err != nil {
			t.Errorf("%q: %v", line, err)
			continue
		}
		if got := http.Header(h).Get(want[0]); got != want[1] || len(h) != 1 {
			t.Errorf("%q: %v", line, http.Header(h))
		}
	}
	for _, line := range []string{"no colon", ": value", "Bad Name: x", "Host: evil.example",
		"range: bytes=0-1", "Content-Length: 3", "X-Empty:  ", "X-Split: a\nb"} {
		err := (Header{}).ParseHeaderLine(line)
		if err == nil {
			t.Errorf("%q accepted", line)
			continue
		}
		if _, value, _ := strings.Cut(line, ":"); strings.TrimSpace(value) != "" && strings.Contains(err.Error(), strings.TrimSpace(value)) {
			t.Errorf("%q: the error shows the value: %v", line, err)
		}
	}

	h := Header{}
	h.ParseHeaderLine("X-A: 1")
	h.ParseHeaderLine("X-A: 2")
	h.ParseHeaderLine("Referer: r")
	if got, want := h.URLHeaders(), map[string]any{"X-A": "1, 2", "Referer": "r"}; !reflect.DeepEqual(got, want) {
		t.Errorf("URLHeaders() = %v, want %v", got, want)
	}
	if (Header{}).URLHeaders() != nil {
		t.Error("an empty Header has urlHeaders")
	}
}
