package content

import (
	"bytes"
	"strconv"
)

// fixSerializedLengths adds, to edits made in text, the edits that keep the
// PHP-serialized strings around them loadable: in s:N:"...", N is the
// string's length in bytes, so a replacement of another length changes it.
// Serialized strings nest (a serialized array stored as a string), so every
// one that encloses an edit is fixed. Text that only looks serialized (N
// does not end at `";`) is left alone.
func fixSerializedLengths(text []byte, edits []edit) []edit {
	if !bytes.Contains(text, []byte(`:"`)) || !bytes.Contains(text, []byte(`s:`)) {
		return edits
	}
	var fixes []edit
	for i := 0; ; {
		j := bytes.Index(text[i:], []byte(`s:`))
		if j < 0 {
			break
		}
		j += i
		i = j + 2
		if j > 0 && (isAlnum(text[j-1]) || text[j-1] == '_') {
			continue
		}
		k := j + 2
		for k < len(text) && '0' <= text[k] && text[k] <= '9' {
			k++
		}
		if k == j+2 || k+2 > len(text) || text[k] != ':' || text[k+1] != '"' {
			continue
		}
		n, err := strconv.Atoi(string(text[j+2 : k]))
		content := k + 2
		if err != nil || content+n+2 > len(text) || text[content+n] != '"' || text[content+n+1] != ';' {
			continue
		}
		delta := 0
		for _, ed := range edits {
			if ed.start >= content && ed.end <= content+n {
				delta += len(ed.repl) - (ed.end - ed.start)
			}
		}
		if delta != 0 {
			fixes = append(fixes, edit{j + 2, k, strconv.Itoa(n + delta)})
		}
	}
	if len(fixes) == 0 {
		return edits
	}
	edits = append(edits, fixes...)
	sortEdits(edits)
	return edits
}
