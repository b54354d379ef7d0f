package api_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// TestStreamingMedia: the :media public streams (by name, or by only_media) carry
// the statuses that have attachments and not the others, their deletes too, while
// the plain public stream carries both.
func TestStreamingMedia(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	ws := dialWS(t, c, bob.Token, "stream=public:media")
	ws.send(map[string]string{"type": "subscribe", "stream": "public:local"})
	ws.send(map[string]string{"type": "subscribe", "stream": "public:local", "only_media": "true"})
	for _, k := range []stream.Key{stream.Public(stream.Everywhere, true), stream.Public(stream.Local, false), stream.Public(stream.Local, true)} {
		waitSubscribers(t, c, k, 1)
	}

	plain := alice.PostStatus("words only")
	pic := uploaded(t, c, alice, "pic.png", testdata(t, "gps.png"), url.Values{"description": {"a picture"}})
	var withMedia mediaStatus
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"with a picture"}, "media_ids[]": {pic.ID}}), 200).JSON(t, &withMedia)

	// Events come in the order of the posts, so the text-only post, had a :media
	// stream taken it, would be among these four.
	got := map[string][]string{}
	for range 4 {
		f := ws.next()
		if f.Event != "update" {
			t.Fatalf("frame %+v (payload %s), want an update", f, payloadOf(f))
		}
		got[f.Stream[0]] = append(got[f.Stream[0]], f.status(t).ID)
	}
	want := map[string][]string{"public:local": {plain.ID, withMedia.ID},
		"public:media": {withMedia.ID}, "public:local:media": {withMedia.ID}}
	for name, ids := range want {
		if !slices.Equal(got[name], ids) {
			t.Errorf("%s carried %v, want %v", name, got[name], ids)
		}
	}

	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+plain.ID, nil), 200)
	c.Must(alice.Do("DELETE", "/api/v1/statuses/"+withMedia.ID, nil), 200)
	deleted := map[string][]string{}
	for range 4 {
		f := ws.next()
		if f.Event != "delete" {
			t.Fatalf("frame %+v (payload %s), want a delete", f, payloadOf(f))
		}
		deleted[f.Stream[0]] = append(deleted[f.Stream[0]], payloadOf(f))
	}
	for name, ids := range want {
		if !slices.Equal(deleted[name], ids) {
			t.Errorf("%s carried the deletes of %v, want %v", name, deleted[name], ids)
		}
	}
}
