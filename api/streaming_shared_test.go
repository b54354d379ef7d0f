package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
)

// Connections share the reading and the encoding of a status they all get: viewers
// without marks or filter results get the same bytes, while a viewer whose filter
// matches gets its filter results and the author gets its pinned mark; an edit
// made after a shared read reaches every viewer with its own marks.
func TestStreamingSharedPayload(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	readers := map[string]*testrig.User{}
	conns := map[string]*wsClient{}
	for _, name := range []string{"bob", "carol", "dave"} {
		u := c.Register(name)
		u.Follow(alice)
		readers[name] = u
	}
	c.Must(readers["dave"].Do("POST", "/api/v2/filters", url.Values{"title": {"spoilers"}, "context[]": {"home"},
		"filter_action": {"warn"}, "keywords_attributes[][keyword]": {"ending"}}), 200)
	readers["alice"] = alice
	for name, u := range readers {
		conns[name] = dialWS(t, c, u.Token, "stream=user")
		waitSubscribers(t, c, stream.User(id(t, u.ID)), 1)
	}

	pid := alice.PostStatus("the ending of the book").ID
	got := map[string]frame{}
	for name, ws := range conns {
		f := ws.next()
		if st := f.status(t); f.Event != "update" || st.ID != pid {
			t.Fatalf("%s: %+v %s", name, f, payloadOf(f))
		}
		got[name] = f
	}
	if payloadOf(got["bob"]) != payloadOf(got["carol"]) {
		t.Fatalf("viewers without marks got different payloads:\n%s\n%s", payloadOf(got["bob"]), payloadOf(got["carol"]))
	}
	if st := got["bob"].status(t); len(st.Filtered) != 0 || st.Pinned != nil || st.Favourited == nil || *st.Favourited {
		t.Fatalf("bob's view: %s", payloadOf(got["bob"]))
	}
	if st := got["dave"].status(t); len(st.Filtered) != 1 || st.Filtered[0].Filter.Title != "spoilers" {
		t.Fatalf("dave's view has no filter result: %s", payloadOf(got["dave"]))
	}
	if st := got["alice"].status(t); st.Pinned == nil || *st.Pinned {
		t.Fatalf("the author's view has no pinned mark: %s", payloadOf(got["alice"]))
	}

	// The edit reaches the viewers together (one batch of reads): each still gets
	// its own marks and filter results.
	c.Must(readers["bob"].Do("POST", "/api/v1/statuses/"+pid+"/favourite", nil), 200)
	c.Must(alice.Do("PUT", "/api/v1/statuses/"+pid, url.Values{"status": {"the ending, edited"}}), 200)
	for name, ws := range conns {
		f := ws.next()
		if f.Event == "notification" { // alice's of bob's favourite
			f = ws.next()
		}
		st := f.status(t)
		if f.Event != "status.update" || st.ID != pid || !strings.Contains(st.Content, "edited") {
			t.Fatalf("%s: %+v %s", name, f, payloadOf(f))
		}
		if fav := st.Favourited != nil && *st.Favourited; fav != (name == "bob") {
			t.Errorf("%s's edit says favourited %v: %s", name, fav, payloadOf(f))
		}
		if filtered := len(st.Filtered) == 1; filtered != (name == "dave") {
			t.Errorf("%s's edit has filter results %v: %s", name, st.Filtered, payloadOf(f))
		}
	}
}
