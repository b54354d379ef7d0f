package deadletter_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/delivery"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/testrig"
)

// The poison-message tests run real nodes through testrig, on the embedded engines
// and (make test-cluster) on Cassandra and Kafka. Each publishes bad messages ahead of
// a good one in the same partition (same key) of one consumer group's topic and
// checks that the good one is processed and the bad ones are dead letters of the group.

// undecodable is a value no consumer can decode: CBOR's break code alone, and not JSON.
var undecodable = []byte{0xff, 0x00, '{'}

func publish(t *testing.T, n *node.Node, topic string, key, value []byte) {
	t.Helper()
	if err := n.Bus().Publish(context.Background(), bus.Message{Topic: topic, Key: key, Value: value}); err != nil {
		t.Fatalf("publish to %s: %v", topic, err)
	}
}

// waitLetters waits until group has set aside want letters of topic, and returns them.
func waitLetters(t *testing.T, n *node.Node, group, topic string, want int) []deadletter.Letter {
	t.Helper()
	var got []deadletter.Letter
	testrig.Eventually(t, fmt.Sprintf("%d dead letters of %s on %s", want, group, topic), func() error {
		all, err := n.AdminDeadLetters(context.Background(), group, 0)
		if err != nil {
			t.Fatalf("list dead letters: %v", err)
		}
		got = got[:0]
		for _, l := range all {
			if l.Topic == topic {
				got = append(got, l)
			}
		}
		if len(got) < want {
			return fmt.Errorf("%d letters of %s on %s (%d of the group)", len(got), group, topic, len(all))
		}
		return nil
	})
	if len(got) != want {
		t.Fatalf("dead letters of %s on %s: %+v, want %d", group, topic, got, want)
	}
	for _, l := range got {
		if l.Group != group || l.Err == "" || l.Tries < 1 || l.At.IsZero() {
			t.Fatalf("letter %+v", l)
		}
	}
	return got
}

// waitHome waits until text is in u's home timeline.
func waitHome(t *testing.T, c *testrig.Cluster, u *testrig.User, text string) {
	t.Helper()
	testrig.Eventually(t, fmt.Sprintf("%q in %s's home", text, u.Name), func() error {
		home := c.Must(u.Do("GET", "/api/v1/timelines/home", nil), 200).List(t)
		for _, st := range home {
			if strings.Contains(st["content"].(string), text) {
				return nil
			}
		}
		return fmt.Errorf("home holds %d other statuses", len(home))
	})
}

// follow makes u (on c) follow the remote account handle, and waits for the Accept.
func follow(t *testing.T, c *testrig.Cluster, u *testrig.User, handle string) {
	t.Helper()
	found := c.Must(u.Do("GET", "/api/v2/search", url.Values{"q": {handle}, "resolve": {"true"}}), 200).Object(t)
	accs := found["accounts"].([]any)
	if len(accs) != 1 {
		t.Fatalf("search %s: %v", handle, found)
	}
	id := accs[0].(map[string]any)["id"].(string)
	c.Must(u.Do("POST", "/api/v1/accounts/"+id+"/follow", nil), 200)
	testrig.Eventually(t, u.Name+" following "+handle, func() error {
		if rel := u.On(c).Relationship(id); !rel.Following {
			return fmt.Errorf("relationship %+v", rel)
		}
		return nil
	})
}

// pair is two instances; bob on beta follows alice on alpha.
type pair struct {
	alpha, beta *testrig.Cluster
	alice, bob  *testrig.User
}

func newPair(t *testing.T) pair {
	p := pair{alpha: testrig.New(t, testrig.Host(t, "alpha")), beta: testrig.New(t, testrig.Host(t, "beta"))}
	p.alice, p.bob = p.alpha.Register("alice"), p.beta.Register("bob")
	follow(t, p.beta, p.bob, "@alice@"+p.alpha.Nodes[0].Config().Domain)
	return p
}

func (p pair) aliceURI() string {
	cfg := p.alpha.Nodes[0].Config()
	return cfg.Scheme + "://" + cfg.Domain + "/users/alice"
}

// badStatusEvent is a created event, keyed by author, of a status whose stored record
// cannot be decoded.
func badStatusEvent(t *testing.T, n *node.Node, author string) (key, value []byte) {
	t.Helper()
	authorID, err := shard.Parse(author)
	if err != nil {
		t.Fatal(err)
	}
	id := shard.ID(uint64(authorID) + 1)
	// "statuses" is the status package's table of records, keyed by status id.
	if err := n.Store().Put(context.Background(), "statuses", id.Bytes(), []byte{}, undecodable, 0); err != nil {
		t.Fatal(err)
	}
	v, err := store.Marshal(&status.Event{Kind: status.Created, StatusID: id, Author: authorID})
	if err != nil {
		t.Fatal(err)
	}
	return authorID.Bytes(), v
}

func TestPoisonFanout(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	bob.Follow(alice)
	n := c.Nodes[0]
	key, bad := badStatusEvent(t, n, alice.ID)
	publish(t, n, status.Topic, key, undecodable)
	publish(t, n, status.Topic, key, bad)
	alice.Post("after the poison")
	waitHome(t, c, bob, "after the poison")
	letters := waitLetters(t, n, fanout.Group, status.Topic, 2)
	if string(letters[0].Value) != string(undecodable) || string(letters[0].Key) != string(key) {
		t.Fatalf("first letter %+v", letters[0])
	}
}

func TestPoisonFederation(t *testing.T) {
	p := newPair(t)
	n := p.alpha.Nodes[0]
	key, bad := badStatusEvent(t, n, p.alice.ID)
	publish(t, n, status.Topic, key, undecodable)
	publish(t, n, status.Topic, key, bad)
	p.alice.Post("federated after the poison")
	waitHome(t, p.beta, p.bob, "federated after the poison")
	waitLetters(t, n, activitypub.OutboxGroup, status.Topic, 2)
}

func TestPoisonDelivery(t *testing.T) {
	p := newPair(t)
	n := p.alpha.Nodes[0]
	key := []byte("beta.localhost") // the jobs of an inbox are keyed by its host name
	publish(t, n, delivery.Topic, key, undecodable)
	publish(t, n, delivery.RetryTopic(3), key, undecodable)
	p.alice.Post("delivered after the poison")
	waitHome(t, p.beta, p.bob, "delivered after the poison")
	waitLetters(t, n, delivery.Group, delivery.Topic, 1)
	waitLetters(t, n, delivery.Group, delivery.RetryTopic(3), 1)
}

func TestPoisonInbox(t *testing.T) {
	p := newPair(t)
	n := p.beta.Nodes[0]
	key := []byte(p.aliceURI()) // activities are keyed by actor
	publish(t, n, activitypub.InboxTopic, key, undecodable)
	// An activity that can never apply: an Update with no object to update.
	publish(t, n, activitypub.InboxTopic, key, []byte(`{"id":"`+p.aliceURI()+`#bad","type":"Update","actor":"`+
		p.aliceURI()+`","object":"`+p.aliceURI()+`/statuses/1"}`))
	// An activity of a type Herd does not act on is ordinary traffic: dropped, not set aside.
	publish(t, n, activitypub.InboxTopic, key, []byte(`{"id":"`+p.aliceURI()+`#react","type":"EmojiReact","actor":"`+
		p.aliceURI()+`","object":"`+p.aliceURI()+`"}`))
	p.alice.Post("received after the poison")
	waitHome(t, p.beta, p.bob, "received after the poison")
	waitLetters(t, n, activitypub.InboxGroup, activitypub.InboxTopic, 2)
}

func TestPoisonFetch(t *testing.T) {
	p := newPair(t)
	p.alice.Post("written before carol followed")
	n := p.beta.Nodes[0]
	publish(t, n, activitypub.FetchTopic, []byte(p.aliceURI()), undecodable) // fetches are keyed by actor
	carol := p.beta.Register("carol")
	follow(t, p.beta, carol, "@alice@"+p.alpha.Nodes[0].Config().Domain)
	// The follow queues a backfill of Alice's outbox behind the poison.
	waitHome(t, p.beta, carol, "written before carol followed")
	waitLetters(t, n, activitypub.FetchGroup, activitypub.FetchTopic, 1)
}
