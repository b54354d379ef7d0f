package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestContentRulesRemote: the content rules of a server apply to the posts and edits
// that arrive from another: a rejected post or edit is dropped, the others are
// marked sensitive, unlisted or reported as local ones are, and the hits are counted.
func TestContentRulesRemote(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	b := testrig.New(t, testrig.Host(t, "beta"))
	alice, bob := a.Register("alice"), b.Register("bob")
	mod, tok := a.RegisterModerator("mod")
	addContentRule(t, a, tok, url.Values{"pattern": {"forbidden"}, "action": {"reject"}})
	addContentRule(t, a, tok, url.Values{"pattern": {"gore"}, "action": {"sensitive"}})
	addContentRule(t, a, tok, url.Values{"pattern": {`buy\s+now`}, "regexp": {"true"}, "action": {"unlist"}})
	addContentRule(t, a, tok, url.Values{"pattern": {"suspicious"}, "action": {"report"}})
	addContentRule(t, a, tok, url.Values{"pattern": {"trampled"}, "action": {"reject"}})
	found := alice.Search("@bob@"+b.Nodes[0].Config().Domain, "resolve", "true")
	if len(found.Accounts) != 1 {
		t.Fatalf("search: %+v", found)
	}
	bobID := found.Accounts[0].ID
	alice.Relate(bobID, "follow")
	testrig.Eventually(t, "alice follows bob", func() error {
		if rel := alice.Relationship(bobID); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})

	bob.PostStatus("a forbidden thought")
	posts := map[string]testrig.Status{}
	for _, text := range []string{"some gore", "buy now", "a suspicious link", "a walk"} {
		posts[text] = bob.PostStatus(text)
	}
	// A post can be screened more than once (delivered, then fetched by a backfill),
	// so the hits of a remote post are at least one.
	home := map[string]testrig.Status{}
	testrig.Eventually(t, "bob's posts on alpha", func() error {
		hits := contentRuleHits(t, a, tok)
		for _, st := range alice.Home(nil) {
			home[st.URI] = st
		}
		if len(home) < len(posts) || hits["forbidden"] < 1 {
			return fmt.Errorf("%d of %d posts at home, %v hits", len(home), len(posts), hits)
		}
		return nil
	})
	for _, st := range home {
		if strings.Contains(st.Content, "forbidden") {
			t.Fatalf("the rejected post arrived: %+v", st)
		}
	}
	if st := home[posts["some gore"].URI]; !st.Sensitive {
		t.Errorf("not sensitive: %+v", st)
	}
	unlisted := home[posts["buy now"].URI]
	if unlisted.Visibility != "unlisted" || home[posts["a walk"].URI].Visibility != "public" {
		t.Errorf("visibility: %s, and %s", unlisted.Visibility, home[posts["a walk"].URI].Visibility)
	}
	if ids := publicTimelineIDs(a, t, url.Values{"remote": {"true"}}); slices.Contains(ids, unlisted.ID) ||
		!slices.Contains(ids, home[posts["a walk"].URI].ID) {
		t.Errorf("alpha's public timeline: %v (unlisted %s)", ids, unlisted.ID)
	}
	testrig.Eventually(t, "the report of the suspicious post", func() error { // filed after the post is stored
		reps := a.Must(a.Do("GET", "/api/v1/admin/reports", tok, nil), 200).List(t)
		if len(reps) != 1 {
			return fmt.Errorf("%d reports", len(reps))
		}
		if reps[0]["target_account"].(map[string]any)["id"] != bobID ||
			reps[0]["account"].(map[string]any)["id"] != mod.ID || reps[0]["forwarded"] != false {
			t.Fatalf("report: %v", reps[0])
		}
		return nil
	})

	// A refused edit leaves the post as it was.
	walk := posts["a walk"]
	bob.Edit(walk.ID, "a walk on trampled grass")
	testrig.Eventually(t, "the edit screened", func() error {
		if hits := contentRuleHits(t, a, tok); hits["trampled"] < 1 {
			return fmt.Errorf("hits %v", hits)
		}
		return nil
	})
	if st := alice.Status(home[walk.URI].ID); st.Content != home[walk.URI].Content || st.EditedAt != nil {
		t.Fatalf("a refused edit was applied: %+v", st)
	}
}
