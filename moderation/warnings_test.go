package moderation_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestAppealReversesEachAction: every account action leaves a warning of its type,
// and approving its appeal undoes it (none has nothing to undo), as Mastodon's
// ApproveAppealService; a user's warnings page newest first with Link.
func TestAppealReversesEachAction(t *testing.T) {
	f := newAdmin(t)
	type flags struct {
		Disabled, Sensitized, Silenced, Suspended bool
	}
	state := func(id string) flags {
		return testrig.Decode[flags](t, f.get(t, "/api/v1/admin/accounts/"+id, nil))
	}
	for _, tc := range []struct {
		action string
		set    func(flags) bool
	}{
		{"none", func(flags) bool { return true }},
		{"sensitive", func(s flags) bool { return s.Sensitized }},
		{"disable", func(s flags) bool { return s.Disabled }},
		{"silence", func(s flags) bool { return s.Silenced }},
		{"suspend", func(s flags) bool { return s.Suspended }},
	} {
		t.Run(tc.action, func(t *testing.T) {
			u := f.c.Register("u" + tc.action)
			f.post(t, "/api/v1/admin/accounts/"+u.ID+"/action", url.Values{"type": {tc.action}}, 200)
			if !tc.set(state(u.ID)) {
				t.Fatalf("%s not applied: %+v", tc.action, state(u.ID))
			}
			ws := testrig.Decode[[]struct{ ID, Action string }](t, f.c.Must(u.Do("GET", "/api/v1/account_warnings", nil), 200))
			if len(ws) != 1 || ws[0].Action != tc.action {
				t.Fatalf("warnings %+v", ws)
			}
			f.c.Must(u.Do("POST", "/api/v1/account_warnings/"+ws[0].ID+"/appeal", url.Values{"text": {"please"}}), 200)
			f.post(t, "/api/v1/admin/appeals/"+ws[0].ID+"/approve", nil, 200)
			if got := state(u.ID); got != (flags{}) {
				t.Fatalf("after the approval: %+v", got)
			}
		})
	}

	for range 3 {
		f.post(t, "/api/v1/admin/accounts/"+f.alice.ID+"/action", url.Values{"type": {"none"}}, 200)
	}
	first := f.c.Must(f.alice.Do("GET", "/api/v1/account_warnings", url.Values{"limit": {"2"}}), 200)
	page := testrig.Decode[[]struct{ ID string }](t, first)
	if len(page) != 2 || !strings.Contains(first.Header.Get("Link"), `rel="next"`) {
		t.Fatalf("first page %+v, Link %q", page, first.Header.Get("Link"))
	}
	rest := testrig.Decode[[]struct{ ID string }](t, f.c.Must(f.alice.Do("GET", "/api/v1/account_warnings",
		url.Values{"max_id": {page[1].ID}}), 200))
	if len(rest) != 1 || rest[0].ID == page[0].ID || rest[0].ID == page[1].ID {
		t.Fatalf("older than the first page: %+v", rest)
	}
}
