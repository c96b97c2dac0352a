package pipeline

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// A poll round learns the status of pending files in one of three ways, and
// the planner below picks, per folder of pending files, the cheapest:
//
//   - Get File Descriptors: 100 IDs a call from any folders. Exact, but it
//     reads a file again every round until it is final.
//   - List Files of one folder, newest-updated first: a page holds 100 files
//     that changed, and files below the last round's newest change are
//     vouched for as unchanged. Cheap when few of a folder's many pending
//     files change between rounds, but a folder costs a page at least.
//   - Search Files over the whole site, newest-updated first: one listing for
//     every folder at once, reading what changed anywhere.
//
// A listing can only vouch for a file it did not return ("nothing below
// changed"); a listing that lags behind status changes would hold such a file
// back for ever. So a file no listing returned for UnseenRounds rounds is read
// by ID, and so is every file once SmallTail or fewer are left.

// Poll planning limits.
const (
	// UnseenRounds is how many rounds in a row a listing may vouch for a
	// file it did not return before the file is read by ID.
	UnseenRounds = 2
	// SmallTail is the pending count at or below which every file is read
	// by ID: one call covers them all, and nothing is vouched for.
	SmallTail = wix.MaxGetFiles
)

// PollMethod is how a round learns the status of a group's files.
type PollMethod uint8

// Poll methods.
const (
	ByID         PollMethod = iota // Get File Descriptors, batched across folders
	ListFolder                     // List Files pages of the group's folder
	SearchSite                     // one Search Files listing of the whole site
	DeferToLater                   // not this round: over the round's budget
)

func (m PollMethod) String() string {
	return [...]string{"by-id", "list-folder", "search-site", "deferred"}[m]
}

// PollGroup sums up the pending files of one folder for the planner.
type PollGroup struct {
	Folder  string // parent folder ID; "" when unknown (resumed from a report): never listed alone
	Pending int    // files waited on
	// Unseen counts the files no listing has returned for UnseenRounds
	// rounds or more: they are due to be read by ID.
	Unseen int
	// UnseenFor is the longest time one of the group's files has gone
	// without a listing returning it; due files of the longest-unseen
	// groups are read first when the budget is short.
	UnseenFor time.Duration
	// Young counts the folder's files left out of the round, too young to
	// be final yet (not in Pending). A listing returns them anyway, first:
	// their updatedDate is their recent creation.
	Young int
}

// PollPlanInput is what the planner weighs.
type PollPlanInput struct {
	Groups []PollGroup
	Prefer string // PollList: the cheapest way; PollGetFiles: by ID only
	// Changed is the share (0..1] of pending files expected to have
	// changed since their last check, as the last round found; 0 means
	// unknown, planned as 1 (everything changed: no listing is cheaper
	// than reading by ID).
	Changed float64
	// Budget caps the round's calls; 0 means no cap. Due files past the
	// budget stay with their folder's listing, or wait a round.
	Budget int
}

// GroupPlan is how one group is polled this round.
type GroupPlan struct {
	// ByID files of the group are read by ID: its longest-unseen ones
	// first, or all of them when Method is ByID.
	ByID int
	// Method covers the group's other files.
	Method PollMethod
}

// PollPlan is one round's plan, with the calls it is expected to make.
type PollPlan struct {
	Groups []GroupPlan // one per input group, in order
	// Estimated calls by kind. ID calls are exact; listing pages are an
	// estimate from Changed (a listing stops on what it finds).
	IDCalls, ListCalls, SearchCalls int
	// Files covered by each way.
	ByIDFiles, ListedFiles, SearchedFiles, DeferredFiles int
}

// Calls is the plan's estimated number of API calls.
func (p *PollPlan) Calls() int { return p.IDCalls + p.ListCalls + p.SearchCalls }

// idCalls is the number of Get File Descriptors calls for n files.
func idCalls(n int) int { return (n + wix.MaxGetFiles - 1) / wix.MaxGetFiles }

// listPages estimates the pages a listing reads to cover n pending files
// when the share changed of them changed since their last check: the
// young files on top (PollGroup.Young), the changed ones (each listed once,
// newest first), and a page at least.
func listPages(n int, changed float64, young int) int {
	return max(1, int(math.Ceil((float64(young)+float64(n)*changed)/wix.MaxPageLimit-1e-9)))
}

// PlanPollRound chooses, per group, the cheapest way to learn the status of
// its pending files. It is a pure function of its input.
func PlanPollRound(in PollPlanInput) PollPlan {
	changed := in.Changed
	if changed <= 0 || changed > 1 {
		changed = 1
	}
	plan := PollPlan{Groups: make([]GroupPlan, len(in.Groups))}
	total := 0
	for _, g := range in.Groups {
		total += g.Pending
	}
	if in.Prefer == PollGetFiles || total <= SmallTail {
		for i, g := range in.Groups {
			plan.Groups[i] = GroupPlan{ByID: g.Pending, Method: ByID}
		}
		plan.budget(in)
		plan.tally(in.Groups, changed)
		return plan
	}

	// Due files are read by ID whatever else the group gets; the rest go
	// by whichever whole plan is cheaper: per folder (list a folder where
	// its pages cost less than its share of ID calls), or one search.
	due, rest, young := 0, 0, 0
	for _, g := range in.Groups {
		d := min(g.Unseen, g.Pending)
		due += d
		rest += g.Pending - d
		young += g.Young
	}
	mixed := make([]GroupPlan, len(in.Groups))
	mixedIDs, mixedPages := due, 0
	for i, g := range in.Groups {
		d := min(g.Unseen, g.Pending)
		r := g.Pending - d
		mixed[i] = GroupPlan{ByID: d, Method: ByID}
		switch {
		case r == 0:
		case g.Folder != "" && float64(listPages(r, changed, g.Young)) < float64(r)/wix.MaxGetFiles:
			mixed[i].Method = ListFolder
			mixedPages += listPages(r, changed, g.Young)
		default:
			mixed[i].ByID = g.Pending
			mixedIDs += r
		}
	}
	mixedCost := idCalls(mixedIDs) + mixedPages
	searchCost := idCalls(due) + listPages(rest, changed, young)
	if rest > 0 && searchCost < mixedCost {
		for i, g := range in.Groups {
			d := min(g.Unseen, g.Pending)
			plan.Groups[i] = GroupPlan{ByID: d, Method: SearchSite}
			if d == g.Pending {
				plan.Groups[i].Method = ByID
			}
		}
	} else {
		copy(plan.Groups, mixed)
	}
	plan.budget(in)
	plan.tally(in.Groups, changed)
	return plan
}

// budget trims the plan to in.Budget calls. A listing is reserved one call
// (it stops on what it finds), the biggest folders' first; ID reads go to
// the longest-unseen groups. Due files past the budget stay with their
// group's listing; files with none wait for a later round.
func (p *PollPlan) budget(in PollPlanInput) {
	if in.Budget <= 0 {
		return
	}
	left := in.Budget
	order := make([]int, len(p.Groups))
	for i := range order {
		order[i] = i
	}
	if slices.ContainsFunc(p.Groups, func(gp GroupPlan) bool { return gp.Method == SearchSite }) {
		if left > 0 {
			left--
		} else {
			for i := range p.Groups {
				if p.Groups[i].Method == SearchSite {
					p.Groups[i].Method = DeferToLater
				}
			}
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(in.Groups[b].Pending, in.Groups[a].Pending) })
	for _, i := range order {
		if p.Groups[i].Method != ListFolder {
			continue
		}
		if left > 0 {
			left--
		} else {
			p.Groups[i].Method = DeferToLater
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(in.Groups[b].UnseenFor, in.Groups[a].UnseenFor) })
	room := left * wix.MaxGetFiles
	for _, i := range order {
		gp := &p.Groups[i]
		take := min(gp.ByID, room)
		room -= take
		if take < gp.ByID {
			gp.ByID = take
			if gp.Method == ByID {
				gp.Method = DeferToLater
			}
		}
	}
}

// tally fills the plan's call estimates and file counts.
func (p *PollPlan) tally(groups []PollGroup, changed float64) {
	searched, young := 0, 0
	for i, gp := range p.Groups {
		g := groups[i]
		p.ByIDFiles += gp.ByID
		other := g.Pending - gp.ByID
		young += g.Young
		switch gp.Method {
		case ListFolder:
			p.ListedFiles += other
			p.ListCalls += listPages(other, changed, g.Young)
		case SearchSite:
			p.SearchedFiles += other
			searched += other
		case DeferToLater:
			p.DeferredFiles += other
		}
	}
	p.IDCalls = idCalls(p.ByIDFiles)
	if slices.ContainsFunc(p.Groups, func(gp GroupPlan) bool { return gp.Method == SearchSite }) {
		p.SearchCalls = listPages(searched, changed, young)
	}
}

// Pause tuning. Variables only so benchmarks can scale time.
var (
	// tailRateShare is the share of the rate the tail's rounds may use:
	// the rest is room to recover from a throttle without falling behind.
	tailRateShare = 0.5
	// minTailPause is the shortest pause between tail rounds when the run
	// has no rate limit.
	minTailPause = 20 * time.Millisecond
	// ripeQuantile is the share of files observed final by an age, below
	// which age a pending file is left out of a round (poller.ripeAgeLocked).
	ripeQuantile = 0.25
)

// PauseInput is what the pause before the next poll round depends on.
type PauseInput struct {
	Importing bool          // imports are still being sent
	Stalled   bool          // imports wait for room among the pending files
	Base      time.Duration // Config.PollInterval
	Last      time.Duration // the pause before the round just done (0: none yet)
	// What the round just done found.
	Final, StillPending int
	// Processing is how long files took to turn final, as observed (a
	// high quantile of updatedDate − createdDate); 0 until one is final.
	Processing time.Duration
	// Youngest is the age of the most recently created pending file.
	Youngest   time.Duration
	RoundCalls int     // calls the next round is expected to make
	Rate       float64 // calls per minute; 0 means no limit
	// FinishRate is how many files a second turned final, by the
	// updatedDates of those the round just done found (0: too few to
	// tell).
	FinishRate float64
}

// finishRate is files a second turned final, from n final files whose
// updatedDates span first..last (Unix nanoseconds); 0 when fewer than
// SmallTail or no span.
func finishRate(n int, first, last int64) float64 {
	if n < SmallTail || last <= first {
		return 0
	}
	return float64(n) / time.Duration(last-first).Seconds()
}

// NextPause is the pause before the next poll round.
//
// While imports are sent, the imports use the rate: rounds stay at least
// Base apart, and the pause grows while rounds find nothing new or mostly
// files still processing (each such sighting is a wasted slot of a page).
//
// Once imports are done (the tail), the rate they used is free and the user
// waits only for the last files: the pause is an eighth of the observed
// processing time per call the round takes (at most until the youngest
// pending file is expected done; less what the round's calls take at the
// rate),
// so the last files, read in one call, are found soon after they turn
// final, while a costly round waits until it finds many; and it is never
// shorter than one call's slot at half the rate, so the tail's rounds of
// one call use half the rate at most (the other half is room to recover
// from a throttle; the limiter paces bigger rounds' own calls). Back-off
// stays for files processing far longer than the others (videos): when a
// round found nothing final and every pending file is past twice the
// observed time (or none has turned final yet), the pause is a quarter of
// the youngest pending file's age, so it grows with the time they have
// taken rather than doubling with each round.
func NextPause(in PauseInput) time.Duration {
	if in.Importing {
		switch {
		case in.Stalled || in.Last <= 0:
			return in.Base
		case in.Final == 0:
			return min(in.Last*2, maxPollPause)
		case in.StillPending*10 > in.Final:
			return min(in.Last*3/2, maxPollPause)
		}
		return max(in.Base, in.Last*4/5)
	}
	gap := minTailPause
	if in.Rate > 0 {
		// The limiter paces a round's own calls; between rounds, the
		// pause is at least a call's slot at the tail's share of the rate.
		gap = max(gap, time.Duration(float64(time.Minute)/(in.Rate*tailRateShare)))
	}
	pause := in.Base
	if in.Processing > 0 {
		// A round that costs more calls waits for more files to finish,
		// up to when even the youngest is expected done; less the time
		// the round's own calls take at the rate, as they read the
		// longest-waiting files first.
		pause = min(in.Processing/8*time.Duration(max(in.RoundCalls, 1)), max(in.Processing-in.Youngest, in.Processing/8))
		if in.Rate > 0 {
			pause -= time.Duration(float64(time.Minute) * float64(in.RoundCalls) / in.Rate)
		}
	}
	if in.Final == 0 && (in.Processing == 0 || in.Youngest > 2*in.Processing) {
		pause = max(pause, in.Youngest/4)
	}
	if in.Rate <= 0 && in.FinishRate > 0 {
		// With no rate limit, calls and not time are the cost: the files
		// the round found still processing are read again once, at the
		// pace files have been turning final, they should all be (Wix
		// works through imports roughly in order, so processing times
		// grow while a large run's downloads queue).
		pause = max(pause, time.Duration(float64(in.StillPending)/in.FinishRate*float64(time.Second)))
	}
	return max(gap, min(pause, maxPollPause))
}

// processingTimes keeps the most recent processing times observed, for
// NextPause.
type processingTimes struct {
	ring [256]time.Duration
	n    int // observations so far
}

func (p *processingTimes) add(d time.Duration) {
	p.ring[p.n%len(p.ring)] = max(d, 0)
	p.n++
}

// high is the 90th percentile of the recent observations, 0 with none.
func (p *processingTimes) high() time.Duration { return p.quantile(0.9) }

// quantile is the q-quantile (0 < q <= 1) of the recent observations, 0
// with none.
func (p *processingTimes) quantile(q float64) time.Duration {
	k := min(p.n, len(p.ring))
	if k == 0 {
		return 0
	}
	s := slices.Clone(p.ring[:k])
	slices.Sort(s)
	return s[max(int(math.Ceil(float64(k)*q-1e-9)), 1)-1]
}

// StatusEstimate estimates the status calls of a run from its folder
// layout, for a dry run: files are taken in manifest order, a round's worth
// at a time (the files the imports create between two rounds at the
// settings' rate and poll interval), and each round is planned with
// PlanPollRound as if every file were final when read: the best case, one
// read per file.
type StatusEstimate struct {
	prefer   string
	perRound int
	round    map[string]int // pending files by folder in the round being filled
	files    int            // in the round being filled
	calls    int
}

// NewStatusEstimate starts an estimate for s (defaults applied).
func NewStatusEstimate(s Settings) *StatusEstimate {
	s = s.WithDefaults()
	rate := s.Rate
	if rate <= 0 {
		rate = DefaultRate
	}
	// Imports take most of the rate: a round's worth is the files the
	// import calls of one poll interval create.
	perRound := int(rate / 60 * s.PollInterval.Seconds() * float64(s.BatchSize))
	return &StatusEstimate{prefer: s.Poll, perRound: max(perRound, wix.MaxGetFiles), round: map[string]int{}}
}

// Add counts one file to wait for in folder: a parent folder ID with the
// file path under it, or "" when unknown.
func (e *StatusEstimate) Add(folder string) {
	e.round[folder]++
	e.files++
	if e.files >= e.perRound {
		e.flush()
	}
}

func (e *StatusEstimate) flush() {
	if e.files == 0 {
		return
	}
	groups := make([]PollGroup, 0, len(e.round))
	for f, n := range e.round {
		groups = append(groups, PollGroup{Folder: f, Pending: n})
	}
	plan := PlanPollRound(PollPlanInput{Groups: groups, Prefer: e.prefer, Changed: 1})
	e.calls += plan.Calls()
	clear(e.round)
	e.files = 0
}

// Calls is the estimated number of status calls for the files added.
func (e *StatusEstimate) Calls() int {
	e.flush()
	return e.calls
}
