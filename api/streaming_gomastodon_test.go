package api_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	mastodon "github.com/mattn/go-mastodon"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/testrig"
	"github.com/herd-social/herd/text"
)

// The streaming API through a third-party Go client, github.com/mattn/go-mastodon,
// unmodified: its Streaming* functions read the server-sent-events endpoints
// (/api/v1/streaming/user, /hashtag?tag=, /public/local) and decode the events into
// its own types (UpdateEvent, NotificationEvent, UpdateEditEvent for status.update,
// DeleteEvent). A failure here is something a go-mastodon program would hit.
//
// What go-mastodon does, read from its source (v0.0.13 streaming.go):
//   - Before each connection it calls GET /api/v1/instance and sends the stream
//     request to the host of urls.streaming_api (keeping the http scheme), so that
//     entity must decode and name this host.
//   - It parses `event:` and one `data:` line per event, ignores comments (`:)`,
//     `:thump`) and unknown events (`error` included), and reports a payload its
//     types cannot decode as an ErrorEvent.
//   - When a stream ends it reconnects at once, forever, until its context is
//     cancelled. Its channel is unbuffered and it sends the cancellation error on
//     it, so a program must read the channel until it is closed or leak goroutines.

// gmStream is one go-mastodon stream. Events read while waiting for another one
// wait in pending, so that steps do not depend on the order of unrelated events.
type gmStream struct {
	t       *testing.T
	name    string
	ch      chan mastodon.Event
	pending []mastodon.Event
}

// gmOpen opens a stream; when the test ends it cancels it and reads the channel
// until go-mastodon closes it.
func gmOpen(t *testing.T, name string, open func(context.Context) (chan mastodon.Event, error)) *gmStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := open(ctx)
	if err != nil {
		cancel()
		t.Fatalf("%s: %v", name, err)
	}
	s := &gmStream{t: t, name: name, ch: ch}
	t.Cleanup(func() {
		cancel()
		deadline := time.After(waitTimeout)
		for {
			select {
			case _, ok := <-s.ch:
				if !ok {
					return
				}
			case <-deadline:
				t.Errorf("%s: go-mastodon did not close its channel within %v of the cancellation", name, waitTimeout)
				return
			}
		}
	})
	return s
}

// take returns the first event, pending or new, for which match holds; it fails
// on an ErrorEvent, on the end of the channel, and after waitTimeout.
func (s *gmStream) take(what string, match func(mastodon.Event) bool) mastodon.Event {
	s.t.Helper()
	if i := slices.IndexFunc(s.pending, match); i >= 0 {
		e := s.pending[i]
		s.pending = slices.Delete(s.pending, i, i+1)
		return e
	}
	timeout := time.After(waitTimeout)
	for {
		select {
		case e, ok := <-s.ch:
			if !ok {
				s.t.Fatalf("%s: the channel closed while waiting for %s", s.name, what)
			}
			if ee, isErr := e.(*mastodon.ErrorEvent); isErr {
				s.t.Fatalf("%s: go-mastodon reported an error while waiting for %s: %v", s.name, what, ee.Err)
			}
			if match(e) {
				return e
			}
			s.pending = append(s.pending, e)
		case <-timeout:
			s.t.Fatalf("%s: timed out after %v waiting for %s; received meanwhile: %s", s.name, waitTimeout, what, gmDescribe(s.pending))
		}
	}
}

func gmDescribe(events []mastodon.Event) string {
	if len(events) == 0 {
		return "nothing"
	}
	parts := make([]string, len(events))
	for i, e := range events {
		switch e := e.(type) {
		case *mastodon.UpdateEvent:
			parts[i] = "update " + string(e.Status.ID)
		case *mastodon.UpdateEditEvent:
			parts[i] = "status.update " + string(e.Status.ID)
		case *mastodon.NotificationEvent:
			parts[i] = fmt.Sprintf("notification %s (%s)", e.Notification.ID, e.Notification.Type)
		case *mastodon.DeleteEvent:
			parts[i] = "delete " + string(e.ID)
		default:
			parts[i] = fmt.Sprintf("%T", e)
		}
	}
	return strings.Join(parts, "; ")
}

func gmUpdate(id mastodon.ID) func(mastodon.Event) bool {
	return func(e mastodon.Event) bool {
		u, ok := e.(*mastodon.UpdateEvent)
		return ok && u.Status.ID == id
	}
}

func gmEdit(id mastodon.ID) func(mastodon.Event) bool {
	return func(e mastodon.Event) bool {
		u, ok := e.(*mastodon.UpdateEditEvent)
		return ok && u.Status.ID == id
	}
}

func gmDelete(id mastodon.ID) func(mastodon.Event) bool {
	return func(e mastodon.Event) bool {
		d, ok := e.(*mastodon.DeleteEvent)
		return ok && d.ID == id
	}
}

// gmOwnHost makes the node's domain its listening address, as tests/clients/run.sh
// does: go-mastodon streams from the host of urls.streaming_api, which is the
// domain, and testrig's default domain (localhost:8080) is not where the node
// listens.
func gmOwnHost(t *testing.T) testrig.Option {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pick a port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return testrig.Config(func(cfg *node.Config) { cfg.Listen, cfg.Domain = addr, addr })
}

// A go-mastodon program follows bob, watches its home, a hashtag and the local
// timeline over server-sent events, and sees bob's post, his mention of it, his
// edit and his delete, decoded into go-mastodon's types.
func TestGoMastodonStreaming(t *testing.T) {
	noLeaks(t)
	c := testrig.New(t, gmOwnHost(t))
	alice, bob := c.Register("alice"), c.Register("bob")

	// One transport for every go-mastodon client, closed at the end so that no
	// idle connection outlives the test. No client timeout: streams are long.
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	client := func(u *testrig.User) *mastodon.Client {
		cl := mastodon.NewClient(&mastodon.Config{Server: c.URL(), AccessToken: u.Token})
		cl.Client = http.Client{Transport: tr}
		return cl
	}
	ac, bc := client(alice), client(bob)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// go-mastodon sends its stream requests to the host of urls.streaming_api.
	inst, err := ac.GetInstance(ctx)
	if err != nil {
		t.Fatalf("GetInstance: %v", err)
	}
	su, err := url.Parse(inst.URLs["streaming_api"])
	if err != nil || su.Host != c.Nodes[0].Addr() {
		t.Fatalf("urls.streaming_api %q: go-mastodon would stream from host %q (%v), want %q",
			inst.URLs["streaming_api"], su.Host, err, c.Nodes[0].Addr())
	}

	if rel, err := ac.AccountFollow(ctx, mastodon.ID(bob.ID)); err != nil || !rel.Following {
		t.Fatalf("AccountFollow: %+v %v", rel, err)
	}

	const tag = "GoMastodon"
	user := gmOpen(t, "user", ac.StreamingUser)
	hashtag := gmOpen(t, "hashtag", func(ctx context.Context) (chan mastodon.Event, error) {
		return ac.StreamingHashtag(ctx, tag, false)
	})
	local := gmOpen(t, "public/local", func(ctx context.Context) (chan mastodon.Event, error) {
		return ac.StreamingPublic(ctx, true)
	})
	// The SSE protocol has no acknowledgement: wait until the node has the
	// subscriptions, as the other streaming tests do.
	me := id(t, alice.ID)
	waitSubscribers(t, c, stream.User(me), 1)
	waitSubscribers(t, c, stream.Notifications(me), 1)
	waitSubscribers(t, c, stream.Hashtag(text.NormalizeTag(tag), false), 1)
	waitSubscribers(t, c, stream.Public(stream.Local, false), 1)

	// update, on all three streams.
	post, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "hello from bob #" + tag, Visibility: "public"})
	if err != nil {
		t.Fatalf("PostStatus: %v", err)
	}
	for _, s := range []*gmStream{user, hashtag, local} {
		st := s.take("update "+string(post.ID), gmUpdate(post.ID)).(*mastodon.UpdateEvent).Status
		if st.Account.ID != mastodon.ID(bob.ID) || st.Account.Username != "bob" || st.Visibility != "public" ||
			!strings.Contains(st.Content, "hello from bob") || st.CreatedAt.IsZero() || st.Favourited != false {
			t.Fatalf("%s: update %+v", s.name, st)
		}
		if !slices.ContainsFunc(st.Tags, func(tg mastodon.Tag) bool { return strings.EqualFold(tg.Name, tag) }) {
			t.Fatalf("%s: tags %+v lack %s", s.name, st.Tags, tag)
		}
	}

	// notification: bob replies, mentioning alice; the reply enters her home too.
	reply, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "@alice look", InReplyToID: post.ID, Visibility: "public"})
	if err != nil {
		t.Fatalf("PostStatus reply: %v", err)
	}
	n := user.take("a mention notification", func(e mastodon.Event) bool {
		ne, ok := e.(*mastodon.NotificationEvent)
		return ok && ne.Notification.Status != nil && ne.Notification.Status.ID == reply.ID
	}).(*mastodon.NotificationEvent).Notification
	if n.Type != "mention" || n.ID == "" || n.Account.ID != mastodon.ID(bob.ID) || n.CreatedAt.IsZero() {
		t.Fatalf("notification %+v", n)
	}
	if st := user.take("update "+string(reply.ID), gmUpdate(reply.ID)).(*mastodon.UpdateEvent).Status; st.InReplyToID != string(post.ID) {
		t.Fatalf("reply in_reply_to_id %v, want %s", st.InReplyToID, post.ID)
	}

	// status.update: go-mastodon decodes it as UpdateEditEvent.
	if _, err := bc.UpdateStatus(ctx, &mastodon.Toot{Status: "edited by bob #" + tag}, post.ID); err != nil {
		t.Fatalf("UpdateStatus: %v", err)
	}
	for _, s := range []*gmStream{user, hashtag, local} {
		st := s.take("status.update "+string(post.ID), gmEdit(post.ID)).(*mastodon.UpdateEditEvent).Status
		if !strings.Contains(st.Content, "edited by bob") || st.EditedAt.IsZero() || st.Account.ID != mastodon.ID(bob.ID) {
			t.Fatalf("%s: status.update %+v", s.name, st)
		}
	}

	// delete: the bare id.
	if err := bc.DeleteStatus(ctx, post.ID); err != nil {
		t.Fatalf("DeleteStatus: %v", err)
	}
	for _, s := range []*gmStream{user, hashtag, local} {
		s.take("delete "+string(post.ID), gmDelete(post.ID))
	}

	// Nothing else about the post came (a duplicate, a late update).
	for _, s := range []*gmStream{user, hashtag, local} {
		for _, match := range []func(mastodon.Event) bool{gmUpdate(post.ID), gmEdit(post.ID), gmDelete(post.ID)} {
			if slices.ContainsFunc(s.pending, match) {
				t.Errorf("%s: more events for the post than expected: %s", s.name, gmDescribe(s.pending))
			}
		}
	}
}
