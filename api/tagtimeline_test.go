package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// sameIDs checks a page's ids against the ids wanted, in order.
func sameIDs(got []string, want ...string) error {
	if !slices.Equal(got, want) {
		return fmt.Errorf("got %v, want %v", got, want)
	}
	return nil
}

// The hashtag timeline's any[] merges other hashtags' timelines newest first without
// duplicates, all[] and none[] narrow it by the statuses' tags; each takes four
// names at most (any[] counting the path's), normalised, and ignores the rest and
// the names no hashtag can have. Paging walks the merged timeline.
func TestTagTimelineAnyAllNone(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	cats := alice.PostStatus("#cats").ID
	dogs := bob.PostStatus("#dogs").ID
	both := alice.PostStatus("#cats and #Dogs").ID
	birds := bob.PostStatus("#birds").ID
	catsBirds := alice.PostStatus("#cats with #birds").ID
	fish := bob.PostStatus("#fish").ID
	ants := alice.PostStatus("#ants").ID
	get := func(path string) []string { return timelineIDs(t, c, nil, path) }

	// A status enters the public and hashtag timelines in one batch.
	testrig.Eventually(t, "the public timeline", func() error {
		return want(get("/api/v1/timelines/public"), []string{cats, dogs, both, birds, catsBirds, fish, ants}, nil)
	})
	union := "/api/v1/timelines/tag/cats?any[]=DOGS&any[]=%23birds"
	if err := sameIDs(get(union), catsBirds, birds, both, dogs, cats); err != nil {
		t.Fatalf("any[] merges the tags' timelines: %v", err)
	}
	for path, want := range map[string][]string{
		"/api/v1/timelines/tag/cats?all[]=dogs":                  {both},
		"/api/v1/timelines/tag/cats?none[]=Dogs":                 {catsBirds, cats},
		"/api/v1/timelines/tag/cats?any[]=dogs&none[]=birds":     {both, dogs, cats},
		"/api/v1/timelines/tag/cats?any[]=dogs&all[]=birds":      {catsBirds},
		"/api/v1/timelines/tag/dogs?any=cats&all=cats&none=fish": {catsBirds, both, cats},
		// Four names per mode: the path's and three of any[]; fish comes fifth.
		"/api/v1/timelines/tag/cats?any[]=dogs&any[]=birds&any[]=ants&any[]=fish": {ants, catsBirds, birds, both, dogs, cats},
		"/api/v1/timelines/tag/cats?any[]=dogs&any[]=birds&any[]=fish":            {fish, catsBirds, birds, both, dogs, cats},
		// dogs, the fifth name of none[], excludes nothing.
		"/api/v1/timelines/tag/cats?none[]=a&none[]=b&none[]=c&none[]=d&none[]=dogs": {catsBirds, both, cats},
		// Names no hashtag can have are ignored.
		"/api/v1/timelines/tag/cats?any[]=%E2%98%85&all[]=-&none[]=%20": {catsBirds, both, cats},
		"/api/v1/timelines/tag/cats?any[]=dogs&remote=true":             {},
		"/api/v1/timelines/tag/cats?any[]=dogs&local=true&limit=2":      {catsBirds, both},
	} {
		if err := sameIDs(get(path), want...); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}

	// Link pages walk the merged timeline, keeping any[], both ways.
	anon := c.Anonymous()
	if err := sameIDs(walk(t, anon, union+"&limit=2", testrig.StatusIDs), catsBirds, birds, both, dogs, cats); err != nil {
		t.Fatalf("walking any[]: %v", err)
	}
	if err := sameIDs(get(union+"&limit=2&min_id="+cats), both, dogs); err != nil {
		t.Fatalf("min_id page: %v", err)
	}
	if err := sameIDs(get(union+"&limit=2&since_id="+cats), catsBirds, birds); err != nil {
		t.Fatalf("since_id page: %v", err)
	}
	if err := sameIDs(get(union+"&max_id="+both), dogs, cats); err != nil {
		t.Fatalf("max_id page: %v", err)
	}
	cafe := alice.PostStatus("#Café").ID
	testrig.Eventually(t, "an escaped path", func() error {
		return sameIDs(get("/api/v1/timelines/tag/caf%C3%A9?any[]=fish"), cafe, fish)
	})
	for _, bad := range []string{"-", "%E2%98%85", "%23%2D"} {
		if r := c.Do("GET", "/api/v1/timelines/tag/"+bad+"?any[]=cats", "", nil); r.Code != 404 {
			t.Fatalf("a path no hashtag can have, %s: %d %s", bad, r.Code, r.Body)
		}
	}
}

// An account's statuses tagged with a hashtag: its own statuses carrying it (not
// its boosts), normalised, paged, with pins narrowed the same way; a name no
// hashtag can have matches nothing.
func TestAccountStatusesTagged(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	first := alice.PostStatus("#Cats first").ID
	alice.PostStatus("no tag at all")
	plain := alice.PostStatus("untagged again").ID
	both := alice.PostStatus("#cats and #dogs").ID
	dogs := alice.PostStatus("#dogs only").ID
	secret := alice.PostStatus("#cats for followers", "visibility", "private").ID
	alice.Act(bob.PostStatus("bob's #cats").ID, "reblog")
	for range 5 {
		alice.PostStatus("filler")
	}
	path := "/api/v1/accounts/" + alice.ID + "/statuses?tagged="
	get := func(u *testrig.User, tag string) []string { return timelineIDs(t, c, u, path+tag) }

	testrig.Eventually(t, "tagged statuses", func() error { return sameIDs(get(nil, "CATS"), both, first) })
	if err := sameIDs(get(nil, "%23dogs"), dogs, both); err != nil {
		t.Fatalf("tagged=#dogs: %v", err)
	}
	if err := sameIDs(get(alice, "cats"), secret, both, first); err != nil {
		t.Fatalf("alice's own, private included: %v", err)
	}
	if err := sameIDs(walk(t, bob, path+"cats&limit=1", testrig.StatusIDs), both, first); err != nil {
		t.Fatalf("walking tagged pages: %v", err)
	}
	if err := sameIDs(get(nil, "cats&min_id="+first), both); err != nil {
		t.Fatalf("min_id page: %v", err)
	}
	if ids := get(nil, ""); len(ids) < 10 {
		t.Fatalf("a blank tagged filters nothing: %v", ids)
	}
	for _, tag := range []string{"%E2%98%85", "-", "nosuchtag"} {
		if ids := get(nil, tag); len(ids) != 0 {
			t.Fatalf("tagged=%s: %v", tag, ids)
		}
	}
	alice.Act(first, "pin")
	alice.Act(plain, "pin")
	if err := sameIDs(get(nil, "cats&pinned=true"), first); err != nil {
		t.Fatalf("pinned and tagged: %v", err)
	}
	if ids := timelineIDs(t, c, nil, "/api/v1/accounts/"+alice.ID+"/statuses?"+url.Values{"tagged": {"dogs"}, "exclude_replies": {"true"}}.Encode()); !slices.Equal(ids, []string{dogs, both}) {
		t.Fatalf("tagged with exclude_replies: %v", ids)
	}
}
