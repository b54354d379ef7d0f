package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/blob"
	blobfs "github.com/herd-social/herd/blob/fs"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/store/pebble"
	"github.com/herd-social/herd/transfer"
)

var schema = store.Schema{
	{Name: "rows_asc"},
	{Name: "rows_desc", Order: store.Desc},
	{Name: "rows_ttl", TTL: time.Hour},
	{Name: "counts", Kind: store.Counters},
}

// clock is a manual clock shared by both stores and the verification.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func open(t *testing.T, c *clock) *pebble.Store {
	t.Helper()
	s, err := pebble.Open(pebble.Options{Dir: t.TempDir(), Schema: schema, NoSync: true, Now: c.Now, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fill writes n rows in each rows table, n counters, and TTL rows that expire
// before, around and after a verification's margin.
func fill(t *testing.T, s store.Store, n int) {
	t.Helper()
	ctx := t.Context()
	for i := range n {
		pk, ck := fmt.Appendf(nil, "acct\x00%d", i%7), fmt.Appendf(nil, "%05d", i)
		for _, table := range []string{"rows_asc", "rows_desc"} {
			if err := s.Put(ctx, table, pk, ck, fmt.Appendf(nil, "value %d", i), 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Add(ctx, "counts", pk, ck, int64(i-n/2)); err != nil { // one is zero
			t.Fatal(err)
		}
	}
	for i, ttl := range []time.Duration{time.Minute, 30 * time.Minute, 0} {
		if err := s.Put(ctx, "rows_ttl", []byte("t"), []byte{byte(i)}, []byte("x"), ttl); err != nil {
			t.Fatal(err)
		}
	}
}

// verify checks that every table agrees and returns the checks.
func verify(t *testing.T, src, dst store.Dumper, c *clock) []transfer.TableCheck {
	t.Helper()
	checks, err := transfer.Verify(t.Context(), src, dst, schema, transfer.Options{PageSize: 7, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range checks {
		if !ch.OK() {
			t.Errorf("%s: source %+v, target %+v", ch.Table, ch.Source, ch.Target)
		}
	}
	return checks
}

var errCrash = errors.New("crash")

// TestCopyResumes stops a copy after some pages, as a crash would, resumes it from
// the saved state, copies a table again whole, and checks the two stores agree.
func TestCopyResumes(t *testing.T) {
	c := &clock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	src, dst := open(t, c), open(t, c)
	fill(t, src, 100)
	opts := transfer.Options{PageSize: 9}
	var saved transfer.State
	saves := 0
	crashAfter := func(n int) func(transfer.State) error {
		return func(st transfer.State) error {
			if saves++; saves > n {
				return errCrash // the page was written, its state not saved
			}
			saved = st
			return nil
		}
	}
	if _, err := transfer.CopyStore(t.Context(), src, dst, schema, transfer.State{}, crashAfter(30), opts); !errors.Is(err, errCrash) {
		t.Fatalf("CopyStore = %v, want the crash", err)
	}
	if saved.Tables["counts"].Rows == 0 || saved.Tables["counts"].Done {
		t.Fatalf("the crash came outside the counters: %+v", saved.Tables)
	}
	st, err := transfer.CopyStore(t.Context(), src, dst, schema, saved, crashAfter(1<<30), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range schema {
		if ts := st.Tables[table.Name]; !ts.Done {
			t.Fatalf("%s not done: %+v", table.Name, ts)
		}
	}
	// A counters table copied again from its start adds nothing.
	st.Tables["counts"] = transfer.TableState{}
	if _, err := transfer.CopyStore(t.Context(), src, dst, schema, st, crashAfter(1<<30), opts); err != nil {
		t.Fatal(err)
	}
	checks := verify(t, src, dst, c)
	want := map[string]int64{"rows_asc": 100, "rows_desc": 100, "counts": 99, "rows_ttl": 2}
	for _, ch := range checks {
		if ch.Source.Rows != want[ch.Table] {
			t.Errorf("%s: %d rows, want %d", ch.Table, ch.Source.Rows, want[ch.Table])
		}
	}
	// The TTL row still has its remaining time, not the table's default.
	page, err := dst.Dump(t.Context(), "rows_ttl", nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Rows {
		if r.CK[0] == 0 && r.TTL != time.Minute {
			t.Errorf("the row put with a TTL of a minute has %v left at the target", r.TTL)
		}
	}
}

// TestVerifyFindsDifferences changes one value, one counter and one row's absence at
// the target, and expects each table to disagree.
func TestVerifyFindsDifferences(t *testing.T) {
	c := &clock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	src, dst := open(t, c), open(t, c)
	fill(t, src, 20)
	if _, err := transfer.CopyStore(t.Context(), src, dst, schema, transfer.State{}, func(transfer.State) error { return nil }, transfer.Options{}); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	pk := []byte("acct\x003")
	if err := dst.Put(ctx, "rows_asc", pk, []byte("00003"), []byte("changed"), 0); err != nil {
		t.Fatal(err)
	}
	if err := dst.Add(ctx, "counts", pk, []byte("00003"), 1); err != nil {
		t.Fatal(err)
	}
	if err := dst.Delete(ctx, "rows_desc", pk, []byte("00003")); err != nil {
		t.Fatal(err)
	}
	checks, err := transfer.Verify(ctx, src, dst, schema, transfer.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, ch := range checks {
		if !ch.OK() {
			bad = append(bad, ch.Table)
		}
	}
	if got := strings.Join(bad, " "); got != "rows_asc rows_desc counts" {
		t.Fatalf("tables that disagree: %q, want rows_asc rows_desc counts", got)
	}
}

func TestCopyBlobs(t *testing.T) {
	ctx := context.Background()
	openFS := func() blob.Store {
		s, err := blobfs.Open(blobfs.Options{Dir: t.TempDir(), NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	src, dst := openFS(), openFS()
	for i := range 12 {
		body := strings.Repeat("x", i)
		if err := src.Put(ctx, fmt.Sprintf("media/%d/file.png", i), strings.NewReader(body), int64(i), "image/png"); err != nil {
			t.Fatal(err)
		}
	}
	// One object is there already, one is there with another size.
	if err := dst.Put(ctx, "media/3/file.png", strings.NewReader("xxx"), 3, "image/png"); err != nil {
		t.Fatal(err)
	}
	if err := dst.Put(ctx, "media/4/file.png", strings.NewReader("x"), 1, "image/png"); err != nil {
		t.Fatal(err)
	}
	if c, err := transfer.VerifyBlobs(ctx, src, dst); err != nil || c.OK() || c.Target.Objects != 1 {
		t.Fatalf("VerifyBlobs before the copy = %+v, %v; want 1 of 12 objects", c, err)
	}
	got, err := transfer.CopyBlobs(ctx, src, dst, transfer.Options{Parallel: 3})
	if err != nil || got.Objects != 11 {
		t.Fatalf("CopyBlobs = %+v, %v; want 11 objects copied", got, err)
	}
	c, err := transfer.VerifyBlobs(ctx, src, dst)
	if err != nil || !c.OK() || c.Source.Objects != 12 || c.Source.Bytes != 66 {
		t.Fatalf("VerifyBlobs = %+v, %v; want 12 objects of 66 bytes on both sides", c, err)
	}
	r, info, err := dst.Open(ctx, "media/7/file.png", blob.Range{})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if info.ContentType != "image/png" {
		t.Fatalf("copied object: %+v; want image/png", info)
	}
	if got, err := transfer.CopyBlobs(ctx, src, dst, transfer.Options{}); err != nil || got.Objects != 0 {
		t.Fatalf("CopyBlobs again = %+v, %v; want nothing copied", got, err)
	}
}
