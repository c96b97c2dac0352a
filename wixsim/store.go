package wixsim

import (
	"strings"
	"sync"

	"github.com/google/btree"

	"github.com/wixmigrate/wixmigrate/wix"
)

// fileRec is one file as the simulator keeps it. It is kept compact because
// benchmark runs hold a million of them: media type and status are bytes,
// dates are Unix nanoseconds, AI labels are derived from the hash on output.
// Every field that an index sorts by is changed only while the record is out
// of its site's indexes, under site.mu.
type fileRec struct {
	site     *site
	id       string
	name     string // displayName, at most 255 characters
	parent   string // parent folder ID
	source   string // sourceUrl of an import
	mime     string // sniffed MIME type, served by /media
	labels   []string
	created  int64 // Unix nanoseconds
	updated  int64
	size     int64 // -1 until known
	width    int32
	height   int32
	duration int32 // milliseconds, of a video or an audio
	hash     [16]byte
	hasHash  bool
	media    mediaKind
	status   statusKind
	private  bool
	hasBytes bool // a blob with hash is stored
	trashed  bool // in the trash bin: out of List Files and MEDIA_ROOT
	deleted  bool // deleted for good: in no index, no longer found
}

type statusKind uint8

const (
	statusPending statusKind = iota
	statusReady
	statusFailed
)

func (s statusKind) wire() wix.OperationStatus {
	switch s {
	case statusReady:
		return wix.StatusReady
	case statusFailed:
		return wix.StatusFailed
	}
	return wix.StatusPending
}

// indexSet keeps files ordered by each sortable field, ties broken by ID, so
// List Files and Search Files page with keyset cursors without scanning.
type indexSet struct {
	byUpdated *btree.BTreeG[*fileRec]
	byName    *btree.BTreeG[*fileRec]
	bySize    *btree.BTreeG[*fileRec]
}

const btreeDegree = 32

func lessUpdated(a, b *fileRec) bool {
	if a.updated != b.updated {
		return a.updated < b.updated
	}
	return a.id < b.id
}

func lessName(a, b *fileRec) bool {
	if a.name != b.name {
		return a.name < b.name
	}
	return a.id < b.id
}

func lessSize(a, b *fileRec) bool {
	if a.size != b.size {
		return a.size < b.size
	}
	return a.id < b.id
}

func newIndexSet() *indexSet {
	return &indexSet{
		byUpdated: btree.NewG(btreeDegree, lessUpdated),
		byName:    btree.NewG(btreeDegree, lessName),
		bySize:    btree.NewG(btreeDegree, lessSize),
	}
}

func (x *indexSet) insert(f *fileRec) {
	x.byUpdated.ReplaceOrInsert(f)
	x.byName.ReplaceOrInsert(f)
	x.bySize.ReplaceOrInsert(f)
}

func (x *indexSet) remove(f *fileRec) {
	x.byUpdated.Delete(f)
	x.byName.Delete(f)
	x.bySize.Delete(f)
}

// tree returns the index for a sort field name (already validated).
func (x *indexSet) tree(field string) (*btree.BTreeG[*fileRec], func(a, b *fileRec) bool) {
	switch field {
	case sortName:
		return x.byName, lessName
	case sortSize:
		return x.bySize, lessSize
	}
	return x.byUpdated, lessUpdated
}

// site is one Wix site: its files, folders and rate-limit bucket. Files of
// one site are invisible to every other.
type site struct {
	id     string
	prefix string // the 6-hex owner prefix of file IDs

	mu    sync.RWMutex
	live  shelf // MEDIA_ROOT: what List Files and Search Files show
	trash shelf // TRASH_ROOT: files moved to the trash bin
	// fresh holds, for files whose listing lags (Options.ListLag), their
	// current state; the record in the indexes is what listings show
	// until the lag is over.
	fresh map[*fileRec]*fileRec

	limiter bucket
}

// shelf indexes one root's files: all of them, for Search Files, and by
// parent folder, for List Files (and List Deleted Files).
type shelf struct {
	all     *indexSet
	folders map[string]*indexSet
}

func newShelf() shelf { return shelf{all: newIndexSet(), folders: map[string]*indexSet{}} }

func (s *shelf) insert(f *fileRec) {
	s.all.insert(f)
	x := s.folders[f.parent]
	if x == nil {
		x = newIndexSet()
		s.folders[f.parent] = x
	}
	x.insert(f)
}

func (s *shelf) remove(f *fileRec) {
	s.all.remove(f)
	if x := s.folders[f.parent]; x != nil {
		x.remove(f)
	}
}

// shelf returns the shelf f is on. The caller holds s.mu.
func (s *site) shelf(f *fileRec) *shelf {
	if f.trashed {
		return &s.trash
	}
	return &s.live
}

// add indexes a new file.
func (s *site) add(f *fileRec) { s.live.insert(f) }

// update applies change to f with f out of the indexes, so sort keys may
// change. The caller holds s.mu.
func (s *site) update(f *fileRec, change func(f *fileRec)) {
	sh := s.shelf(f)
	sh.remove(f)
	change(f)
	sh.insert(f)
}

// setTrashed moves f to the trash bin or back; a file deleted for good
// stays gone. The caller holds s.mu.
func (s *site) setTrashed(f *fileRec, trashed bool) {
	if f.deleted || f.trashed == trashed {
		return
	}
	s.shelf(f).remove(f)
	f.trashed = trashed
	s.shelf(f).insert(f)
	if c := s.fresh[f]; c != nil {
		c.trashed = trashed
	}
}

// current is f as Get File Descriptor(s) see it: its fresh state while
// listings lag behind. The caller holds s.mu.
func (s *site) current(f *fileRec) *fileRec {
	if c := s.fresh[f]; c != nil {
		return c
	}
	return f
}

// containsFold reports whether sub occurs in s, ignoring case, without
// allocating for ASCII text.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
