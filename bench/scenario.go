package bench

import (
	"slices"
	"strings"
)

// Op names an operation, and the row it is recorded under.
type Op string

// The operations. OpHomeNext is not chosen by a mix: OpHome follows the Link header of
// the user's previous home page one time in three, and records that as OpHomeNext.
// OpFanoutPoll is the fan-out probe's traffic, recorded apart from the scenario's.
const (
	OpPost          Op = "post"
	OpHome          Op = "home"
	OpHomeNext      Op = "home_next"
	OpPublic        Op = "public"
	OpFavourite     Op = "favourite"
	OpReblog        Op = "reblog"
	OpNotifications Op = "notifications"
	OpFanoutPoll    Op = "fanout_poll"
)

// recordedOps are every row a run may record, in report order.
var recordedOps = []Op{OpPost, OpHome, OpHomeNext, OpPublic, OpFavourite, OpReblog, OpNotifications, OpFanoutPoll}

// Weighted is one operation of a mix and its share of the arrivals.
type Weighted struct {
	Op     Op      `json:"op"`
	Weight float64 `json:"weight"`
}

// Scenario is a named mix of operations. The run's rate (or workers) is shared among
// them by weight.
type Scenario struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Mix         []Weighted `json:"mix"`
	// Subscribers is the share of the population that holds a subscription to its
	// `user` stream during the run (at most MaxSubscribers); Options.Subscribers
	// overrides it. See stream.go.
	Subscribers float64 `json:"subscribers,omitempty"`
}

// Scenarios returns the named scenarios.
func Scenarios() map[string]Scenario {
	list := []Scenario{
		{Name: "post", Description: "POST /api/v1/statuses; fan-out lag probed on followers' home timelines",
			Mix: []Weighted{{OpPost, 1}}},
		{Name: "home", Description: "GET /api/v1/timelines/home, following the Link header to older pages one time in three",
			Mix: []Weighted{{OpHome, 1}}},
		{Name: "public", Description: "GET /api/v1/timelines/public",
			Mix: []Weighted{{OpPublic, 1}}},
		{Name: "interact", Description: "favourite (70%) and boost (30%) recent statuses",
			Mix: []Weighted{{OpFavourite, 0.7}, {OpReblog, 0.3}}},
		{Name: "notifications", Description: "GET /api/v1/notifications",
			Mix: []Weighted{{OpNotifications, 1}}},
		{Name: "mixed", Description: "a read-heavy blend: home 45%, notifications 15%, favourite 15%, post 10%, public 10%, boost 5%; 10% of the accounts hold a user stream",
			Mix: []Weighted{{OpHome, 45}, {OpNotifications, 15}, {OpFavourite, 15}, {OpPost, 10}, {OpPublic, 10}, {OpReblog, 5}}, Subscribers: 0.1},
		{Name: "streaming", Description: "every account (or --subscribers of them) holds a WebSocket user stream while accounts post; post-to-event latency",
			Mix: []Weighted{{OpPost, 1}}, Subscribers: 1},
		{Name: "limits", Description: "no load: this machine's ceilings only (a bare loopback HTTP server answering a home page's size with the run's client and concurrency, " +
			"RSA-2048 HTTP-signature signing and verifying per second on all cores), each for a third of the duration; every other scenario measures them after its load (--limits)"},
	}
	m := make(map[string]Scenario, len(list))
	for _, s := range list {
		m[s.Name] = s
	}
	return m
}

func scenarioNames() string {
	var names []string
	for n := range Scenarios() {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// picker chooses operations by weight from a uniform roll.
type picker struct {
	ops []Op
	cum []float64 // cumulative weights, normalised to end at 1
}

func newPicker(mix []Weighted) picker {
	var p picker
	var total, sum float64
	for _, w := range mix {
		total += w.Weight
	}
	for _, w := range mix {
		sum += w.Weight / total
		p.ops = append(p.ops, w.Op)
		p.cum = append(p.cum, sum)
	}
	return p
}

// pick returns the operation for a roll in [0, 1).
func (p picker) pick(roll float64) Op {
	for i, c := range p.cum {
		if roll < c {
			return p.ops[i]
		}
	}
	return p.ops[len(p.ops)-1]
}
