package rewrite

import (
	"bytes"
	"hash/maphash"
)

// arena holds strings back to back in one allocation-free-to-trace byte
// slice; a span names one of them.
type arena []byte

type span32 struct{ off, n uint32 }

func (a *arena) add(s string) span32 {
	sp := span32{uint32(len(*a)), uint32(len(s))}
	*a = append(*a, s...)
	return sp
}

func (a arena) bytes(sp span32) []byte { return a[sp.off : sp.off+sp.n] }

// keyIndex maps URL keys to int32 values with no pointer for the garbage
// collector to trace: the keys live in an arena, the table is integers. A
// mapping of 100,000 rows is a few large objects, not half a million small
// ones that every collection during a rewrite would have to mark.
type keyIndex struct {
	seed  maphash.Seed
	keys  arena
	slots []int32 // index into ents + 1; 0 is empty. len is a power of two.
	ents  []indexEntry
}

type indexEntry struct {
	key   span32
	value int32
}

func newKeyIndex() *keyIndex { return &keyIndex{seed: maphash.MakeSeed(), slots: make([]int32, 16)} }

func (x *keyIndex) len() int { return len(x.ents) }

// slot finds key's slot: the one holding it, or the empty one where it
// would go.
func (x *keyIndex) slot(key []byte) int {
	mask := len(x.slots) - 1
	i := int(maphash.Bytes(x.seed, key)) & mask
	for {
		e := x.slots[i]
		if e == 0 || bytes.Equal(x.keys.bytes(x.ents[e-1].key), key) {
			return i
		}
		i = (i + 1) & mask
	}
}

// get returns key's value.
func (x *keyIndex) get(key []byte) (int32, bool) {
	if e := x.slots[x.slot(key)]; e != 0 {
		return x.ents[e-1].value, true
	}
	return 0, false
}

// put sets key's value, returning the value it replaces, if any.
func (x *keyIndex) put(key []byte, value int32) (old int32, replaced bool) {
	i := x.slot(key)
	if e := x.slots[i]; e != 0 {
		old = x.ents[e-1].value
		x.ents[e-1].value = value
		return old, true
	}
	x.ents = append(x.ents, indexEntry{x.keys.add(string(key)), value})
	x.slots[i] = int32(len(x.ents))
	if 2*len(x.ents) > len(x.slots) { // keep probes short: at most half full
		x.slots = make([]int32, 2*len(x.slots))
		for n, ent := range x.ents {
			x.slots[x.slot(x.keys.bytes(ent.key))] = int32(n + 1)
		}
	}
	return 0, false
}
