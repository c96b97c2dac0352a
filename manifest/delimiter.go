package manifest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
)

// Delimiters a manifest may use: the comma, and what spreadsheets save as
// "CSV" in many locales (the semicolon) or as text (the tab).
const (
	Comma     = ','
	Semicolon = ';'
	Tab       = '\t'
)

var delimiters = []rune{Comma, Semicolon, Tab}

// DelimiterName names a delimiter for people: "comma (,)".
func DelimiterName(d rune) string {
	switch d {
	case Comma:
		return "comma (,)"
	case Semicolon:
		return "semicolon (;)"
	case Tab:
		return "tab"
	}
	return fmt.Sprintf("%q", d)
}

// ParseDelimiter reads a delimiter as a user writes it: "," or "comma", ";"
// or "semicolon", "tab" or a tab character (or the two characters \t);
// "" and "auto" mean detect it from the header line (0).
func ParseDelimiter(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return 0, nil
	case ",", "comma":
		return Comma, nil
	case ";", "semicolon":
		return Semicolon, nil
	case "\t", `\t`, "tab":
		return Tab, nil
	}
	return 0, fmt.Errorf("%q is not a delimiter: want comma (,), semicolon (;), tab, or auto", s)
}

// DelimiterError says the header line does not tell which delimiter
// separates the columns: it names the columns with more than one of those
// seen, so the caller must say which.
type DelimiterError struct {
	// Seen are the delimiters found in the header line (outside quotes), in
	// the order of Comma, Semicolon, Tab.
	Seen []rune
}

func (e *DelimiterError) Error() string {
	names := make([]string, len(e.Seen))
	for i, d := range e.Seen {
		names[i] = DelimiterName(d)
	}
	return fmt.Sprintf("manifest header: cannot tell which delimiter separates the columns: the header line has %s, and names the columns with each; say which one",
		strings.Join(names, " and "))
}

// headerLine returns the first line of in without consuming it, for
// detection: at most the reader's buffer, which a header does not outgrow.
func headerLine(in *bufio.Reader) []byte {
	b, _ := in.Peek(in.Size())
	inQuotes := false
	for i, c := range b {
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case c == '\n' && !inQuotes:
			return b[:i]
		}
	}
	return b
}

// seenDelimiters lists the delimiters that occur in line outside quoted
// fields.
func seenDelimiters(line []byte) []rune {
	counts := make([]int, len(delimiters))
	inQuotes := false
	for _, c := range line {
		if c == '"' {
			inQuotes = !inQuotes
			continue
		}
		if inQuotes {
			continue
		}
		for i, d := range delimiters {
			if rune(c) == d {
				counts[i]++
			}
		}
	}
	var seen []rune
	for i, d := range delimiters {
		if counts[i] > 0 {
			seen = append(seen, d)
		}
	}
	return seen
}

// detectDelimiter picks the delimiter of a header line: the only one it
// holds (none: a one-column manifest, comma), or among several the only one
// with which the line names valid columns. When none does, it picks the one
// that splits the line most, so the header's own error speaks; when more
// than one does, it gives up with a *DelimiterError.
func detectDelimiter(line []byte, report []string) (rune, error) {
	seen := seenDelimiters(line)
	switch len(seen) {
	case 0:
		return Comma, nil
	case 1:
		return seen[0], nil
	}
	var fits []rune
	best, bestFields := seen[0], 0
	for _, d := range seen {
		c := csv.NewReader(bytes.NewReader(line))
		c.Comma = d
		names, err := c.Read()
		if err != nil {
			continue
		}
		if len(names) > bestFields {
			best, bestFields = d, len(names)
		}
		if _, err := parseHeader(names, report); err == nil {
			fits = append(fits, d)
		}
	}
	switch len(fits) {
	case 0:
		return best, nil
	case 1:
		return fits[0], nil
	}
	return 0, &DelimiterError{Seen: seen}
}

// checkDelimiter accepts a forced delimiter: 0 (detect) or one of ours.
func checkDelimiter(d rune) error {
	if d == 0 || slices.Contains(delimiters, d) {
		return nil
	}
	return fmt.Errorf("manifest delimiter %q: want comma (,), semicolon (;) or tab", d)
}
