package status_test

import (
	"context"
	"testing"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// TestMarksOf: the marks MarksOf reads for many viewers of a status at once are
// what ViewerMarks reads for each: favourites, reblogs, bookmarks, thread mutes,
// and pins, which only the author has.
func TestMarksOf(t *testing.T) {
	ctx := context.Background()
	st, lb, ids, accounts := engines(t)
	svc := status.New(st, lb, ids, accounts, visibility.New(accounts), noNotifier{}, plainFormatter{}, status.Options{})
	reg := func(name string) shard.ID {
		a, _, err := accounts.Register(ctx, account.Registration{Username: name, Email: name + "@example.com",
			Password: "long enough password", Agreement: true})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	author, fav, boost, mark, muter, plain := reg("author"), reg("fav"), reg("boost"), reg("mark"), reg("muter"), reg("plain")
	post, err := svc.Create(ctx, author, status.Post{Text: "marked", Visibility: status.Public})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() (*status.Status, error){
		func() (*status.Status, error) { return svc.Favourite(ctx, fav, post.ID, true) },
		func() (*status.Status, error) { return svc.Favourite(ctx, author, post.ID, true) },
		func() (*status.Status, error) { return svc.Reblog(ctx, boost, post.ID, status.Public) },
		func() (*status.Status, error) { return svc.Bookmark(ctx, mark, post.ID) },
		func() (*status.Status, error) { return svc.MuteThread(ctx, muter, post.ID, true) },
		func() (*status.Status, error) { return svc.Pin(ctx, author, post.ID) },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	viewers := []shard.ID{author, fav, boost, mark, muter, plain, fav}
	got, err := svc.MarksOf(ctx, viewers, post)
	if err != nil || len(got) != len(viewers) {
		t.Fatalf("MarksOf = %v, %v", got, err)
	}
	for i, v := range viewers {
		want, err := svc.ViewerMarks(ctx, v, []*status.Status{post})
		if err != nil {
			t.Fatal(err)
		}
		if got[i] != want[0] {
			t.Errorf("viewer %d: MarksOf %+v, ViewerMarks %+v", v, got[i], want[0])
		}
	}
	if want := (status.Marks{Favourited: true, Pinned: true}); got[0] != want {
		t.Errorf("the author's marks %+v, want %+v", got[0], want)
	}
	if got[5] != (status.Marks{}) || !got[4].ThreadMuted || !got[3].Bookmarked || !got[2].Reblogged || !got[6].Favourited {
		t.Errorf("marks %+v", got)
	}
}
