package main

import (
	"errors"
	"fmt"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/source"
)

// headerLines collects --source-header values. Set never fails, so the flag
// package never quotes a value (a token) in an error; parse checks them,
// with errors that name the header only.
type headerLines []string

func (h *headerLines) String() string { return "" }

func (h *headerLines) Set(s string) error {
	*h = append(*h, s)
	return nil
}

// parse reads every --source-header into one source.Header.
func (h headerLines) parse() (source.Header, error) {
	out := source.Header{}
	for i, line := range h {
		if err := out.ParseHeaderLine(line); err != nil {
			return nil, fmt.Errorf("--source-header (#%d): %w", i+1, err)
		}
	}
	return out, nil
}

const sourceHeaderUsage = `a header "Name: value" sent with every fetch of a source: as urlHeaders to Wix's import, and by the fallback download and the source checks (repeatable; e.g. a Referer a hotlink guard wants). Values are kept out of logs and reports`

// delimiterFlag is --delimiter: comma, semicolon, tab, or auto (detect).
type delimiterFlag struct{ d *rune }

func (f delimiterFlag) String() string {
	if f.d == nil || *f.d == 0 {
		return "auto"
	}
	return manifest.DelimiterName(*f.d)
}

func (f delimiterFlag) Set(s string) error {
	d, err := manifest.ParseDelimiter(s)
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

const delimiterUsage = "the manifest's field delimiter: comma, semicolon, tab, or auto (detected from the header line); the report is written with it"

// delimiterHint adds to a manifest whose delimiter could not be told which
// flag settles it.
func delimiterHint(err error) error {
	var de *manifest.DelimiterError
	if errors.As(err, &de) {
		return fmt.Errorf("%w: pass --delimiter comma, semicolon or tab", err)
	}
	return err
}
