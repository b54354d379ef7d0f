package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/trends"
)

// TestTrendableAuthor: a status no moderator reviewed follows its author's review,
// as Mastodon's Account#trendable: an approved author's statuses trend, a rejected
// author's do not, and the status's own review comes first; requires_review is
// false once either is reviewed.
func TestTrendableAuthor(t *testing.T) {
	c := testrig.New(t)
	_, admin := c.RegisterModerator("mod")
	var users []*testrig.User
	for i := range 6 {
		users = append(users, c.Register(fmt.Sprintf("user%d", i)))
	}
	first := users[0].PostStatus("first, worth a boost")
	second := users[0].PostStatus("second, worth a boost")
	other := users[1].PostStatus("another author's")
	for _, u := range users[1:] {
		u.Act(first.ID, "reblog")
		u.Act(second.ID, "reblog")
	}
	for _, u := range append(users[:1:1], users[2:]...) {
		u.Act(other.ID, "reblog")
	}
	listed := eventuallyTrends(t, c, "/api/v1/admin/trends/statuses", admin, other.ID, second.ID, first.ID)
	for _, it := range listed {
		if !it.RequiresReview {
			t.Fatalf("%s before any review: %+v", it.ID, it)
		}
	}
	eventuallyTrends(t, c, "/api/v1/trends/statuses", "")

	ctx := context.Background()
	author, err := shard.Parse(users[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	svc := c.Nodes[0].Trends
	if _, err := svc.ReviewAccount(ctx, author, trends.Approved); err != nil {
		t.Fatal(err)
	}
	if st, err := svc.AccountReview(ctx, author); err != nil || st != trends.Approved {
		t.Fatalf("author's review: %v %v", st, err)
	}
	eventuallyTrends(t, c, "/api/v1/trends/statuses", "", second.ID, first.ID)
	listed = eventuallyTrends(t, c, "/api/v1/admin/trends/statuses", admin, other.ID, second.ID, first.ID)
	if !listed[0].RequiresReview || listed[1].RequiresReview || listed[2].RequiresReview {
		t.Fatalf("requires_review with the author approved: %+v", listed)
	}

	c.Must(c.Do("POST", "/api/v1/admin/trends/statuses/"+second.ID+"/reject", admin, nil), 200)
	eventuallyTrends(t, c, "/api/v1/trends/statuses", "", first.ID)

	if _, err := svc.ReviewAccount(ctx, author, trends.Rejected); err != nil {
		t.Fatal(err)
	}
	eventuallyTrends(t, c, "/api/v1/trends/statuses", "")
	c.Must(c.Do("POST", "/api/v1/admin/trends/statuses/"+first.ID+"/approve", admin, nil), 200)
	c.Must(c.Do("POST", "/api/v1/admin/trends/statuses/"+other.ID+"/approve", admin, nil), 200)
	eventuallyTrends(t, c, "/api/v1/trends/statuses", "", other.ID, first.ID)
	authors, err := svc.TrendingAuthors(ctx, 10)
	if err != nil || len(authors) != 2 || authors[0].String() != users[1].ID || authors[1] != author {
		t.Fatalf("trending authors %v %v, want %s and %s", authors, err, users[1].ID, author)
	}
}
