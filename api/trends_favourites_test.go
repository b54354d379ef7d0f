package api_test

import (
	"fmt"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestTrendingFavourites: a status that five accounts favourite, never boosted,
// becomes a candidate and trends once approved; favourites of a private status or
// of one behind a content warning count for nothing, though recorded; an
// unfavourite and a favourite again leave the status trending.
func TestTrendingFavourites(t *testing.T) {
	c := testrig.New(t)
	_, admin := c.RegisterModerator("mod")
	author := c.Register("author")
	liked := author.PostStatus("worth a favourite")
	hidden := author.PostStatus("for followers only", "visibility", "private")
	warned := author.PostStatus("behind a warning", "spoiler_text", "spoilers")
	for i := range 5 {
		fan := c.Register(fmt.Sprintf("fan%d", i))
		fan.Relate(author.ID, "follow")
		for _, id := range []string{liked.ID, hidden.ID, warned.ID} {
			fan.Act(id, "favourite")
		}
		if i == 0 {
			fan.Act(liked.ID, "unfavourite")
			fan.Act(liked.ID, "favourite")
		}
	}
	for _, id := range []string{liked.ID, hidden.ID, warned.ID} {
		if n := author.Status(id).FavouritesCount; n != 5 {
			t.Fatalf("status %s: %d favourites, want 5", id, n)
		}
	}

	statuses := eventuallyTrends(t, c, "/api/v1/admin/trends/statuses", admin, liked.ID)
	if !statuses[0].RequiresReview {
		t.Fatalf("admin view of the status: %+v", statuses[0])
	}
	if got, err := trendList(t, c, "/api/v1/trends/statuses", ""); err != nil || len(got) != 0 {
		t.Fatalf("trends unreviewed: %v %v", keysOf(got), err)
	}
	c.Must(c.Do("POST", "/api/v1/admin/trends/statuses/"+liked.ID+"/approve", admin, nil), 200)
	eventuallyTrends(t, c, "/api/v1/trends/statuses", "", liked.ID)
	// By now the other statuses' favourites have long been consumed too.
	eventuallyTrends(t, c, "/api/v1/admin/trends/statuses", admin, liked.ID)
}
