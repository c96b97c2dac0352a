package testenv

import (
	"runtime/metrics"
	"time"
)

// PeakHeap samples the live heap while a benchmark runs: WatchHeap starts
// it, PeakMB stops it and says the most it saw.
type PeakHeap struct {
	stop chan struct{}
	done chan uint64
}

func WatchHeap() *PeakHeap {
	p := &PeakHeap{stop: make(chan struct{}), done: make(chan uint64)}
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-p.stop:
				p.done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// PeakMB stops the sampling and returns the peak, in MiB.
func (p *PeakHeap) PeakMB() float64 {
	close(p.stop)
	return float64(<-p.done) / (1 << 20)
}
