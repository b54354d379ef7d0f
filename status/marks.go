package status

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Marks are what one viewer did to one status.
type Marks struct{ Favourited, Reblogged, Bookmarked, Pinned, ThreadMuted bool }

// ViewerMarks returns the viewer's marks on sts, in order, in one pass: a multi-get
// per table, pins asked only of the viewer's own statuses (no other can be pinned by
// the viewer) and none at all when there are none.
func (s *Service) ViewerMarks(ctx context.Context, viewer shard.ID, sts []*Status) ([]Marks, error) {
	vb := viewer.Bytes() // shared by the keys, as each status's id is: the store only reads keys
	return s.readMarks(ctx, len(sts), func(i int) markKeys {
		st := sts[i]
		id := st.ID.Bytes()
		return markKeys{byStatus: store.Key{PK: id, CK: vb}, byViewer: store.Key{PK: vb, CK: id},
			thread: store.Key{PK: vb, CK: st.ThreadID.Bytes()}, own: st.AccountID == viewer}
	})
}

// MarksOf returns what ViewerMarks returns of st for each of viewers, in order,
// reading all the viewers at once: a multi-get per table, pins asked only of st's
// author. It is how a streamed status's viewers get their marks together.
func (s *Service) MarksOf(ctx context.Context, viewers []shard.ID, st *Status) ([]Marks, error) {
	id, thread := st.ID.Bytes(), st.ThreadID.Bytes()
	return s.readMarks(ctx, len(viewers), func(i int) markKeys {
		vb := viewers[i].Bytes()
		return markKeys{byStatus: store.Key{PK: id, CK: vb}, byViewer: store.Key{PK: vb, CK: id},
			thread: store.Key{PK: vb, CK: thread}, own: viewers[i] == st.AccountID}
	})
}

// markKeys are the keys of one viewer's marks on one status: favourites and
// reblogs by status, bookmarks and pins by viewer, thread mutes by viewer and
// thread; own says the status is the viewer's (only then can it be pinned).
type markKeys struct {
	byStatus, byViewer, thread store.Key
	own                        bool
}

// readMarks reads n (viewer, status) pairs' marks, a multi-get per table.
func (s *Service) readMarks(ctx context.Context, n int, keysOf func(i int) markKeys) ([]Marks, error) {
	out := make([]Marks, n)
	byStatus := make([]store.Key, n)
	byViewer := make([]store.Key, n)
	threads := make([]store.Key, n)
	var own []store.Key
	var ownAt []int
	for i := range n {
		k := keysOf(i)
		byStatus[i], byViewer[i], threads[i] = k.byStatus, k.byViewer, k.thread
		if k.own {
			own, ownAt = append(own, k.byViewer), append(ownAt, i)
		}
	}
	for _, q := range []struct {
		table string
		keys  []store.Key
		set   func(i int)
		at    []int // the pairs the keys are of, when not all in order
	}{
		{tFavs, byStatus, func(i int) { out[i].Favourited = true }, nil},
		{tReblogs, byStatus, func(i int) { out[i].Reblogged = true }, nil},
		{tBookmarks, byViewer, func(i int) { out[i].Bookmarked = true }, nil},
		{tThreadMutes, threads, func(i int) { out[i].ThreadMuted = true }, nil},
		{tPins, own, func(i int) { out[i].Pinned = true }, ownAt},
	} {
		if len(q.keys) == 0 {
			continue
		}
		vals, err := s.st.MultiGet(ctx, q.table, q.keys)
		if err != nil {
			return nil, fmt.Errorf("load %s marks: %w", q.table, err)
		}
		for j, v := range vals {
			if v == nil {
				continue
			}
			if q.at != nil {
				q.set(q.at[j])
			} else {
				q.set(j)
			}
		}
	}
	return out, nil
}
