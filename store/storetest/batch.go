package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/herd-social/herd/store"
)

// batchTests cover Batch and ApplyEach. They never touch one row twice in a batch: the contract does
// not order the mutations of a batch (CQL gives them one timestamp).
var batchTests = []test{
	{"batch applies every kind of mutation", testBatchAll},
	{"batch with a bad mutation applies nothing", testBatchRejected},
	{"empty batch", func(t *testing.T, s store.Store, _ *Clock) {
		batch(t, s)
		if err := s.Batch(t.Context(), []store.Mutation{}); err != nil {
			t.Fatalf("Batch of no mutations: %v", err)
		}
	}},
	{"apply each applies row mutations across partitions", testApplyEach},
	{"apply each with a bad mutation applies nothing", testApplyEachRejected},
	{"delete partition of a counters table", func(t *testing.T, s store.Store, _ *Clock) {
		add(t, s, "p", "a", 3)
		add(t, s, "p", "b", 4)
		add(t, s, "q", "a", 5)
		batch(t, s, store.Mutation{Kind: store.DeletePartition, Table: Counts, PK: b("p")})
		if got := counters(t, s, "p", "a", "b"); got[0] != 0 || got[1] != 0 {
			t.Fatalf("counters after DeletePartition = %v, want [0 0]", got)
		}
		if got := counters(t, s, "q", "a"); got[0] != 5 {
			t.Fatalf("counter of another partition = %d, want 5", got[0])
		}
	}},
}

func testBatchAll(t *testing.T, s store.Store, _ *Clock) {
	put(t, s, RowsAsc, "p", "gone", "v")
	put(t, s, RowsDesc, "q", "1", "v")
	put(t, s, RowsDesc, "q", "2", "v")
	put(t, s, RowsDesc, "q\x00", "1", "neighbour")
	add(t, s, "c", "x", 10)
	batch(t, s,
		store.Mutation{Kind: store.Put, Table: RowsAsc, PK: b("p"), CK: b("new"), Value: b("n")},
		store.Mutation{Kind: store.Put, Table: RowsTTL, PK: b("p"), CK: b("new"), Value: b("t")},
		store.Mutation{Kind: store.Delete, Table: RowsAsc, PK: b("p"), CK: b("gone")},
		store.Mutation{Kind: store.Delete, Table: RowsAsc, PK: b("p"), CK: b("never-was")},
		store.Mutation{Kind: store.DeletePartition, Table: RowsDesc, PK: b("q")},
		store.Mutation{Kind: store.Add, Table: Counts, PK: b("c"), CK: b("x"), Delta: -3},
		store.Mutation{Kind: store.Add, Table: Counts, PK: b("c"), CK: b("y"), Delta: 7},
	)
	wantValue(t, s, RowsAsc, "p", "new", "n")
	wantValue(t, s, RowsTTL, "p", "new", "t")
	wantMissing(t, s, RowsAsc, "p", "gone")
	if rows := scan(t, s, RowsDesc, "q", store.Range{}); len(rows) != 0 {
		t.Fatalf("partition after DeletePartition has %d rows", len(rows))
	}
	wantValue(t, s, RowsDesc, "q\x00", "1", "neighbour")
	if got := counters(t, s, "c", "x", "y"); got[0] != 7 || got[1] != 7 {
		t.Fatalf("counters after batch = %v, want [7 7]", got)
	}
}

func testBatchRejected(t *testing.T, s store.Store, _ *Clock) {
	put(t, s, RowsAsc, "p", "kept", "v")
	for _, bad := range []store.Mutation{
		{Kind: store.Put, Table: "no_such_table", PK: b("p"), CK: b("c")},
		{Kind: store.Add, Table: RowsAsc, PK: b("p"), CK: b("c"), Delta: 1},
	} {
		err := s.Batch(t.Context(), []store.Mutation{
			{Kind: store.Put, Table: RowsAsc, PK: b("p"), CK: b("new"), Value: b("v")},
			{Kind: store.Delete, Table: RowsAsc, PK: b("p"), CK: b("kept")},
			{Kind: store.Add, Table: Counts, PK: b("p"), CK: b("c"), Delta: 1},
			bad,
		})
		if err == nil {
			t.Fatalf("Batch with %+v succeeded", bad)
		}
		if bad.Table == "no_such_table" && !errors.Is(err, store.ErrUnknownTable) {
			t.Fatalf("Batch with an unknown table: %v, want ErrUnknownTable", err)
		}
		wantMissing(t, s, RowsAsc, "p", "new")
		wantValue(t, s, RowsAsc, "p", "kept", "v")
		if got := counters(t, s, "p", "c"); got[0] != 0 {
			t.Fatalf("counter after rejected batch = %d, want 0", got[0])
		}
	}
}

// conditionalTests cover PutIfAbsent.
var conditionalTests = []test{
	{"put if absent: first wins", func(t *testing.T, s store.Store, _ *Clock) {
		wantPutIfAbsent(t, s, RowsAsc, "p", "c", "first", true, "")
		wantPutIfAbsent(t, s, RowsAsc, "p", "c", "second", false, "first")
		wantValue(t, s, RowsAsc, "p", "c", "first")
		put(t, s, RowsAsc, "p", "c", "")
		wantPutIfAbsent(t, s, RowsAsc, "p", "c", "third", false, "")
	}},
	{"put if absent after delete", func(t *testing.T, s store.Store, _ *Clock) {
		put(t, s, RowsDesc, "p", "c", "old")
		if err := s.Delete(t.Context(), RowsDesc, b("p"), b("c")); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		wantPutIfAbsent(t, s, RowsDesc, "p", "c", "new", true, "")
		wantValue(t, s, RowsDesc, "p", "c", "new")
	}},
	{"put if absent: concurrent racers, one winner", testPutIfAbsentRace},
}

func wantPutIfAbsent(t *testing.T, s store.Store, table, pk, ck, value string, wantWrote bool, wantExisting string) {
	t.Helper()
	wrote, existing, err := s.PutIfAbsent(t.Context(), table, b(pk), b(ck), b(value), 0)
	if err != nil {
		t.Fatalf("PutIfAbsent(%q): %v", value, err)
	}
	if wrote != wantWrote || string(existing) != wantExisting {
		t.Fatalf("PutIfAbsent(%q) = %v, %q, want %v, %q", value, wrote, existing, wantWrote, wantExisting)
	}
	if !wrote && existing == nil {
		t.Fatalf("PutIfAbsent(%q) lost and returned a nil existing value", value)
	}
}

func testPutIfAbsentRace(t *testing.T, s store.Store, _ *Clock) {
	const racers = 16
	for round := range 10 {
		ck := fmt.Sprint(round)
		var wg sync.WaitGroup
		start := make(chan struct{})
		wrote := make([]bool, racers)
		existing := make([][]byte, racers)
		errs := make([]error, racers)
		for i := range racers {
			wg.Go(func() {
				<-start
				wrote[i], existing[i], errs[i] = s.PutIfAbsent(t.Context(), RowsAsc, b("race"), b(ck), b(fmt.Sprint(i)), 0)
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i := range racers {
			if errs[i] != nil {
				t.Fatalf("racer %d: %v", i, errs[i])
			}
			if wrote[i] {
				if winner >= 0 {
					t.Fatalf("racers %d and %d both won", winner, i)
				}
				winner = i
			}
		}
		if winner < 0 {
			t.Fatal("no racer won")
		}
		for i := range racers {
			if !wrote[i] && string(existing[i]) != fmt.Sprint(winner) {
				t.Fatalf("racer %d saw %q, want the winner's %d", i, existing[i], winner)
			}
		}
		wantValue(t, s, RowsAsc, "race", ck, fmt.Sprint(winner))
	}
}

func testApplyEach(t *testing.T, s store.Store, _ *Clock) {
	put(t, s, RowsAsc, "p", "gone", "v")
	put(t, s, RowsDesc, "q", "1", "v")
	muts := []store.Mutation{
		{Kind: store.Delete, Table: RowsAsc, PK: b("p"), CK: b("gone")},
		{Kind: store.Put, Table: RowsAsc, PK: b("p"), CK: b("new"), Value: b("n")},
		{Kind: store.Put, Table: RowsTTL, PK: b("p"), CK: b("new"), Value: b("t")},
		{Kind: store.DeletePartition, Table: RowsDesc, PK: b("q")},
	}
	// Many partitions, more than an engine writes at once.
	for i := range 300 {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: RowsDesc, PK: b(fmt.Sprint("home", i)), CK: b("s"), Value: b(fmt.Sprint(i))})
	}
	if err := s.ApplyEach(t.Context(), muts); err != nil {
		t.Fatalf("ApplyEach: %v", err)
	}
	wantMissing(t, s, RowsAsc, "p", "gone")
	wantValue(t, s, RowsAsc, "p", "new", "n")
	wantValue(t, s, RowsTTL, "p", "new", "t")
	if rows := scan(t, s, RowsDesc, "q", store.Range{}); len(rows) != 0 {
		t.Fatalf("partition after DeletePartition has %d rows", len(rows))
	}
	for i := range 300 {
		wantValue(t, s, RowsDesc, fmt.Sprint("home", i), "s", fmt.Sprint(i))
	}
	if err := s.ApplyEach(t.Context(), nil); err != nil {
		t.Fatalf("ApplyEach of no mutations: %v", err)
	}
}

func testApplyEachRejected(t *testing.T, s store.Store, _ *Clock) {
	put(t, s, RowsAsc, "p", "kept", "v")
	for _, bad := range []store.Mutation{
		{Kind: store.Put, Table: "no_such_table", PK: b("p"), CK: b("c")},
		{Kind: store.Add, Table: Counts, PK: b("p"), CK: b("c"), Delta: 1},
		{Kind: store.Delete, Table: Counts, PK: b("p"), CK: b("c")},
	} {
		err := s.ApplyEach(t.Context(), []store.Mutation{
			{Kind: store.Put, Table: RowsAsc, PK: b("p"), CK: b("new"), Value: b("v")},
			{Kind: store.Delete, Table: RowsAsc, PK: b("p"), CK: b("kept")},
			{Kind: store.Put, Table: RowsAsc, PK: b("other"), CK: b("new"), Value: b("v")},
			bad,
		})
		if err == nil {
			t.Fatalf("ApplyEach with %+v succeeded", bad)
		}
		if bad.Table == "no_such_table" && !errors.Is(err, store.ErrUnknownTable) {
			t.Fatalf("ApplyEach with an unknown table: %v, want ErrUnknownTable", err)
		}
		if bad.Table == Counts && !errors.Is(err, store.ErrWrongKind) {
			t.Fatalf("ApplyEach with %+v: %v, want ErrWrongKind", bad, err)
		}
		wantValue(t, s, RowsAsc, "p", "kept", "v")
		wantMissing(t, s, RowsAsc, "p", "new")
		wantMissing(t, s, RowsAsc, "other", "new")
	}
}
