package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/status"
)

// encodedTypes are samples of every type encode.go generates an encoder for, by the
// name it has there (an alias's target, or the list's own name). accountFields is
// tested as Account, whose own encoder (encode_account.go) is the one that uses it,
// and statusFields as Status, whose own encoder (encode_status.go) falls back to it.
var encodedTypes = map[string]any{
	"statusFields": Status{}, "statusOut": statusOut{}, "accountFields": Account{}, "Relationship": Relationship{}, "Notification": Notification{},
	"GroupedNotifications": GroupedNotifications{}, "Conversation": Conversation{}, "MediaAttachment": MediaAttachment{},
	"Poll": Poll{}, "PreviewCard": PreviewCard{}, "CustomEmoji": CustomEmoji{}, "FilterResult": FilterResult{},
	"Quote": Quote{}, "ShallowQuote": ShallowQuote{}, "QuoteApproval": QuoteApproval{},
	"wsFrame":    wsFrame{},
	"statusList": []*Status{}, "accountList": []*Account{}, "relationshipList": []*Relationship{},
	"notificationList": []*Notification{}, "conversationList": []*Conversation{},
}

// TestEncodedTypesCovered keeps encodedTypes in step with encode.go, so that every
// generated encoder is compared with encoding/json below.
func TestEncodedTypesCovered(t *testing.T) {
	f, err := parser.ParseFile(gotoken.NewFileSet(), "encode.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != gotoken.TYPE || g.Doc == nil || !slices.ContainsFunc(g.Doc.List, func(c *ast.Comment) bool {
			return c.Text == "//easyjson:json"
		}) {
			continue
		}
		for _, s := range g.Specs {
			ts := s.(*ast.TypeSpec)
			name := ts.Name.Name
			if id, ok := ts.Type.(*ast.Ident); ok && ts.Assign.IsValid() {
				name = id.Name
			}
			names = append(names, name)
			if _, ok := encodedTypes[name]; !ok {
				t.Errorf("encode.go generates for %s, which encodedTypes lacks", name)
			}
		}
	}
	if len(names) != len(encodedTypes) {
		t.Errorf("encode.go generates for %d types (%v), encodedTypes has %d", len(names), names, len(encodedTypes))
	}
}

// TestGeneratedEncodingMatchesStd encodes each generated type, zero, filled and
// filled at random, both with encoding/json and as the API does, and wants the same
// bytes: HTML escaped for responses, not for streamed payloads. A field added to a
// type without go generate fails here, as the random fill sets every field.
func TestGeneratedEncodingMatchesStd(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, sample := range encodedTypes {
		typ := reflect.TypeOf(sample)
		t.Run(name, func(t *testing.T) {
			compareEncodings(t, reflect.Zero(typ).Interface())
			isStruct := typ.Kind() == reflect.Struct
			if isStruct {
				compareEncodings(t, reflect.New(typ).Interface()) // a pointer to the zero value
			}
			for range 300 {
				v := reflect.New(typ).Elem()
				fill(t, rng, v, 0)
				compareEncodings(t, v.Interface())
				if isStruct {
					compareEncodings(t, v.Addr().Interface())
				}
			}
		})
	}
	var nilStatus *Status
	compareEncodings(t, nilStatus)
	compareEncodings(t, []*Status{nil, {}})
}

// FuzzGeneratedEncoding compares the encodings of a status and account whose texts
// are arbitrary.
func FuzzGeneratedEncoding(f *testing.F) {
	f.Add("<p>a &amp; b</p>", "\b\f\x01\u2028\xff", `\u0008 "q" \\`)
	f.Fuzz(func(t *testing.T, content, name, note string) {
		acc := &Account{ID: "1", DisplayName: name, Note: note, Fields: []Field{{Name: name, Value: content}}}
		st := &Status{ID: "2", Content: content, SpoilerText: name, Account: acc, Text: &note,
			Tags: []Tag{{Name: name, URL: note}}, Card: &PreviewCard{Title: name, HTML: content}}
		compareEncodings(t, st)
		compareEncodings(t, []*Status{st, {Reblog: st}})
	})
}

func compareEncodings(t testing.TB, v any) {
	t.Helper()
	if generated(v) == nil && !isNilPointer(v) {
		t.Fatalf("%T has no generated encoder", v)
	}
	want, wantErr := json.Marshal(v)
	var ctx fasthttp.RequestCtx
	writeJSON(&ctx, 200, v)
	if wantErr != nil {
		want = []byte(`{"error":"Internal server error"}`)
	}
	if got := ctx.Response.Body(); !bytes.Equal(got, want) {
		t.Fatalf("response of %T:\n got %s\nwant %s", v, got, want)
	}
	var std bytes.Buffer
	enc := json.NewEncoder(&std)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return
	}
	var p payloadEncoder
	got, err := p.encode(v)
	if err != nil {
		t.Fatalf("payload of %T: %v", v, err)
	}
	if want := bytes.TrimSuffix(std.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
		t.Fatalf("payload of %T:\n got %s\nwant %s", v, got, want)
	}
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// texts are strings that encoders tend to differ on: HTML, control characters,
// JavaScript's line separators, broken UTF-8, escapes written out literally.
var texts = []string{"", "plain", "<p>a &amp; b <a href=\"x\">c</a></p>", "\b\f\t\r\n\x00\x01\x1f\x7f",
	"\u2028\u2029", "\xff\xfebroken", `\u0008 \b "quoted" \\`, "日本語 🎉 é", "a\u0008b\u000cc"}

var rawJSON = []json.RawMessage{nil, json.RawMessage(`{"original":{"width":640,"height":480,"size":"640x480","aspect":1.3333333333333333}}`),
	json.RawMessage(`{"focus":{"x":-0.5,"y":0.25},"small":{"width":1,"height":1}}`)}

// fill sets v, and every exported field within it, to random values: nil, empty
// or filled slices and pointers, and strings from texts or random bytes.
func fill(t testing.TB, rng *rand.Rand, v reflect.Value, depth int) {
	switch {
	case v.Type() == reflect.TypeFor[json.RawMessage]():
		v.Set(reflect.ValueOf(rawJSON[rng.IntN(len(rawJSON))]))
		return
	}
	switch v.Kind() {
	case reflect.String:
		if rng.IntN(4) == 0 {
			b := make([]byte, rng.IntN(8))
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			v.SetString(string(b))
		} else {
			v.SetString(texts[rng.IntN(len(texts))])
		}
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt(rng.Int64() >> rng.IntN(64) * int64(1-2*rng.IntN(2)))
	case reflect.Uint64:
		v.SetUint(rng.Uint64() >> rng.IntN(64))
	case reflect.Pointer:
		if depth > 3 || rng.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(t, rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch n := rng.IntN(5); {
		case n == 0 || depth > 3:
		case n == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				fill(t, rng, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, rng, v.Field(i), depth+1)
			}
		}
	case reflect.Interface: // Status.card, Tag.history, Poll.emojis
		switch rng.IntN(4) {
		case 0:
		case 1:
			v.Set(reflect.ValueOf(texts[rng.IntN(len(texts))]))
		case 2:
			c := &PreviewCard{}
			fill(t, rng, reflect.ValueOf(c).Elem(), depth+1)
			v.Set(reflect.ValueOf(c))
		case 3:
			v.Set(reflect.ValueOf(map[string]any{"day": "1", "uses": texts[rng.IntN(len(texts))]}))
		}
	default:
		t.Fatalf("fill: no rule for %s", v.Type())
	}
}

// BenchmarkEncodePage encodes a home page of 20 statuses as BenchmarkHomeRead reads
// (5 authors, a tag and a link each), with encoding/json and as writeJSON does.
func BenchmarkEncodePage(b *testing.B) {
	page := make([]*Status, 20)
	for i := range page {
		a := fmt.Sprint(i % 5)
		acc := &Account{ID: "1100000000000000" + a, Username: "author" + a, Acct: "author" + a, DisplayName: "Author " + a,
			Discoverable: ptr(true), CreatedAt: "2026-12-06T00:00:00.000Z", Note: "<p>Hello &amp; welcome</p>",
			URL: "https://localhost:8080/@author" + a, URI: "https://localhost:8080/users/author" + a,
			Avatar: "https://localhost:8080/avatars/original/missing.png", AvatarStatic: "https://localhost:8080/avatars/original/missing.png",
			Header: "https://localhost:8080/headers/original/missing.png", HeaderStatic: "https://localhost:8080/headers/original/missing.png",
			FollowersCount: 1, StatusesCount: 40, LastStatusAt: ptr("2026-12-06"), HideCollections: ptr(false),
			Emojis: []CustomEmoji{}, Roles: []AccountRole{}, Fields: []Field{}}
		id := fmt.Sprint(1200000000000000 + i)
		page[i] = &Status{ID: id, URI: acc.URI + "/statuses/" + id, URL: ptr(acc.URL + "/" + id), CreatedAt: "2026-12-06T00:00:00.000Z",
			Account: acc, Content: `<p>post ` + a + ` with a <a href="https://localhost:8080/tags/tag" class="mention hashtag" rel="tag">#<span>tag</span></a> and <a href="https://example.com/link" target="_blank" rel="nofollow noopener noreferrer" translate="no"><span class="invisible">https://</span><span class="">example.com/link</span><span class="invisible"></span></a></p>`,
			Visibility: "public", MediaAttachments: []*MediaAttachment{}, Application: &PostedWith{Name: "Web"},
			Mentions: []Mention{}, Tags: []Tag{{Name: "tag", URL: "https://localhost:8080/tags/tag"}}, Emojis: []CustomEmoji{},
			Language: ptr("en"), Favourited: ptr(false), Reblogged: ptr(false), Muted: ptr(false), Bookmarked: ptr(false), Pinned: ptr(false)}
	}
	b.Run("encoding-json", func(b *testing.B) {
		var ctx fasthttp.RequestCtx
		b.ReportAllocs()
		for b.Loop() {
			out, err := json.Marshal(page)
			if err != nil {
				b.Fatal(err)
			}
			ctx.SetBody(out)
		}
	})
	b.Run("generated", func(b *testing.B) {
		var ctx fasthttp.RequestCtx
		b.ReportAllocs()
		for b.Loop() {
			writeJSON(&ctx, 200, page)
		}
		b.ReportMetric(float64(len(ctx.Response.Body())), "bytes/page")
	})
}

// TestEmbeddingEntityKeepsOuterFields: a type that embeds a generated entity (the
// admin's view of a trending status or link) is encoded whole, by encoding/json, not
// by the embedded entity's promoted encoder.
func TestEmbeddingEntityKeepsOuterFields(t *testing.T) {
	for _, v := range []any{&AdminTrendsStatus{Status: &Status{ID: "1"}, RequiresReview: true},
		&AdminTrendsLink{TrendsLink: &TrendsLink{PreviewCard: &PreviewCard{URL: "https://example.com/"}}, ID: "2", RequiresReview: true}} {
		if generated(v) != nil {
			t.Errorf("%T takes its embedded entity's encoder", v)
		}
	}
	if generated(&Status{}) == nil {
		t.Error("a Status has no generated encoder")
	}
}

// TestMemoizedAccountEncodesAsFresh: an account with a memo (accountMap gives one)
// shown by several statuses encodes, each time, in both escapings of HTML, as
// encoding/json encodes it, and its memo holds what was written.
func TestMemoizedAccountEncodesAsFresh(t *testing.T) {
	acc := &Account{ID: "1", DisplayName: "<b>Ann</b> & \b\f", Note: "<p>hi & bye</p>", Emojis: []CustomEmoji{},
		Roles: []AccountRole{}, Fields: []Field{{Name: "<i>", Value: "\u2028"}}, memo: &accountMemo{}}
	page := []*Status{{ID: "2", Account: acc}, {ID: "3", Account: acc, Reblog: &Status{ID: "4", Account: acc}}}
	for _, escapeHTML := range []bool{true, false} {
		var std bytes.Buffer
		enc := json.NewEncoder(&std)
		enc.SetEscapeHTML(escapeHTML)
		if err := enc.Encode(page); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(std.Bytes(), []byte("\n"))
		for round := range 2 {
			var got []byte
			if escapeHTML {
				var ctx fasthttp.RequestCtx
				writeJSON(&ctx, 200, page)
				got = ctx.Response.Body()
			} else {
				var buf bytes.Buffer
				if err := encodeTo(&buf, statusList(page), false); err != nil {
					t.Fatal(err)
				}
				got = buf.Bytes()
			}
			if !bytes.Equal(got, want) {
				t.Errorf("escapeHTML %v, round %d:\n got %s\nwant %s", escapeHTML, round, got, want)
			}
		}
		slot := acc.memo.html.Load()
		if !escapeHTML {
			slot = acc.memo.plain.Load()
		}
		if slot == nil {
			t.Errorf("escapeHTML %v: the memo holds nothing after encoding", escapeHTML)
		}
	}
}

// TestStatusMemoEncoding: a status encoded from its memo (encode_status.go) has the
// bytes encoding/json gives it, whether the memo is its own, made from other
// values (an entity changed after rendering, or a memo of another record), or
// nested in a boost; random statuses, so that a field added to Status and not to
// statusTail fails here.
func TestStatusMemoEncoding(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := func() Status {
		var v Status
		fill(t, rng, reflect.ValueOf(&v).Elem(), 0)
		return v
	}
	memoOf := func(v *Status) *statusMemo {
		return &statusMemo{head: statusHead{ID: v.ID, URI: v.URI, URL: v.URL, CreatedAt: v.CreatedAt, EditedAt: v.EditedAt},
			body: statusBody{Content: v.Content, Visibility: v.Visibility, Sensitive: v.Sensitive, SpoilerText: v.SpoilerText}}
	}
	for range 300 {
		v, other := random(), random()
		own := memoOf(&v)
		v.memo = own
		if own.strings(&v) == nil {
			t.Fatal("a status's own memo does not hold it")
		}
		compareEncodings(t, v)
		compareEncodings(t, &v)
		compareEncodings(t, []*Status{&v, {ID: "9", Reblog: &v}, nil})
		compareEncodings(t, &v) // its segments made already
		stale := v
		stale.memo = memoOf(&other)
		compareEncodings(t, stale)
	}
}

// TestStatusMemoKept: rendering a copy of the same record (as the record cache hands
// out) finds the memo made the first time; a changed record, or another author name,
// makes a new one.
func TestStatusMemoKept(t *testing.T) {
	s := &Server{memos: newStatusMemos()}
	s.d.Instance.Scheme, s.d.Instance.Domain = "https", "example.com"
	acc := &Account{ID: "1", Username: "alice", Acct: "alice"}
	st := &status.Status{ID: 7, AccountID: 1, Local: true, Content: "<p>hi</p>", Visibility: "public", CreatedAt: time.Now()}
	first := s.status(st, acc, status.Counts{}, nil)
	cp := *st
	if again := s.status(&cp, acc, status.Counts{}, nil); again.memo != first.memo {
		t.Error("a copy of the record made a new memo")
	}
	edited := *st
	edited.Content, edited.EditedAt = "<p>hello</p>", time.Now()
	if r := s.status(&edited, acc, status.Counts{}, nil); r.memo == first.memo || r.Content != edited.Content || r.EditedAt == nil {
		t.Errorf("an edited record rendered from the old memo: %q, edited at %v", r.Content, r.EditedAt)
	}
	other := &Account{ID: "1", Username: "alice2", Acct: "alice2"}
	if r := s.status(st, other, status.Counts{}, nil); r.URI != "https://example.com/users/alice2/statuses/7" {
		t.Errorf("another author name rendered from the old memo: %s", r.URI)
	}
}
