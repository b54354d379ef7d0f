// Package searchtest is the conformance suite of the search contract: every engine
// (search/bleve, later Elasticsearch) runs Run from its own tests and must pass all of
// it. It must not depend on any engine.
package searchtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/search"
)

// Open returns an empty engine, on storage no other test shares; the suite closes it.
type Open func(t *testing.T) search.Engine

// Run runs the conformance suite, each case in its own subtest.
func Run(t *testing.T, open Open) {
	cases := []struct {
		name string
		run  func(*testing.T, search.Engine)
	}{
		{"IndexFindDelete", testIndexFindDelete},
		{"Update", testUpdate},
		{"EnglishStemming", testEnglish},
		{"GermanAndFrench", testGermanFrench},
		{"CJKBigrams", testCJK},
		{"FallbackField", testFallback},
		{"DetectedLanguage", testDetected},
		{"Privacy", testPrivacy},
		{"Filters", testFilters},
		{"PhrasesAndExclusions", testPhrasesExclusions},
		{"Paging", testPaging},
		{"Tags", testTags},
		{"Accounts", testAccounts},
		{"SimilarAccounts", testSimilar},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := open(t)
			t.Cleanup(func() { _ = e.Close() })
			c.run(t, e)
		})
	}
}

var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// pub is a public status by account 1 written at base plus id minutes.
func pub(id uint64, lang, text string) search.Status {
	return search.Status{ID: id, AccountID: 1, Text: text, Language: lang, Public: true,
		Readers: []uint64{1}, CreatedAt: base.Add(time.Duration(id) * time.Minute)}
}

func index(t *testing.T, e search.Engine, docs ...search.Status) {
	t.Helper()
	if err := e.IndexStatuses(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
}

func find(t *testing.T, e search.Engine, q search.StatusQuery) []uint64 {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 40
	}
	ids, err := e.Statuses(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// expect checks that q finds exactly want, in any order.
func expect(t *testing.T, e search.Engine, q search.StatusQuery, want ...uint64) {
	t.Helper()
	got := find(t, e, q)
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("query %+v found %v, want %v", q, got, want)
	}
}

func text(s string) search.StatusQuery { return search.StatusQuery{Text: s} }

func testIndexFindDelete(t *testing.T, e search.Engine) {
	index(t, e, pub(1, "en", "The quick brown fox"), pub(2, "en", "A lazy dog sleeps"))
	expect(t, e, text("fox"), 1)
	expect(t, e, text("FOX brown"), 1)
	expect(t, e, text("fox dog")) // every word must match
	expect(t, e, text("cat"))
	if err := e.DeleteStatuses(context.Background(), 1, 99); err != nil {
		t.Fatal(err)
	}
	expect(t, e, text("fox"))
	expect(t, e, text("dog"), 2)
}

func testUpdate(t *testing.T, e search.Engine) {
	index(t, e, pub(1, "en", "original words here"))
	index(t, e, pub(1, "en", "edited sentence now"))
	expect(t, e, text("original"))
	expect(t, e, text("edited"), 1)
}

func testEnglish(t *testing.T, e search.Engine) {
	index(t, e, pub(1, "en", "I was running to the houses"), pub(2, "en", "the and of"))
	expect(t, e, text("run"), 1)
	expect(t, e, text("runs house"), 1)
	expect(t, e, text("Running"), 1)
}

func testGermanFrench(t *testing.T, e search.Engine) {
	index(t, e, pub(1, "de", "Die Häuser stehen am Fluss"), pub(2, "fr", "Les chanteuses étaient heureuses"),
		pub(3, "en", "an unrelated english post"))
	expect(t, e, text("Haus"), 1)
	expect(t, e, text("hauser"), 1) // folding
	expect(t, e, text("chanteuse"), 2)
	expect(t, e, text("heureux etaient"), 2)
}

func testCJK(t *testing.T, e search.Engine) {
	index(t, e, pub(1, "ja", "今日は東京タワーに行きました"), pub(2, "zh", "我喜欢北京的秋天"), pub(3, "ko", "서울에서 만나요"))
	expect(t, e, text("東京"), 1)
	expect(t, e, text("北京"), 2)
	expect(t, e, text("만나요"), 3) // Hangul words stay whole
	expect(t, e, text("大阪"))
}

func testFallback(t *testing.T, e search.Engine) {
	index(t, e, pub(1, "", "Ümlaut café résumé"), pub(2, "xx", "zyzzyva words"))
	expect(t, e, text("cafe"), 1)
	expect(t, e, text("CAFÉ resume"), 1)
	expect(t, e, text("zyzzyva"), 2)
}

// testDetected: statuses without a language are indexed with the analyzer of the one
// detected from their text.
func testDetected(t *testing.T, e search.Engine) {
	index(t, e, pub(1, "", "Die Häuser stehen seit hundert Jahren am Ufer des Flusses"),
		pub(2, "", "We were running along the river when the rain started"),
		pub(3, "", "Les chanteuses étaient heureuses de revenir à Paris"))
	expect(t, e, text("Haus"), 1)
	expect(t, e, text("run"), 2)
	expect(t, e, text("chanteuse"), 3)
	expect(t, e, search.StatusQuery{Text: "Fluss", Language: "de"}, 1)
}

func testPrivacy(t *testing.T, e search.Engine) {
	open := pub(1, "en", "secret garden open")
	closed := search.Status{ID: 2, AccountID: 5, Text: "secret garden closed", Language: "en",
		Readers: []uint64{5, 6}, CreatedAt: base}
	other := search.Status{ID: 3, AccountID: 7, Text: "secret garden third", Language: "en",
		Readers: []uint64{7}, CreatedAt: base}
	index(t, e, open, closed, other)
	expect(t, e, text("garden"), 1)                                                      // anonymous
	expect(t, e, search.StatusQuery{Text: "garden", Viewer: 9}, 1)                       // a stranger
	expect(t, e, search.StatusQuery{Text: "garden", Viewer: 5}, 1, 2)                    // the author
	expect(t, e, search.StatusQuery{Text: "garden", Viewer: 6}, 1, 2)                    // a reader
	expect(t, e, search.StatusQuery{Text: "garden", Viewer: 9, Also: []uint64{3}}, 1, 3) // a favourite
	expect(t, e, search.StatusQuery{Text: "garden", Viewer: 5, LibraryOnly: true}, 2)
	expect(t, e, search.StatusQuery{Text: "garden", Viewer: 5, PublicOnly: true}, 1)
	expect(t, e, search.StatusQuery{Text: "garden", Also: []uint64{3}, LibraryOnly: true}, 3)
}

func testFilters(t *testing.T, e search.Engine) {
	yes, no := true, false
	a := pub(1, "en", "apple pie")
	b := pub(2, "fr", "apple tarte")
	b.AccountID, b.Reply, b.Media = 2, true, true
	c := pub(3, "en", "apple juice")
	c.Poll, c.Sensitive, c.Link = true, true, true
	d := pub(4, "en", "apple video")
	d.Link, d.Embed = true, true
	index(t, e, a, b, c, d)
	expect(t, e, search.StatusQuery{Text: "apple", Link: &yes}, 3, 4)
	expect(t, e, search.StatusQuery{Text: "apple", Embed: &yes}, 4)
	expect(t, e, search.StatusQuery{Text: "apple", Link: &no, Embed: &no}, 1, 2)
	expect(t, e, search.StatusQuery{Text: "apple", Accounts: []uint64{2}}, 2)
	expect(t, e, search.StatusQuery{Text: "apple", Accounts: []uint64{1, 2}}, 1, 2, 3, 4)
	expect(t, e, search.StatusQuery{Text: "apple", Language: "en"}, 1, 3, 4)
	expect(t, e, search.StatusQuery{Text: "apple", Reply: &yes}, 2)
	expect(t, e, search.StatusQuery{Text: "apple", Reply: &no}, 1, 3, 4)
	expect(t, e, search.StatusQuery{Text: "apple", Media: &yes}, 2)
	expect(t, e, search.StatusQuery{Text: "apple", Poll: &yes, Sensitive: &yes}, 3)
	expect(t, e, search.StatusQuery{Text: "apple", After: base.Add(time.Minute)}, 2, 3, 4)
	expect(t, e, search.StatusQuery{Text: "apple", Before: base.Add(3 * time.Minute)}, 1, 2)
	expect(t, e, search.StatusQuery{Accounts: []uint64{2}}, 2) // no text
	expect(t, e, search.StatusQuery{Text: "apple", MinID: 2}, 3, 4)
	expect(t, e, search.StatusQuery{Text: "apple", MaxID: 3}, 1, 2)
	expect(t, e, search.StatusQuery{Text: "apple", MinID: 1, MaxID: 4}, 2, 3)
}

func testPhrasesExclusions(t *testing.T, e search.Engine) {
	a := pub(1, "en", "The quick brown fox jumps")
	b := pub(2, "en", "A brown quick fox sleeps")
	c := pub(3, "de", "Der schnelle braune Fuchs")
	c.AccountID = 2
	d := pub(4, "", "fox and Café Crème together")
	index(t, e, a, b, c, d)
	expect(t, e, search.StatusQuery{Phrases: []string{"quick brown"}}, 1)
	expect(t, e, search.StatusQuery{Phrases: []string{"Quick  Brown fox"}}, 1)
	expect(t, e, search.StatusQuery{Phrases: []string{"cafe creme"}}, 4) // folded
	expect(t, e, search.StatusQuery{Phrases: []string{"fox brown"}})
	expect(t, e, search.StatusQuery{Text: "fox", Phrases: []string{"brown quick"}}, 2)
	expect(t, e, search.StatusQuery{Text: "fox", Exclude: []string{"sleeping"}}, 1, 4) // stemmed as the words
	expect(t, e, search.StatusQuery{Text: "fox", Exclude: []string{"quick brown"}}, 2, 4)
	expect(t, e, search.StatusQuery{Text: "fox", Exclude: []string{"brown", "creme"}})
	expect(t, e, search.StatusQuery{Text: "Fuchs fox", ExcludeAccounts: []uint64{1}})
	expect(t, e, search.StatusQuery{Text: "Fuchs", ExcludeAccounts: []uint64{1}}, 3)
	expect(t, e, search.StatusQuery{Text: "fox", ExcludeLanguages: []string{"EN"}}, 4)
	expect(t, e, search.StatusQuery{Accounts: []uint64{1}, Exclude: []string{"fox"}})
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) // statuses 1 to 4 are of its noon
	later := pub(5, "en", "fox of another day")
	later.CreatedAt = day.Add(24 * time.Hour)
	index(t, e, later)
	expect(t, e, search.StatusQuery{Text: "fox", ExcludeDays: []time.Time{day}}, 5)
	expect(t, e, search.StatusQuery{Text: "fox", ExcludeDays: []time.Time{day.Add(48 * time.Hour)}}, 1, 2, 4, 5)
}

func testPaging(t *testing.T, e search.Engine) {
	var docs []search.Status
	for i := uint64(1); i <= 25; i++ {
		docs = append(docs, pub(i, "en", "paging test word"))
	}
	index(t, e, docs...)
	var all []uint64
	for off := 0; off < 30; off += 10 {
		all = append(all, find(t, e, search.StatusQuery{Text: "word", Offset: off, Limit: 10})...)
	}
	if len(all) != 25 {
		t.Fatalf("pages found %d statuses, want 25", len(all))
	}
	seen := map[uint64]bool{}
	for _, id := range all {
		if seen[id] {
			t.Fatalf("status %d found twice across pages: %v", id, all)
		}
		seen[id] = true
	}
	if all[0] != 25 {
		t.Errorf("equal scores rank newest first, got %v", all)
	}
}

func testTags(t *testing.T, e search.Engine) {
	ctx := context.Background()
	if err := e.IndexTags(ctx, search.Tag{Name: "golang", Uses: 3}, search.Tag{Name: "gopher", Uses: 10},
		search.Tag{Name: "rust", Uses: 50}); err != nil {
		t.Fatal(err)
	}
	got, err := e.Tags(ctx, "go", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"gopher", "golang"}) {
		t.Errorf("prefix go found %v, want [gopher golang]", got)
	}
	if err := e.IndexTags(ctx, search.Tag{Name: "golang", Uses: 100}); err != nil {
		t.Fatal(err)
	}
	got, _ = e.Tags(ctx, "GO", 0, 10)
	if !slices.Equal(got, []string{"golang", "gopher"}) {
		t.Errorf("after an update prefix GO found %v, want [golang gopher]", got)
	}
	got, _ = e.Tags(ctx, "go", 1, 10)
	if !slices.Equal(got, []string{"gopher"}) {
		t.Errorf("offset 1 found %v", got)
	}
	// The exact name comes first, however little used.
	if err := e.IndexTags(ctx, search.Tag{Name: "go", Uses: 1}); err != nil {
		t.Fatal(err)
	}
	got, _ = e.Tags(ctx, "go", 0, 10)
	if !slices.Equal(got, []string{"go", "golang", "gopher"}) {
		t.Errorf("with an exact match prefix go found %v, want [go golang gopher]", got)
	}
}

func testAccounts(t *testing.T, e search.Engine) {
	ctx := context.Background()
	if err := e.IndexAccounts(ctx,
		search.Account{ID: 1, Username: "alice", DisplayName: "Alice Liddell", Discoverable: true},
		search.Account{ID: 2, Username: "alicorn", Domain: "remote.example", DisplayName: "Horn"},
		search.Account{ID: 3, Username: "bob", DisplayName: "Bob Martin"}); err != nil {
		t.Fatal(err)
	}
	q := func(s string) []uint64 {
		ids, err := e.Accounts(ctx, search.AccountQuery{Text: s, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := q("ali"); len(got) != 2 || !slices.Contains(got, 1) || !slices.Contains(got, 2) {
		t.Errorf("ali found %v, want 1 and 2", got)
	}
	if got := q("mart"); !slices.Equal(got, []uint64{3}) {
		t.Errorf("mart found %v, want [3]", got)
	}
	if got := q("@alicorn@remote"); !slices.Equal(got, []uint64{2}) {
		t.Errorf("@alicorn@remote found %v, want [2]", got)
	}
	// A typo: one edit in a word of three to five characters, two in a longer one.
	for typo, want := range map[string][]uint64{"alixe": {1}, "Lidell": {1}, "Maritn": {3}, "bpb": {3}, "bx": nil, "xyzzy": nil} {
		if got := q(typo); !slices.Equal(got, want) {
			t.Errorf("the typo %q found %v, want %v", typo, got, want)
		}
	}
	// Followed accounts rank above the others found, below an exact username.
	followed := func(text string, ids ...uint64) []uint64 {
		got, err := e.Accounts(ctx, search.AccountQuery{Text: text, Followed: ids, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := followed("ali"); len(got) != 2 || got[0] != 1 {
		t.Errorf("ali found %v, want the discoverable 1 first", got)
	}
	if got := followed("ali", 2, 3); !slices.Equal(got, []uint64{2, 1}) {
		t.Errorf("ali following 2 and 3 found %v, want [2 1]", got)
	}
	if got := followed("alice", 2); !slices.Equal(got, []uint64{1}) {
		t.Errorf("alice following 2 found %v, want [1]", got)
	}
	if err := e.IndexAccounts(ctx, search.Account{ID: 4, Username: "alise"}); err != nil {
		t.Fatal(err)
	}
	if got := followed("alice", 4); len(got) != 2 || got[0] != 1 {
		t.Errorf("alice following alise (a typo away) found %v, want the exact username first", got)
	}
	if err := e.DeleteAccounts(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if got := q("bob"); len(got) != 0 {
		t.Errorf("deleted account found: %v", got)
	}
}

// testSimilar: the words the liked bios use twice or more together, found in five
// bios or more, find the discoverable accounts that are not bots nor excluded; a word
// used once (compost, my) or in too few bios (seedlings) finds nothing; an English
// stem finds its other forms (tomatoes, tomato).
func testSimilar(t *testing.T, e search.Engine) {
	ctx := context.Background()
	bio := func(id uint64, note string, discoverable bool) search.Account {
		return search.Account{ID: id, Username: fmt.Sprintf("user%d", id), Note: note, Discoverable: discoverable}
	}
	bot := bio(5, "Greenhouse tomatoes, hourly", true)
	bot.Bot = true
	if err := e.IndexAccounts(ctx,
		bio(1, "Tomatoes, compost, seedlings: my greenhouse", true),
		bio(2, "Every summer: greenhouse tomatoes, seedlings", true),
		bio(3, "Growing tomatoes under glass", true),
		bio(4, "A greenhouse by the sea", true),
		bot,
		bio(6, "Greenhouse tomatoes for sale", false),
		bio(7, "Trains, timetables, compost", true),
		bio(8, "My greenhouse: tomatoes, trains", true),
		bio(9, "Seedlings", true),
		bio(10, "Tomatoes grown under a greenhouse roof", true),
		bio(13, "One tomato", true),
		bio(11, "Tomatoes", true)); err != nil {
		t.Fatal(err)
	}
	similar := func(like, exclude []uint64) []uint64 {
		t.Helper()
		got, err := e.SimilarAccounts(ctx, search.SimilarQuery{Like: like, Exclude: exclude, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		return got
	}
	if got, want := similar([]uint64{1, 2}, []uint64{10}), []uint64{3, 4, 8, 11, 13}; !slices.Equal(got, want) {
		t.Errorf("like 1 and 2, without 10: %v, want %v", got, want)
	}
	// One bio uses each word once: none is kept.
	if got := similar([]uint64{1}, nil); len(got) != 0 {
		t.Errorf("like 1 alone: %v, want none", got)
	}
	// Verified ranks first among equals.
	v := bio(12, "Tomatoes grown under a greenhouse roof", true)
	v.Verified = true
	if err := e.IndexAccounts(ctx, v); err != nil {
		t.Fatal(err)
	}
	got, err := e.SimilarAccounts(ctx, search.SimilarQuery{Like: []uint64{1, 2}, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || got[0] != 12 {
		t.Errorf("like 1 and 2: %v, want 7 with the verified 12 first", got)
	}
	if got := similar(nil, nil); len(got) != 0 {
		t.Errorf("liking none: %v", got)
	}
	if got := similar([]uint64{404, 405}, nil); len(got) != 0 {
		t.Errorf("liking unknown accounts: %v", got)
	}
}
