package wixsim

import (
	"math/rand/v2"
	"sync"
	"time"
)

// dice is the one seeded generator behind every fault and delay. It sits
// under a mutex and is drawn in request order, so the same seed and the same
// request sequence give the same faults.
type dice struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newDice(seed int64) *dice {
	return &dice{r: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))}
}

// hit reports true with probability p; it draws nothing when p <= 0, so a
// fault that is off does not shift the others.
func (d *dice) hit(p float64) bool {
	if p <= 0 {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.r.Float64() < p
}

// coin is a fair coin flip.
func (d *dice) coin() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.r.IntN(2) == 0
}

// in draws a duration from r; a fixed range draws nothing.
func (d *dice) in(r Range) time.Duration {
	if r.Max <= r.Min {
		return r.Min
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return r.Min + time.Duration(d.r.Int64N(int64(r.Max-r.Min)+1))
}

// ids is a separate generator for the random part of file IDs, so IDs do
// not shift the fault sequence.
type ids struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

func newIDs(seed int64) *ids {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(uint64(seed) >> (8 * i))
	}
	s[31] = 1
	return &ids{r: rand.NewChaCha8(s)}
}

func (g *ids) next() (b [16]byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, _ = g.r.Read(b[:])
	return b
}
