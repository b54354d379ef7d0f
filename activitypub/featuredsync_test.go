package activitypub_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestFeaturedCollectionsSynced: bob on beta pins a post beyond the 20 a backfill
// reads and features two tags before anyone on alpha knows him; once alice finds and
// follows him, alpha shows his pin and his featured tags (read from his featured and
// featuredTags collections), and then hears of a tag featured and one removed.
func TestFeaturedCollectionsSynced(t *testing.T) {
	a, b, alice, bob := pair(t)
	betaDomain := b.Nodes[0].Config().Domain
	old := bob.PostStatus("an old post worth pinning")
	for i := range 20 {
		bob.PostStatus(fmt.Sprintf("filler %d", i))
	}
	bob.Act(old.ID, "pin")
	b.Must(bob.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"#Cats"}}), 200)
	dogs := b.Must(bob.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"dogs"}}), 200).Object(t)

	coll := b.Must(b.Do("GET", "/users/bob/collections/tags", "", nil), 200).Object(t)
	if coll["type"] != "Collection" || coll["totalItems"] != float64(2) {
		t.Fatalf("bob's featuredTags collection: %v", coll)
	}

	bobOnA := resolve(t, a, alice, "@bob@"+betaDomain)
	followRemote(t, a, alice, bobOnA)
	onAlpha := alice.On(a.With(t))
	featured := func() []string {
		var names []string
		for _, f := range a.Must(onAlpha.Do("GET", "/api/v1/accounts/"+bobOnA+"/featured_tags", nil), 200).List(t) {
			names = append(names, fmt.Sprint(f["name"]))
		}
		slices.Sort(names)
		return names
	}
	testrig.Eventually(t, "bob's pin and featured tags on alpha", func() error {
		pins := testrig.StatusURIs(onAlpha.AccountStatuses(bobOnA, url.Values{"pinned": {"true"}}))
		if len(pins) != 1 || pins[0] != old.URI {
			return fmt.Errorf("pinned %v", pins)
		}
		if got := featured(); !slices.Equal(got, []string{"cats", "dogs"}) {
			return fmt.Errorf("featured tags %v", got)
		}
		return nil
	})

	b.Must(bob.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"birds"}}), 200)
	b.Must(bob.Do("DELETE", "/api/v1/featured_tags/"+fmt.Sprint(dogs["id"]), nil), 200)
	testrig.Eventually(t, "the Add and the Remove of featured tags on alpha", func() error {
		if got := featured(); !slices.Equal(got, []string{"birds", "cats"}) {
			return fmt.Errorf("featured tags %v", got)
		}
		return nil
	})
}
