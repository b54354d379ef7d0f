package annualreport

import (
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/shard"
)

// TestArchetype: Mastodon's rule, in its order; the thresholds are strict.
func TestArchetype(t *testing.T) {
	for _, tc := range []struct {
		name  string
		td    TypeDistribution
		polls int
		want  Archetype
	}{
		{"nothing", TypeDistribution{}, 0, Lurker},
		{"just under the average", TypeDistribution{Standalone: 112}, 0, Lurker},
		{"the average", TypeDistribution{Standalone: 113}, 0, Oracle},
		{"boosts above twice the posts", TypeDistribution{Standalone: 40, Reblogs: 81}, 0, Booster},
		{"boosts at twice the posts", TypeDistribution{Standalone: 40, Reblogs: 80}, 0, Oracle},
		{"polls above a tenth", TypeDistribution{Standalone: 113}, 12, Pollster},
		{"polls at a tenth", TypeDistribution{Standalone: 120}, 12, Oracle},
		{"boosts win over polls", TypeDistribution{Standalone: 40, Reblogs: 100}, 30, Booster},
		{"replies above twice the posts", TypeDistribution{Standalone: 40, Replies: 81}, 0, Replier},
		{"polls win over replies", TypeDistribution{Standalone: 40, Replies: 100}, 5, Pollster},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := archetype(tc.td, tc.polls); got != tc.want {
				t.Errorf("archetype(%+v, %d) = %s, want %s", tc.td, tc.polls, got, tc.want)
			}
		})
	}
}

// TestCampaign: a year's report is offered from December 10th (UTC) to its end, and
// never when the instance turned the reports off.
func TestCampaign(t *testing.T) {
	for _, tc := range []struct {
		at       time.Time
		disabled bool
		want     int
	}{
		{time.Date(2026, 12, 9, 23, 59, 59, 0, time.UTC), false, 0},
		{time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), false, 2026},
		{time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), false, 2026},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false, 0},
		{time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), false, 0},
		{time.Date(2026, 12, 10, 3, 0, 0, 0, time.FixedZone("UTC+5", 5*3600)), false, 0}, // Dec 9th UTC
		{time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), true, 0},
	} {
		s := New(nil, nil, nil, Options{Now: func() time.Time { return tc.at }, Disabled: tc.disabled})
		if got := s.Campaign(); got != tc.want {
			t.Errorf("Campaign() at %v (disabled %v) = %d, want %d", tc.at, tc.disabled, got, tc.want)
		}
	}
}

// TestRanking: only what was counted more than the threshold ranks, most first, ties
// in a fixed order, at most the limit.
func TestRanking(t *testing.T) {
	names := topNames(map[string]int{"a": 1, "b": 3, "c": 2, "d": 3, "e": 5}, 1, 3)
	want := []NameCount{{"e", 5}, {"b", 3}, {"d", 3}}
	if !slices.Equal(names, want) {
		t.Errorf("topNames = %v, want %v", names, want)
	}
	accs := topAccounts(map[shard.ID]int{7: 2, 9: 2, 3: 1, 0: 9}, 1, 10)
	wantAccs := []AccountCount{{"7", 2}, {"9", 2}}
	if !slices.Equal(accs, wantAccs) {
		t.Errorf("topAccounts = %v, want %v", accs, wantAccs)
	}
	if got := topNames(nil, 0, 10); got == nil || len(got) != 0 {
		t.Errorf("topNames of nothing = %#v, want an empty list (rendered [])", got)
	}
}

// TestYearBounds: the year's ids cover exactly its instants.
func TestYearBounds(t *testing.T) {
	from, to := yearBounds(2026)
	for _, tc := range []struct {
		at time.Time
		in bool
	}{
		{time.Date(2025, 12, 31, 23, 59, 59, 999e6, time.UTC), false},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 12, 31, 23, 59, 59, 999e6, time.UTC), true},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		id := shard.AtTime(tc.at) | 0xffff // any id made in that millisecond
		if got := id >= from && id < to; got != tc.in {
			t.Errorf("id at %v in 2026: %v, want %v", tc.at, got, tc.in)
		}
	}
}
