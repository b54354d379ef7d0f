package moderation_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// TestAdminAccountDeletionErases deletes a suspended Alice who had a bit of
// everything: her data goes (off the request's path), the others' counters follow,
// her actor and WebFinger answer 410 Gone, and her username cannot be taken again.
func TestAdminAccountDeletionErases(t *testing.T) {
	f := newAdmin(t)
	c, alice, bob := f.c, f.alice, f.bob
	carol, dave, eve := c.Register("carol"), c.Register("dave"), c.Register("eve")
	img, err := os.ReadFile("../mediaproc/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	avatar, _ := c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "me.jpg", img), 200).Object(t)["avatar"].(string)
	var up struct{ ID, URL string }
	c.Must(c.DoMultipart("POST", "/api/v1/media", alice.Token, nil, "file", "beach.jpg", img), 200).JSON(t, &up)
	var loose struct{ ID, URL string }
	c.Must(c.DoMultipart("POST", "/api/v1/media", alice.Token, nil, "file", "left.jpg", img), 200).JSON(t, &loose)
	withMedia := alice.Post("a beach", "media_ids[]", up.ID)["id"].(string)
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"which?"}, "poll[options][]": {"a", "b"},
		"poll[expires_in]": {"3600"}}), 200)
	bobs := bob.Post("hello #herd")["id"].(string)
	alice.Act(bobs, "favourite")
	alice.Act(bobs, "bookmark")
	alice.Post("@bob secret", "visibility", "direct")
	alice.Follow(bob)
	bob.Follow(alice)
	carol.Follow(alice)
	alice.Relate(carol.ID, "mute")
	eve.Relate(alice.ID, "block")
	c.Must(dave.Do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"locked": {"true"}}), 200)
	alice.Follow(dave) // a request
	list := alice.CreateList("friends")
	alice.AddToList(list.ID, bob.ID)
	bobList := bob.CreateList("people")
	bob.AddToList(bobList.ID, alice.ID)
	alice.CreateFilter("no", "warn", []string{"home"}, []string{"nope"})
	c.Must(alice.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"herd"}}), 200)
	c.Must(alice.Do("POST", "/api/v1/tags/herd/follow", nil), 200)
	for _, u := range []string{avatar, up.URL, loose.URL} {
		if code := fetch(t, c, u); code != 200 {
			t.Fatalf("%s before: %d", u, code)
		}
	}

	f.post(t, "/api/v1/admin/accounts/"+alice.ID+"/action", url.Values{"type": {"suspend"}}, 200)
	c.Must(c.Do("DELETE", "/api/v1/admin/accounts/"+alice.ID, f.tok, nil), 200)

	n, ctx, id := c.Nodes[0], t.Context(), mustID(t, alice.ID)
	testrig.Eventually(t, "alice erased", func() error {
		if k, err := n.Statuses.CountAuthored(ctx, id); err != nil || k != 0 {
			return fmt.Errorf("statuses left: %d %v", k, err)
		}
		for _, u := range []string{avatar, up.URL, loose.URL} {
			if code := fetch(t, c, u); code != 404 {
				return fmt.Errorf("%s answers %d", u, code)
			}
		}
		if l, err := n.Lists.Of(ctx, id); err != nil || len(l) != 0 {
			return fmt.Errorf("lists left: %d %v", len(l), err)
		}
		if fs, err := n.Filters.Of(ctx, id); err != nil || len(fs) != 0 {
			return fmt.Errorf("filters left: %d %v", len(fs), err)
		}
		if ft, err := n.Hashtags.FeaturedTags(ctx, id); err != nil || len(ft) != 0 {
			return fmt.Errorf("featured tags left: %d %v", len(ft), err)
		}
		if ft, err := n.Hashtags.Followed(ctx, id, paging.Page{Limit: 10}); err != nil || len(ft) != 0 {
			return fmt.Errorf("followed tags left: %d %v", len(ft), err)
		}
		if cs, err := n.Conversations.Page(ctx, id, paging.Page{Limit: 10}); err != nil || len(cs) != 0 {
			return fmt.Errorf("conversations left: %d %v", len(cs), err)
		}
		if bs, err := n.Statuses.Bookmarks(ctx, id, paging.Page{Limit: 10}); err != nil || len(bs) != 0 {
			return fmt.Errorf("bookmarks left: %d %v", len(bs), err)
		}
		if r := alice.Do("GET", "/api/v1/accounts/verify_credentials", nil); r.Code != 401 {
			return fmt.Errorf("alice's token answers %d", r.Code)
		}
		return nil
	})

	// The others: counters, favourites, notifications, lists, blocks, requests.
	if a := bob.Account(bob.ID); a.FollowersCount != 0 || a.FollowingCount != 0 {
		t.Errorf("bob's counts: %d followers, %d following", a.FollowersCount, a.FollowingCount)
	}
	if a := carol.Account(carol.ID); a.FollowingCount != 0 {
		t.Errorf("carol follows %d", a.FollowingCount)
	}
	if st := bob.Status(bobs); st.FavouritesCount != 0 {
		t.Errorf("bob's post keeps %d favourites", st.FavouritesCount)
	}
	for _, nt := range bob.Notifications(nil) {
		if nt.Account.ID == alice.ID {
			t.Errorf("bob keeps a %s notification from alice", nt.Type)
		}
	}
	if l := bob.ListAccounts(bobList.ID, nil); len(l) != 0 {
		t.Errorf("bob's list keeps %v", testrig.AccountIDs(l))
	}
	if l := c.Must(eve.Do("GET", "/api/v1/blocks", nil), 200).List(t); len(l) != 0 {
		t.Errorf("eve's blocks: %v", l)
	}
	if l := c.Must(dave.Do("GET", "/api/v1/follow_requests", nil), 200).List(t); len(l) != 0 {
		t.Errorf("dave's follow requests: %v", l)
	}
	c.Must(bob.Do("GET", "/api/v1/statuses/"+withMedia, nil), 404)

	// The tombstone: suspended, its profile empty, for good.
	if a := c.Must(bob.Do("GET", "/api/v1/accounts/"+alice.ID, nil), 200).Object(t); a["suspended"] != true || a["display_name"] != "" {
		t.Errorf("alice's account: %v", a)
	}
	f.post(t, "/api/v1/admin/accounts/"+alice.ID+"/unsuspend", nil, 403)
	c.Must(c.DoWithHeader("GET", "/users/alice", "", nil, "Accept", "application/activity+json"), 410)
	c.Must(c.Do("GET", "/.well-known/webfinger", "", url.Values{"resource": {"acct:alice@" + n.Config().Domain}}), 410)
	r := c.Do("POST", "/api/v1/accounts", c.AppToken(), url.Values{"username": {"alice"}, "email": {"alice2@example.com"},
		"password": {"correct horse battery"}, "agreement": {"true"}, "locale": {"en"}})
	if r.Code != 422 || !strings.Contains(string(r.Body), "Username has already been taken") {
		t.Errorf("sign-up as alice again: %d %s", r.Code, r.Body)
	}
	c.Must(c.DoWithHeader("GET", "/users/bob", "", nil, "Accept", "application/activity+json"), 200)
}

func mustID(t *testing.T, s string) shard.ID {
	t.Helper()
	id, err := shard.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// fetch answers the status code of a GET of the path of u at the node.
func fetch(t *testing.T, c *testrig.Cluster, u string) int {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil || p.Path == "" {
		t.Fatalf("file URL %q: %v", u, err)
	}
	resp, err := http.Get(c.URL() + p.Path)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
