package storetest

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/herd-social/herd/store"
)

// dumpTests cover store.Dumper, for the engines that have it.
var dumpTests = []test{
	{"dump reads every live row of a table, page by page", func(t *testing.T, s store.Store, c *Clock) {
		d, ok := s.(store.Dumper)
		if !ok {
			t.Skip("the engine has no Dump")
		}
		tm := timingFor(c)
		want := map[string]map[string]string{RowsAsc: {}, RowsDesc: {}, RowsTTL: {}, Counts: {}}
		for i := range 7 {
			pk, ck := fmt.Sprintf("p%d\x00", i%3), fmt.Sprintf("c\xff%d", i)
			for _, table := range []string{RowsAsc, RowsDesc} {
				put(t, s, table, pk, ck, "v"+ck)
				want[table][pk+"|"+ck] = "v" + ck
			}
			add(t, s, pk, ck, int64(i+1))
			want[Counts][pk+"|"+ck] = fmt.Sprint(i + 1)
		}
		put(t, s, RowsAsc, "gone", "", "x")
		if err := s.Delete(t.Context(), RowsAsc, b("gone"), b("")); err != nil {
			t.Fatal(err)
		}
		put(t, s, RowsAsc, "empty", "", "")
		want[RowsAsc]["empty|"] = ""
		putTTL(t, s, RowsTTL, "t", "short", "s", tm.ttl)
		putTTL(t, s, RowsTTL, "t", "long", "l", 0) // the table's default
		want[RowsTTL]["t|long"] = "l"
		c.Advance(tm.ttl + tm.margin)
		for table, rows := range want {
			got := map[string]string{}
			var cursor []byte
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatalf("Dump(%s) did not end after %d pages", table, pages)
				}
				page, err := d.Dump(t.Context(), table, cursor, 2)
				if err != nil {
					t.Fatalf("Dump(%s): %v", table, err)
				}
				for _, r := range page.Rows {
					checkDumpTTL(t, table, r, tm)
					v := string(r.Value)
					if table == Counts {
						v = fmt.Sprint(r.Counter)
					}
					got[string(r.PK)+"|"+string(r.CK)] = v
				}
				if cursor = page.Next; cursor == nil {
					break
				}
			}
			if !maps.Equal(got, rows) {
				t.Fatalf("Dump(%s) = %q, want %q", table, got, rows)
			}
		}
	}},
}

// checkDumpTTL checks the TTL a dumped row reports: the rest of RowsTTL's default
// in RowsTTL, none elsewhere.
func checkDumpTTL(t *testing.T, table string, r store.DumpRow, tm timing) {
	t.Helper()
	if table != RowsTTL {
		if r.TTL != 0 {
			t.Fatalf("Dump(%s) row %q has TTL %v, want none", table, r.PK, r.TTL)
		}
		return
	}
	// The default TTL, less the time advanced (and a second of rounding).
	if lo, hi := tm.def-tm.ttl-2*tm.margin-time.Second, tm.def; r.TTL < lo || r.TTL > hi {
		t.Fatalf("Dump(%s) row %q has TTL %v, want %v to %v", table, r.PK, r.TTL, lo, hi)
	}
}
