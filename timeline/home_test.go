package timeline_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/timeline"
)

// TestHomeMerge runs testdata/home_merge: a home partition merged at read time with
// the recent posts of the authors it pulls (hybrid fan-out). Commands:
//
//	append account=A       input: one "STATUS by AUTHOR" per line; AppendHome
//	remove account=A status=S
//	pull account=A author=B [off]
//	posts author=B         input: the author's status ids, as Recent lists them
//	home account=A [limit=N] [max_id=S] [since_id=S] [min_id=S] [no-recent]
//	                       prints the page, "STATUS by AUTHOR" per line
//
// Recent is a fake that lists an author's posts the way the status service does:
// those inside the page, at most its limit, right after the cursor on a min_id page,
// newest first.
func TestHomeMerge(t *testing.T) {
	ctx := context.Background()
	svc := timeline.New(testStore(t), timeline.Options{})
	posts := map[shard.ID][]shard.ID{}
	recent := func(_ context.Context, _, author shard.ID, p paging.Page) ([]shard.ID, error) {
		var in []shard.ID
		for _, id := range posts[author] {
			if p.Within(id) {
				in = append(in, id)
			}
		}
		slices.Sort(in)
		if p.Forward() && len(in) > p.Limit {
			in = in[:p.Limit]
		}
		slices.Reverse(in)
		if len(in) > p.Limit {
			in = in[:p.Limit]
		}
		return in, nil
	}
	datadriven.RunTest(t, "testdata/home_merge", func(t *testing.T, d *datadriven.TestData) string {
		id := func(key string) shard.ID {
			var v uint64
			d.MaybeScanArgs(t, key, &v)
			return shard.ID(v)
		}
		switch d.Cmd {
		case "append":
			var entries []timeline.Entry
			for _, line := range lines(d.Input) {
				var st, author uint64
				if _, err := fmt.Sscanf(line, "%d by %d", &st, &author); err != nil {
					d.Fatalf(t, "entry %q: %v", line, err)
				}
				entries = append(entries, timeline.Entry{Account: id("account"), StatusID: shard.ID(st), Author: shard.ID(author)})
			}
			return errOrOK(svc.AppendHome(ctx, entries))
		case "remove":
			return errOrOK(svc.RemoveHome(ctx, id("account"), id("status")))
		case "pull":
			return errOrOK(svc.Pull(ctx, id("account"), id("author"), !d.HasArg("off")))
		case "posts":
			var ids []shard.ID
			for _, f := range strings.Fields(d.Input) {
				n, err := strconv.ParseUint(f, 10, 64)
				if err != nil {
					d.Fatalf(t, "post id %q: %v", f, err)
				}
				ids = append(ids, shard.ID(n))
			}
			posts[id("author")] = ids
			return "ok"
		case "home":
			p := paging.Page{MaxID: id("max_id"), SinceID: id("since_id"), MinID: id("min_id"), Limit: 20}
			d.MaybeScanArgs(t, "limit", &p.Limit)
			r := recent
			if d.HasArg("no-recent") {
				r = nil
			}
			entries, err := svc.Home(ctx, id("account"), p, r)
			if err != nil {
				return "error: " + err.Error()
			}
			var b strings.Builder
			for _, e := range entries {
				if e.Account != id("account") {
					d.Fatalf(t, "entry %+v of another account", e)
				}
				fmt.Fprintf(&b, "%d by %d\n", e.StatusID, e.Author)
			}
			if b.Len() == 0 {
				return "(empty)"
			}
			return b.String()
		default:
			d.Fatalf(t, "unknown command %q", d.Cmd)
			return ""
		}
	})
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func errOrOK(err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return "ok"
}
