package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

const jsonType = "application/json; charset=utf-8"

// accountJSON is an Account as Mastodon 4.x sends it, with every required field.
const accountJSON = `{
  "id": "109",
  "username": "alice",
  "acct": "alice",
  "display_name": "Alice",
  "locked": false,
  "bot": false,
  "group": false,
  "discoverable": true,
  "indexable": false,
  "created_at": "2026-01-02T00:00:00.000Z",
  "note": "<p>hello</p>",
  "url": "http://127.0.0.1:8080/@alice",
  "uri": "http://127.0.0.1:8080/users/alice",
  "avatar": "http://127.0.0.1:8080/avatars/original/missing.png",
  "avatar_static": "http://127.0.0.1:8080/avatars/original/missing.png",
  "header": "http://127.0.0.1:8080/headers/original/missing.png",
  "header_static": "http://127.0.0.1:8080/headers/original/missing.png",
  "followers_count": 0,
  "following_count": 2,
  "statuses_count": 1,
  "last_status_at": "2026-01-02",
  "emojis": [],
  "fields": [{"name": "web", "value": "x", "verified_at": null}],
  "moved": null
}`

// statusJSON is a Status with every required field; its account is filled in by status.
const statusJSON = `{
  "id": "110",
  "uri": "http://127.0.0.1:8080/users/alice/statuses/110",
  "url": "http://127.0.0.1:8080/@alice/110",
  "created_at": "2026-01-02T03:04:05.678Z",
  "edited_at": null,
  "content": "<p>hi</p>",
  "visibility": "public",
  "sensitive": false,
  "spoiler_text": "",
  "media_attachments": [],
  "mentions": [],
  "tags": [],
  "emojis": [],
  "reblogs_count": 0,
  "favourites_count": 0,
  "replies_count": 0,
  "in_reply_to_id": null,
  "in_reply_to_account_id": null,
  "reblog": null,
  "card": null,
  "poll": null,
  "language": "en",
  "application": {"name": "herd tests", "website": null}
}`

func object(t *testing.T, src string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(src), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func account(t *testing.T) map[string]any { return object(t, accountJSON) }

func status(t *testing.T) map[string]any {
	s := object(t, statusJSON)
	s["account"] = account(t)
	return s
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func validator(t *testing.T) *Validator {
	t.Helper()
	v, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// problemAt fails the test unless err is an *Error with a problem at ptr whose message
// contains want.
func problemAt(t *testing.T, err error, ptr, want string) {
	t.Helper()
	var verr *Error
	if !errors.As(err, &verr) {
		t.Fatalf("got %v, want an *Error", err)
	}
	for _, p := range verr.Problems {
		if p.Pointer == ptr && strings.Contains(p.Message, want) {
			return
		}
	}
	t.Fatalf("no problem at %q containing %q in: %v", ptr, want, err)
}

func TestValidateAccount(t *testing.T) {
	v := validator(t)
	tests := []struct {
		name   string
		change func(a map[string]any)
		ptr    string // "" with want "" means valid
		want   string
	}{
		{"valid", func(map[string]any) {}, "", ""},
		{"optional fields absent", func(a map[string]any) {
			delete(a, "url")
			delete(a, "last_status_at")
			delete(a, "moved")
		}, "", ""},
		{"nullable field null", func(a map[string]any) { a["last_status_at"] = nil }, "", ""},
		{"count as string", func(a map[string]any) { a["followers_count"] = "0" }, "/followers_count", "got string, want integer"},
		{"id missing", func(a map[string]any) { delete(a, "id") }, "", "missing property 'id'"},
		{"id as number", func(a map[string]any) { a["id"] = 109 }, "/id", "got number, want string"},
		{"null where forbidden", func(a map[string]any) { a["display_name"] = nil }, "/display_name", "got null, want string"},
		{"count not whole", func(a map[string]any) { a["statuses_count"] = 1.5 }, "/statuses_count", "want integer"},
		{"created_at not date-time", func(a map[string]any) { a["created_at"] = "2026-01-02" }, "/created_at", "date-time"},
		{"last_status_at not date", func(a map[string]any) { a["last_status_at"] = "2026-01-02T00:00:00Z" }, "/last_status_at", "not valid date"},
		{"avatar relative", func(a map[string]any) { a["avatar"] = "/avatars/missing.png" }, "/avatar", "not valid uri"},
		{"avatar empty", func(a map[string]any) { a["avatar"] = "" }, "/avatar", "not valid uri"},
		{"moved as string", func(a map[string]any) { a["moved"] = "x" }, "/moved", "got string, want object or null"},
		{"moved account broken", func(a map[string]any) {
			m := account(t)
			delete(m, "acct")
			a["moved"] = m
		}, "/moved", "missing property 'acct'"},
		{"field missing value", func(a map[string]any) {
			a["fields"] = []any{map[string]any{"name": "web"}}
		}, "/fields/0", "missing property 'value'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := account(t)
			tt.change(a)
			err := v.Validate("GET", "/api/v1/accounts/109", 200, jsonType, encode(t, a))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			problemAt(t, err, tt.ptr, tt.want)
		})
	}
}

func TestErrorMessage(t *testing.T) {
	v := validator(t)
	a := account(t)
	a["followers_count"] = "12"
	delete(a, "id")
	err := v.Validate("GET", "/api/v1/accounts/109", 200, jsonType, encode(t, a))
	want := "GET /api/v1/accounts/{id} 200: at (root): missing property 'id'; " +
		"at /followers_count: got string, want integer"
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}

func TestValidateStatus(t *testing.T) {
	v := validator(t)
	card := map[string]any{
		"url": "https://example.com/a", "title": "A", "description": "", "type": "link",
		"author_name": "", "author_url": "", "provider_name": "", "provider_url": "",
		"html": "", "width": 0, "height": 0, "image": nil, "embed_url": "", "authors": []any{},
	}
	tests := []struct {
		name, method, path string
		body               func(s map[string]any) any
		ptr, want          string
	}{
		{"valid", "GET", "/api/v1/statuses/110", func(s map[string]any) any { return s }, "", ""},
		{"created_at not date-time", "GET", "/api/v1/statuses/110", func(s map[string]any) any {
			s["created_at"] = "2 January 2026"
			return s
		}, "/created_at", "not valid date-time"},
		{"visibility outside enum", "GET", "/api/v1/statuses/110", func(s map[string]any) any {
			s["visibility"] = "followers"
			return s
		}, "/visibility", "must be one of"},
		{"card with empty urls (quirk)", "GET", "/api/v1/statuses/110", func(s map[string]any) any {
			s["card"] = card
			return s
		}, "", ""},
		{"account broken inside", "GET", "/api/v1/statuses/110", func(s map[string]any) any {
			s["account"].(map[string]any)["bot"] = "no"
			return s
		}, "/account/bot", "got string, want boolean"},
		{"created as Status", "POST", "/api/v1/statuses", func(s map[string]any) any { return s }, "", ""},
		{"created, broken", "POST", "/api/v1/statuses", func(s map[string]any) any {
			s["created_at"] = "now"
			return s
		}, "/created_at", "as Status: 'now' is not valid date-time"},
		{"timeline", "GET", "/api/v1/timelines/home?limit=2", func(s map[string]any) any { return []any{s, status(t)} }, "", ""},
		{"timeline item broken", "GET", "/api/v1/timelines/home", func(s map[string]any) any {
			delete(s, "content")
			return []any{status(t), s}
		}, "/1", "missing property 'content'"},
		{"context", "GET", "/api/v1/statuses/110/context", func(s map[string]any) any {
			return map[string]any{"ancestors": []any{s}, "descendants": []any{}}
		}, "", ""},
		{"context missing descendants", "GET", "/api/v1/statuses/110/context", func(s map[string]any) any {
			return map[string]any{"ancestors": []any{s}}
		}, "", "missing property 'descendants'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate(tt.method, tt.path, 200, jsonType, encode(t, tt.body(status(t))))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			problemAt(t, err, tt.ptr, tt.want)
		})
	}
}

// TestNothingToCheck covers the cases where Validate must stay silent.
func TestNothingToCheck(t *testing.T) {
	v := validator(t)
	tests := []struct {
		name, method, path string
		status             int
		contentType, body  string
	}{
		{"unknown path", "GET", "/api/v1/nonsense", 200, jsonType, `"anything"`},
		{"unknown deeper path", "GET", "/api/v1/accounts/1/2/3/4", 200, jsonType, `1`},
		{"root", "GET", "/", 200, "text/html", `<html>`},
		{"unknown method", "PURGE", "/api/v1/accounts/109", 200, jsonType, `1`},
		{"method on literal path only", "DELETE", "/api/v1/accounts/verify_credentials", 200, jsonType, `1`},
		{"status not declared", "GET", "/api/v1/accounts/109", 302, "text/html", ``},
		{"status without schema", "GET", "/api/v1/accounts/109", 410, jsonType, `{}`},
		{"operation without schema", "DELETE", "/api/v1/lists/1", 200, jsonType, `{}`},
		{"stream", "GET", "/api/v1/streaming/public", 200, "text/event-stream", "event: update\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := v.Validate(tt.method, tt.path, tt.status, tt.contentType, []byte(tt.body)); err != nil {
				t.Fatalf("got %v, want nil", err)
			}
		})
	}
}

func TestValidateBodyAndContentType(t *testing.T) {
	v := validator(t)
	const acct = "/api/v1/accounts/1"
	tests := []struct {
		name, method, path string
		status             int
		contentType, body  string
		want               string // "" means valid
	}{
		{"error entity", "GET", acct, 404, jsonType, `{"error":"Record not found"}`, ""},
		{"error without error", "GET", acct, 404, jsonType, `{"message":"nope"}`, "missing property 'error'"},
		{"422 without details (quirk)", "GET", "/api/v1/lists", 422, jsonType, `{"error":"Validation failed: Text can't be blank"}`, ""},
		{"html for JSON", "GET", acct, 200, "text/html; charset=utf-8", `<p>hi</p>`, `content type "text/html; charset=utf-8", want application/json`},
		{"no content type", "GET", acct, 200, "", accountJSON, `content type "", want application/json`},
		{"not JSON", "GET", acct, 200, jsonType, `{"id":`, "body is not JSON"},
		{"empty body", "GET", acct, 200, jsonType, ``, "body is not JSON"},
		{"trailing garbage", "GET", acct, 200, jsonType, accountJSON + `}`, "body is not JSON"},
		{"bare media type", "GET", acct, 200, "application/json", accountJSON, ""},
		{"upper-case media type", "GET", acct, 200, "Application/JSON", accountJSON, ""},
		{"lower-case method", "get", acct, 200, jsonType, `{}`, "missing properties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate(tt.method, tt.path, tt.status, tt.contentType, []byte(tt.body))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			problemAt(t, err, "", tt.want)
		})
	}
}

func TestLiteralTemplateChosen(t *testing.T) {
	v := validator(t)
	// verify_credentials answers a CredentialAccount, which adds "source" and "role" to
	// Account: a plain Account passes as /api/v1/accounts/{id} but not here.
	body := encode(t, account(t))
	if err := v.Validate("GET", "/api/v1/accounts/109", 200, jsonType, body); err != nil {
		t.Fatal(err)
	}
	err := v.Validate("GET", "/api/v1/accounts/verify_credentials/", 200, jsonType, body)
	problemAt(t, err, "", "missing properties 'role', 'source'")
	if !strings.HasPrefix(err.Error(), "GET /api/v1/accounts/verify_credentials 200: ") {
		t.Fatalf("wrong operation in %v", err)
	}
}

func TestQuirks(t *testing.T) {
	v := validator(t)
	prefs := `{"posting:default:visibility":"public","posting:default:sensitive":false,` +
		`"posting:default:language":null,"reading:expand:media":"default","reading:expand:spoilers":false}`
	if err := v.Validate("GET", "/api/v1/preferences", 200, jsonType, []byte(prefs)); err != nil {
		t.Fatalf("preferences: %v", err)
	}
	err := v.Validate("GET", "/api/v1/preferences", 200, jsonType, []byte(`{}`))
	problemAt(t, err, "", "missing properties")
	for _, email := range []string{"", "admin@example.com"} {
		body := `{"email":` + fmt.Sprintf("%q", email) + `}`
		err := v.Validate("GET", "/api/v1/instance", 200, jsonType, []byte(body))
		var verr *Error
		if !errors.As(err, &verr) {
			t.Fatalf("got %v", err)
		}
		for _, p := range verr.Problems {
			if p.Pointer == "/email" {
				t.Errorf("email %q: %v", email, p)
			}
		}
	}
	err = v.Validate("GET", "/api/v1/instance", 200, jsonType, []byte(`{"email":"nobody"}`))
	problemAt(t, err, "/email", "not valid email")
}

// TestCollectionQuirks: the collection endpoints' answers are checked under their root
// keys, and a refused description needs no details of the name.
func TestCollectionQuirks(t *testing.T) {
	v := validator(t)
	item := `{"id":"2","account_id":"3","state":"accepted","created_at":"2026-02-25T11:35:01.394Z"}`
	col := `{"id":"1","uri":"https://example.com/users/a/collections/1","name":"n","description":"","language":null,` +
		`"account_id":"4","local":true,"sensitive":false,"discoverable":true,"item_count":1,` +
		`"created_at":"2026-02-25T11:35:01.394Z","updated_at":"2026-02-25T11:35:01.394Z","tag":null,"items":[` + item + `]}`
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/api/v1/collections", `{"collection":` + col + `}`},
		{"PATCH", "/api/v1/collections/1", `{"collection":` + col + `}`},
		{"GET", "/api/v1/accounts/4/collections", `{"collections":[` + col + `]}`},
		{"GET", "/api/v1/accounts/4/in_collections", `{"collections":[]}`},
		{"POST", "/api/v1/collections/1/items", `{"collection_item":` + item + `}`},
	} {
		if err := v.Validate(tc.method, tc.path, 200, jsonType, []byte(tc.body)); err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.path, err)
		}
		err := v.Validate(tc.method, tc.path, 200, jsonType, []byte(col))
		problemAt(t, err, "", "missing property")
	}
	refused := `{"error":{"error":"Validation failed: Description is too long (maximum is 100 characters)",` +
		`"details":{"description":[{"error":"ERR_TOO_LONG","description":"is too long (maximum is 100 characters)"}]}}}`
	if err := v.Validate("POST", "/api/v1/collections", 422, jsonType, []byte(refused)); err != nil {
		t.Errorf("refused description: %v", err)
	}
	plain := `{"error":"Validation failed: name is not valid UTF-8"}`
	if err := v.Validate("PATCH", "/api/v1/collections/1", 422, jsonType, []byte(plain)); err != nil {
		t.Errorf("input refused before the controller: %v", err)
	}
}

func TestSeen(t *testing.T) {
	v, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Seen(); len(got) != 0 {
		t.Fatalf("fresh validator has seen %v", got)
	}
	// Several goroutines compile and validate at once (run with -race).
	acct, st := encode(t, account(t)), encode(t, status(t))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if err := v.Validate("GET", fmt.Sprintf("/api/v1/accounts/%d", i), 200, jsonType, acct); err != nil {
				t.Error(err)
			}
			if err := v.Validate("GET", fmt.Sprintf("/api/v1/statuses/%d", i), 200, jsonType, st); err != nil {
				t.Error(err)
			}
			_ = v.Validate("POST", "/api/v1/statuses", 422, jsonType, []byte(`{"error":"x"}`))
			_ = v.Validate("GET", "/nowhere", 200, jsonType, nil)
		})
	}
	wg.Wait()
	got := strings.Join(v.Seen(), ", ")
	if want := "GET /api/v1/accounts/{id}, GET /api/v1/statuses/{id}, POST /api/v1/statuses"; got != want {
		t.Fatalf("seen %q, want %q", got, want)
	}
	ops := v.Operations()
	if len(ops) < 200 || !strings.Contains(strings.Join(ops, "\n"), "GET /api/v1/statuses/{id}/context\n") {
		t.Fatalf("operations look wrong: %d", len(ops))
	}
}

// TestFormatsDecided fails when the description starts using a format that quirks.go
// does not discuss, so that someone decides whether to assert it.
func TestFormatsDecided(t *testing.T) {
	decided := map[string]bool{
		"date-time": true, "date": true, "uri": true, "email": true,
		"iso-639-1": true, "binary": true, "scopes": true,
	}
	var doc any
	if err := json.Unmarshal(schemaJSON, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(x any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if f, ok := x["format"].(string); ok && !decided[f] {
				t.Errorf("format %q is used but not decided in quirks.go", f)
			}
			for _, v := range x {
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	walk(doc)
}

func ExampleValidator_Validate() {
	v, err := Default()
	if err != nil {
		panic(err)
	}
	body := []byte(`{"id": 1, "acct": "alice"}`)
	fmt.Println(v.Validate("GET", "/api/v1/accounts/1?with_source=1", 200, "application/json", body))
	fmt.Println(v.Validate("GET", "/no/such/endpoint", 200, "application/json", body))
	// Output:
	// GET /api/v1/accounts/{id} 200: at (root): missing properties 'avatar', 'avatar_static', 'bot', 'created_at', 'display_name', 'emojis', 'fields', 'followers_count', 'following_count', 'group', 'header', 'header_static', 'indexable', 'locked', 'note', 'statuses_count', 'uri', 'username'; at /id: got number, want string
	// <nil>
}

func BenchmarkValidateTimeline(b *testing.B) {
	v, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(statusJSON), &s); err != nil {
		b.Fatal(err)
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(accountJSON), &a); err != nil {
		b.Fatal(err)
	}
	s["account"] = a
	list := make([]any, 20)
	for i := range list {
		list[i] = s
	}
	body, _ := json.Marshal(list)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := v.Validate("GET", "/api/v1/timelines/home", 200, jsonType, body); err != nil {
			b.Fatal(err)
		}
	}
}
