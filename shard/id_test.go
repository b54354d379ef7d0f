package shard

import (
	"sync"
	"testing"
	"time"
)

func TestGeneratorMonotonicAndUnique(t *testing.T) {
	fixed := time.UnixMilli(1_700_000_000_000)
	g, err := NewGenerator(3, DefaultNodeBits, func() time.Time { return fixed })
	if err != nil {
		t.Fatal(err)
	}
	var prev ID
	for i := 0; i < 5000; i++ { // more than one millisecond's sequence: borrows ahead
		id := g.Next()
		if id <= prev {
			t.Fatalf("id %d not above %d", id, prev)
		}
		if uint64(id)&0xff != 3 {
			t.Fatalf("id %d lost its node bits", id)
		}
		prev = id
	}
}

func TestGeneratorsOfTwoNodesNeverCollide(t *testing.T) {
	seen := sync.Map{}
	var wg sync.WaitGroup
	for node := 0; node < 2; node++ {
		g, _ := NewGenerator(node, DefaultNodeBits, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20000; i++ {
				if _, dup := seen.LoadOrStore(g.Next(), true); dup {
					t.Error("duplicate id")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestParseAndBytes(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"1", true}, {"109372843234", true}, {"", false}, {"-1", false}, {"12a", false}, {"999999999999999999999", false}} {
		id, err := Parse(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) err=%v", tc.in, err)
			continue
		}
		if tc.ok && (id.String() != tc.in || FromBytes(id.Bytes()) != id) {
			t.Errorf("round trip of %q failed", tc.in)
		}
	}
	if AtTime(time.UnixMilli(5)) != 5<<16 {
		t.Error("AtTime")
	}
}
