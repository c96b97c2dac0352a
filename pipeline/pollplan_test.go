package pipeline

import (
	"fmt"
	"testing"
	"time"
)

// folders makes n groups of per pending files each, none due.
func folders(n, per int) []PollGroup {
	gs := make([]PollGroup, n)
	for i := range gs {
		gs[i] = PollGroup{Folder: fmt.Sprintf("folder-%d", i), Pending: per}
	}
	return gs
}

func TestPlanPollRound(t *testing.T) {
	type want struct {
		methods                         []PollMethod // per group; one entry stands for every group
		byID                            []int        // per group, likewise; nil: not checked
		idCalls, listCalls, searchCalls int
		deferred                        int
	}
	tests := []struct {
		name string
		in   PollPlanInput
		want want
	}{
		{"flat, nothing known yet: read by ID, exact",
			PollPlanInput{Groups: folders(1, 600), Prefer: PollList},
			want{methods: []PollMethod{ByID}, byID: []int{600}, idCalls: 6}},
		{"flat, half change between rounds: the folder's listing is cheaper",
			PollPlanInput{Groups: folders(1, 600), Prefer: PollList, Changed: 0.5},
			want{methods: []PollMethod{ListFolder}, byID: []int{0}, listCalls: 3}},
		{"flat, a tenth changes but 2,000 files just imported sit on top of the listing: by ID",
			PollPlanInput{Groups: []PollGroup{{Folder: "media-root", Pending: 1000, Young: 2000}}, Prefer: PollList, Changed: 0.1},
			want{methods: []PollMethod{ByID}, byID: []int{1000}, idCalls: 10}},
		{"flat, a tenth changes, 200 files just imported: the listing reads them and the changed, 3 pages",
			PollPlanInput{Groups: []PollGroup{{Folder: "media-root", Pending: 1000, Young: 200}}, Prefer: PollList, Changed: 0.1},
			want{methods: []PollMethod{ListFolder}, byID: []int{0}, listCalls: 3}},
		{"flat, get-files preferred: by ID whatever listing costs",
			PollPlanInput{Groups: folders(1, 600), Prefer: PollGetFiles, Changed: 0.1},
			want{methods: []PollMethod{ByID}, byID: []int{600}, idCalls: 6}},
		{"the tail: 100 files in 40 folders take one call by ID",
			PollPlanInput{Groups: folders(40, 2), Prefer: PollList, Changed: 0.1},
			want{methods: []PollMethod{ByID}, byID: []int{2}, idCalls: 1}},
		{"1,000 folders of 10: one site search instead of a page per folder",
			PollPlanInput{Groups: folders(1000, 10), Prefer: PollList, Changed: 0.5},
			want{methods: []PollMethod{SearchSite}, byID: []int{0}, searchCalls: 50}},
		{"1,000 folders of 10, get-files: IDs batched across folders",
			PollPlanInput{Groups: folders(1000, 10), Prefer: PollGetFiles, Changed: 0.5},
			want{methods: []PollMethod{ByID}, byID: []int{10}, idCalls: 100}},
		{"1,000 folders of 10, everything changes: by ID (a search reads as much)",
			PollPlanInput{Groups: folders(1000, 10), Prefer: PollList, Changed: 1},
			want{methods: []PollMethod{ByID}, byID: []int{10}, idCalls: 100}},
		{"10 folders of 1,000: each folder's listing",
			PollPlanInput{Groups: folders(10, 1000), Prefer: PollList, Changed: 0.5},
			want{methods: []PollMethod{ListFolder}, byID: []int{0}, listCalls: 50}},
		{"files unseen for two rounds are read by ID, the rest listed",
			PollPlanInput{Groups: []PollGroup{{Folder: "a", Pending: 500, Unseen: 30}}, Prefer: PollList, Changed: 0.2},
			want{methods: []PollMethod{ListFolder}, byID: []int{30}, idCalls: 1, listCalls: 1}},
		{"a group of only unseen files is read by ID",
			PollPlanInput{Groups: []PollGroup{{Folder: "a", Pending: 500, Unseen: 30}, {Folder: "b", Pending: 150, Unseen: 150}}, Prefer: PollList, Changed: 0.2},
			want{methods: []PollMethod{ListFolder, ByID}, byID: []int{30, 150}, idCalls: 2, listCalls: 1}},
		{"files of unknown folders (resumed) are never listed alone, but a search covers them",
			PollPlanInput{Groups: []PollGroup{{Pending: 300}, {Folder: "a", Pending: 300}}, Prefer: PollList, Changed: 0.3},
			want{methods: []PollMethod{SearchSite}, byID: []int{0, 0}, searchCalls: 2}},
		{"files of unknown folders alone: one search beats reading them by ID",
			PollPlanInput{Groups: []PollGroup{{Pending: 300}}, Prefer: PollList, Changed: 0.3},
			want{methods: []PollMethod{SearchSite}, byID: []int{0}, searchCalls: 1}},
		{"a small folder beside a big one goes by ID, the big one is listed",
			PollPlanInput{Groups: []PollGroup{{Folder: "big", Pending: 2000}, {Folder: "small", Pending: 60}}, Prefer: PollList, Changed: 0.1},
			want{methods: []PollMethod{ListFolder, ByID}, byID: []int{0, 60}, idCalls: 1, listCalls: 2}},
		{"over budget: the listing keeps a call, ID reads go to the longest unseen",
			PollPlanInput{Groups: []PollGroup{
				{Folder: "a", Pending: 500, Unseen: 300, UnseenFor: 10 * time.Second},
				{Folder: "b", Pending: 400, Unseen: 400, UnseenFor: 20 * time.Second},
			}, Prefer: PollList, Changed: 0.2, Budget: 5},
			want{methods: []PollMethod{ListFolder, ByID}, byID: []int{0, 400}, idCalls: 4, listCalls: 1}},
		{"over budget with no listing: the rest waits a round",
			PollPlanInput{Groups: []PollGroup{{Folder: "a", Pending: 5000, Unseen: 5000}}, Prefer: PollList, Budget: 10},
			want{methods: []PollMethod{DeferToLater}, byID: []int{1000}, idCalls: 10, deferred: 4000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := PlanPollRound(tt.in)
			if len(plan.Groups) != len(tt.in.Groups) {
				t.Fatalf("%d group plans for %d groups", len(plan.Groups), len(tt.in.Groups))
			}
			for i, gp := range plan.Groups {
				wm := tt.want.methods[min(i, len(tt.want.methods)-1)]
				if gp.Method != wm {
					t.Errorf("group %d: method %s, want %s", i, gp.Method, wm)
				}
				if tt.want.byID != nil {
					if wb := tt.want.byID[min(i, len(tt.want.byID)-1)]; gp.ByID != wb {
						t.Errorf("group %d: %d files by ID, want %d", i, gp.ByID, wb)
					}
				}
			}
			if plan.IDCalls != tt.want.idCalls || plan.ListCalls != tt.want.listCalls || plan.SearchCalls != tt.want.searchCalls {
				t.Errorf("calls: %d by ID, %d list, %d search; want %d, %d, %d",
					plan.IDCalls, plan.ListCalls, plan.SearchCalls, tt.want.idCalls, tt.want.listCalls, tt.want.searchCalls)
			}
			if plan.DeferredFiles != tt.want.deferred {
				t.Errorf("%d files deferred, want %d", plan.DeferredFiles, tt.want.deferred)
			}
			total := 0
			for _, g := range tt.in.Groups {
				total += g.Pending
			}
			if got := plan.ByIDFiles + plan.ListedFiles + plan.SearchedFiles + plan.DeferredFiles; got != total {
				t.Errorf("plan covers %d files, want every one of %d", got, total)
			}
		})
	}
}

func TestFinishRate(t *testing.T) {
	sec := int64(time.Second)
	for _, c := range []struct {
		n           int
		first, last int64
		want        float64
	}{{1000, 0, 2 * sec, 500}, {SmallTail - 1, 0, sec, 0}, {500, sec, sec, 0}} {
		if got := finishRate(c.n, c.first, c.last); got != c.want {
			t.Errorf("finishRate(%d, %d, %d) = %v, want %v", c.n, c.first, c.last, got, c.want)
		}
	}
}

func TestNextPause(t *testing.T) {
	const base = 2 * time.Second
	tests := []struct {
		name string
		in   PauseInput
		want time.Duration
	}{
		{"importing: first round after the base pause", PauseInput{Importing: true, Base: base}, base},
		{"importing: imports wait for room", PauseInput{Importing: true, Stalled: true, Base: base, Last: 16 * time.Second}, base},
		{"importing: nothing new doubles", PauseInput{Importing: true, Base: base, Last: 4 * time.Second, StillPending: 50}, 8 * time.Second},
		{"importing: doubling stops at the cap", PauseInput{Importing: true, Base: base, Last: 20 * time.Second}, maxPollPause},
		{"importing: mostly still processing grows by half", PauseInput{Importing: true, Base: base, Last: 4 * time.Second, Final: 10, StillPending: 200}, 6 * time.Second},
		{"importing: mostly final shrinks towards the base", PauseInput{Importing: true, Base: base, Last: 5 * time.Second, Final: 300, StillPending: 10}, 4 * time.Second},
		{"tail: an eighth of the processing time, less the call's", PauseInput{Base: base, Processing: 2 * time.Second, Youngest: time.Second, RoundCalls: 1, Rate: 1200}, 200 * time.Millisecond},
		{"tail: not faster than half the rate allows", PauseInput{Base: base, Processing: 2 * time.Second, Youngest: time.Second, RoundCalls: 1, Rate: 200}, 600 * time.Millisecond},
		{"tail: a bigger round waits for more files, less its calls' time", PauseInput{Base: base, Processing: 2 * time.Second, RoundCalls: 3, Rate: 1200}, 600 * time.Millisecond},
		{"tail: ... up to the processing time", PauseInput{Base: base, Processing: 2 * time.Second, RoundCalls: 50, Rate: 12000}, 1750 * time.Millisecond},
		{"tail: ... or until the youngest file is expected done", PauseInput{Base: base, Processing: 2 * time.Second, Youngest: 1500 * time.Millisecond, RoundCalls: 50, Rate: 12000}, 250 * time.Millisecond},
		{"tail: ... without a rate, all of it", PauseInput{Base: base, Processing: 2 * time.Second, RoundCalls: 50}, 2 * time.Second},
		{"tail: a bigger round at a low rate", PauseInput{Base: base, Processing: 2 * time.Second, RoundCalls: 3, Rate: 200}, 600 * time.Millisecond},
		{"tail: nothing done yet, the base pause", PauseInput{Base: base, RoundCalls: 1, Rate: 200}, base},
		{"tail: nothing done yet after a while: a quarter of the age", PauseInput{Base: base, Youngest: 20 * time.Second, RoundCalls: 1, Rate: 200}, 5 * time.Second},
		{"tail: no rate limit, short processing", PauseInput{Base: base, Processing: 80 * time.Millisecond, RoundCalls: 1}, minTailPause},
		{"tail: no rate limit, until the files found processing should be done at the pace files finish", PauseInput{Base: base, Processing: 2 * time.Second, RoundCalls: 10, Final: 3000, StillPending: 2000, FinishRate: 500}, 4 * time.Second},
		{"tail: ... not sooner than the processing time says", PauseInput{Base: base, Processing: 2 * time.Second, RoundCalls: 10, Final: 3000, StillPending: 200, FinishRate: 500}, 2 * time.Second},
		{"tail: ... up to the cap", PauseInput{Base: base, Processing: 2 * time.Second, RoundCalls: 10, Final: 3000, StillPending: 100000, FinishRate: 100}, maxPollPause},
		{"tail: with a rate, the pace of finishing does not count", PauseInput{Base: base, Processing: 2 * time.Second, RoundCalls: 3, Rate: 1200, Final: 3000, StillPending: 2000, FinishRate: 500}, 600 * time.Millisecond},
		{"tail: found nothing, but files are young: no back-off", PauseInput{Base: base, Processing: 2 * time.Second, Youngest: 3 * time.Second, StillPending: 3, RoundCalls: 1, Rate: 1200}, 200 * time.Millisecond},
		{"tail: long processing (video) backs off with its age", PauseInput{Base: base, Processing: 2 * time.Second, Youngest: 40 * time.Second, StillPending: 3, RoundCalls: 1, Rate: 1200}, 10 * time.Second},
		{"tail: old files, but the round found some final: no back-off", PauseInput{Base: base, Processing: 2 * time.Second, Youngest: 40 * time.Second, Final: 100, StillPending: 3, RoundCalls: 1, Rate: 1200}, 200 * time.Millisecond},
		{"tail: back-off stops at the cap", PauseInput{Base: base, Processing: 2 * time.Second, Youngest: 10 * time.Minute, RoundCalls: 1, Rate: 1200}, maxPollPause},
		{"tail: the rate wins over the cap", PauseInput{Base: base, Processing: 2 * time.Second, Youngest: 10 * time.Minute, RoundCalls: 1, Rate: 1}, 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NextPause(tt.in); got != tt.want {
				t.Errorf("NextPause = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProcessingTimesHigh(t *testing.T) {
	var p processingTimes
	if p.high() != 0 {
		t.Fatal("no observation should give 0")
	}
	p.add(time.Second)
	if p.high() != time.Second {
		t.Errorf("one observation: %v", p.high())
	}
	for i := 1; i <= 10; i++ {
		p.add(time.Duration(i) * 100 * time.Millisecond)
	}
	// 11 observations: 100ms..1s and 1s; the 90th percentile is the 10th.
	if got := p.high(); got != time.Second {
		t.Errorf("high = %v, want 1s", got)
	}
	// Old observations age out.
	for range 300 {
		p.add(10 * time.Millisecond)
	}
	if got := p.high(); got != 10*time.Millisecond {
		t.Errorf("after 300 fast files, high = %v", got)
	}
}

// A dry run's status estimate does not grow with the folder layout: the
// planner reads IDs across folders, so 10,000 rows cost about 100 status
// calls flat, over 10 folders or over 1,000, with either --poll.
func TestStatusEstimateIgnoresFolders(t *testing.T) {
	for _, poll := range []string{PollList, PollGetFiles} {
		for _, folders := range []int{1, 10, 1000} {
			e := NewStatusEstimate(Settings{Poll: poll})
			for i := range 10000 {
				e.Add(fmt.Sprintf("media-root/products/p%d", i*folders/10000))
			}
			// 666 files a round at 200/min and 2s: 7 calls a round.
			if got := e.Calls(); got < 100 || got > 106 {
				t.Errorf("%s, %d folders: %d status calls, want 100..106", poll, folders, got)
			}
		}
	}
	if got := NewStatusEstimate(Settings{}).Calls(); got != 0 {
		t.Errorf("no files: %d calls", got)
	}
}
