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
	return fmt.Sprintf("manifest header: cannot tell which delimiter separates the columns: the header line has %s, and names the columns with each; say which one",
		e.SeenNames())
}

// SeenNames names the delimiters seen for people: "comma (,) and tab".
func (e *DelimiterError) SeenNames() string {
	names := make([]string, len(e.Seen))
	for i, d := range e.Seen {
		names[i] = DelimiterName(d)
	}
	return strings.Join(names, " and ")
}

// headerLine returns the start of in without consuming it, for detection:
// at most the reader's buffer, which a header does not outgrow.
func headerLine(in *bufio.Reader) []byte {
	b, _ := in.Peek(in.Size())
	return b
}

// firstLine cuts head at its first line break outside quotes.
func firstLine(head []byte) []byte {
	inQuotes := false
	for i, c := range head {
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case c == '\n' && !inQuotes:
			return head[:i]
		}
	}
	return head
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

// detectDelimiter is DetectDelimiter for a manifest or report: a delimiter
// fits when the header names valid columns with it.
func detectDelimiter(head []byte, report reportLayouts) (rune, error) {
	return DetectDelimiter(head, func(names []string) bool {
		_, err := parseHeader(names, report)
		return err == nil
	})
}

// DetectDelimiter picks the delimiter of a CSV file (comma, semicolon or
// tab) from its header line: head is the start of the file, cut here at
// its first line break outside quotes. A line holding one of them uses it;
// one holding none is one column (comma). Among several, it is the only one
// with which fits accepts the names the line splits into; when fits accepts
// none (a header with a problem), the one that splits the line most, so the
// header's own error speaks. A nil fits accepts only the one that splits
// the line into the most names. More than one left: a *DelimiterError
// naming those seen. Every reader of spreadsheet CSV (manifests, reports,
// scan's and rewrite's CSV files) detects with this one rule.
func DetectDelimiter(head []byte, fits func(names []string) bool) (rune, error) {
	line := firstLine(head)
	seen := seenDelimiters(line)
	switch len(seen) {
	case 0:
		return Comma, nil
	case 1:
		return seen[0], nil
	}
	var fitting, most []rune // most: those that split the line into the most names
	mostFields := 0
	for _, d := range seen {
		c := csv.NewReader(bytes.NewReader(line))
		c.Comma = d
		names, err := c.Read()
		if err != nil {
			continue
		}
		switch {
		case len(names) > mostFields:
			most, mostFields = []rune{d}, len(names)
		case len(names) == mostFields:
			most = append(most, d)
		}
		if fits != nil && fits(names) {
			fitting = append(fitting, d)
		}
	}
	switch {
	case fits == nil:
		fitting = most
	case len(fitting) == 0 && len(most) > 0:
		return most[0], nil
	case len(fitting) == 0:
		return seen[0], nil
	}
	if len(fitting) == 1 {
		return fitting[0], nil
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
