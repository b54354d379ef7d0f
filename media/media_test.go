package media_test

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herd-social/herd/blob"
	blobfs "github.com/herd-social/herd/blob/fs"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

// rig is a media service on the test shape's store and event log, files in a temp
// directory, with a clock the test moves.
type rig struct {
	svc   *media.Service
	st    store.Store
	files blob.Store
	now   *atomic.Int64
}

func newRig(t *testing.T) rig { return newRigWith(t, media.Options{}) }

// newRigWith is newRig with the options opts sets (but the clock and files URL).
func newRigWith(t *testing.T, opts media.Options) rig {
	e := testrig.NewEngines(t)
	files, err := blobfs.Open(blobfs.Options{Dir: t.TempDir(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { files.Close() })
	ids, _ := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	now := &atomic.Int64{}
	now.Store(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC).UnixNano())
	st := e.OpenStore(media.Schema()...)
	opts.FilesURL, opts.Now = "https://example.com/system/", func() time.Time { return time.Unix(0, now.Load()) }
	svc, err := media.New(st, files, e.OpenBus(), ids, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rig{svc: svc, st: st, files: files, now: now}
}

func (r rig) uploaded(t *testing.T, account shard.ID) *media.Attachment {
	t.Helper()
	img, err := os.ReadFile("../mediaproc/testdata/alpha.png")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := r.svc.Upload(ctx, account, img, media.Upload{Description: "dots"})
	if err == nil {
		err = r.svc.Process(ctx, a.ID)
	}
	if err == nil {
		a, err = r.svc.Get(ctx, a.ID)
	}
	if err != nil || !a.Processed {
		t.Fatalf("upload: %+v, %v", a, err)
	}
	return a
}

// TestAttachAndPrune: attachments are attached once, by their owner, when processed;
// a deleted status lets go of them; what no status holds for a day is removed with
// its files.
func TestAttachAndPrune(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	const ann, bob, st1, st2 = shard.ID(1), shard.ID(2), shard.ID(100), shard.ID(200)
	kept, dropped := r.uploaded(t, ann), r.uploaded(t, ann)
	var v *media.Validation
	if _, err := r.svc.Attach(ctx, bob, []shard.ID{kept.ID}, st1); !errors.As(err, &v) {
		t.Fatalf("bob attaches ann's upload: %v", err)
	}
	as, err := r.svc.Attach(ctx, ann, []shard.ID{kept.ID}, st1)
	if err == nil {
		var marks []store.Mutation
		if marks, err = media.Marks(as, st1); err == nil {
			err = r.st.Batch(ctx, marks) // as the status's batch writes them
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Attach(ctx, ann, []shard.ID{kept.ID}, st2); !errors.As(err, &v) {
		t.Fatalf("attached to a second status: %v", err)
	}
	if u := r.svc.FileURL(kept.Original.Key); u != "https://example.com/system/"+kept.Original.Key {
		t.Fatalf("file URL %s", u)
	}
	prune := func(after time.Duration, want int) {
		t.Helper()
		r.now.Add(int64(after))
		if n, err := r.svc.PruneUnattached(ctx); err != nil || n != want {
			t.Fatalf("prune after %s: %d, %v; want %d", after, n, err, want)
		}
	}
	prune(23*time.Hour, 0)
	prune(2*time.Hour, 1) // dropped: never attached
	if _, err := r.svc.Get(ctx, dropped.ID); !errors.Is(err, media.ErrNotFound) {
		t.Fatalf("dropped: %v", err)
	}
	if _, err := r.files.Stat(ctx, dropped.Original.Key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("dropped's file: %v", err)
	}
	if err := r.svc.Release(ctx, []shard.ID{kept.ID}, true); err != nil {
		t.Fatal(err)
	}
	prune(12*time.Hour, 0) // released for a redraft: a day from its release
	prune(13*time.Hour, 1)
}
