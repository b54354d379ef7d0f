package activitypub_test

import (
	"fmt"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestTrendingLikes: a local status that five remote accounts Like, never boosted,
// becomes a trend candidate and trends once approved.
func TestTrendingLikes(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	_, admin := c.RegisterModerator("mod")
	alice := c.Register("alice")
	post := alice.PostStatus("liked far away")
	for i := range 5 {
		remote := newFakeRemote(t, fmt.Sprintf("remote%d", i))
		remote.post(t, c, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": remote.actorID() + "#likes/1", "type": "Like", "actor": remote.actorID(), "object": post.URI})
	}
	testrig.Eventually(t, "the status's five favourites", func() error {
		if n := alice.Status(post.ID).FavouritesCount; n != 5 {
			return fmt.Errorf("%d favourites", n)
		}
		return nil
	})

	trending := func(path, token string) error {
		r := c.Do("GET", path, token, nil)
		if r.Code != 200 {
			return fmt.Errorf("GET %s: %d %s", path, r.Code, r.Body)
		}
		var got []struct {
			ID string `json:"id"`
		}
		r.JSON(t, &got)
		if len(got) != 1 || got[0].ID != post.ID {
			return fmt.Errorf("%s lists %+v, want %s", path, got, post.ID)
		}
		return nil
	}
	testrig.Eventually(t, "the status among the candidates", func() error {
		return trending("/api/v1/admin/trends/statuses", admin)
	})
	c.Must(c.Do("POST", "/api/v1/admin/trends/statuses/"+post.ID+"/approve", admin, nil), 200)
	testrig.Eventually(t, "the status trending", func() error { return trending("/api/v1/trends/statuses", "") })
}
