package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// followerCount is the audience of the post whose fan-out a killed node interrupts.
const followerCount = 10_000

// TestCluster runs three nodes on the shared engines: membership, the API across
// nodes, streaming across nodes, fan-out through Kafka and the store, a node killed
// in the middle of a fan-out that must still put the post in every follower's home
// exactly once, the killed node's return while another fan-out runs (its partitions
// moving back to it), a post that its node stored but never announced, and a
// rolling restart of the three nodes under load.
func TestCluster(t *testing.T) {
	r := newRig(t, 3)
	defer r.dropKeyspace()
	ctx := t.Context()

	// The schema is created once by the operator's command; the nodes' own idempotent
	// migration at start then finds every table in place.
	t0 := time.Now()
	r.herd("admin", "migrate", "--config", r.nodes[0].config)
	t.Logf("herd admin migrate: keyspace and topics ready in %v", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	for _, p := range r.nodes {
		r.start(p)
	}
	for _, p := range r.nodes {
		r.waitHealthy(p)
	}
	t.Logf("three nodes healthy in %v", time.Since(t0).Round(time.Millisecond))
	r.waitMembers(r.nodes, map[int]string{1: "alive", 2: "alive", 3: "alive"})
	out := r.herd("admin", "cluster", "--config", r.nodes[1].config)
	if strings.Count(out, " alive ") != 3 || !strings.Contains(out, "herd-2 (self)") {
		t.Fatalf("herd admin cluster on node 2 does not list three live members:\n%s", out)
	}
	t.Logf("herd admin cluster:\n%s", out)

	n1, n2 := r.nodes[0], r.nodes[1]
	app := r.appToken(n1)
	alice, bob := r.register(n1, app, "alice"), r.register(n1, app, "bob")

	t.Run("post on node 1, read home on node 2, stream on node 3", func(t *testing.T) {
		r.with(t).acrossNodes(ctx, alice, bob)
	})

	var aud audience
	t.Run("fan-out of 10,000 survives a killed node", func(t *testing.T) {
		aud = r.with(t).fanoutUnderKill(ctx, app)
	})
	if t.Failed() {
		return
	}

	t.Run("a killed node comes back while a fan-out runs", func(t *testing.T) {
		r := r.with(t)
		// The author posts as node 2 starts: its consumers join the groups, and the
		// partitions move back to it, while the fan-out runs.
		r.start(n2)
		post := mustID(t, r.post(n1, aud.author, "fan-out while a node joins"))
		r.waitHealthy(n2)
		r.waitMembers(r.nodes, map[int]string{1: "alive", 2: "alive", 3: "alive"})
		r.checkHomes(ctx, r.openStore(), aud.followers, post)
		owners := r.fanoutOwners(ctx, 3)
		t.Logf("the author's partition is held by node %d after the rejoin", owners[partitionOf(aud.id)])
		if ids := r.homeIDs(n2, bob); len(ids) == 0 {
			t.Fatal("bob's home read through the restarted node 2 is empty")
		}
	})

	t.Run("a post its node never announced is swept from the outbox", func(t *testing.T) {
		r := r.with(t)
		id := r.unannounced(ctx, r.openStore(), mustID(t, alice.id))
		r.waitFor("the unannounced post in bob's home", 2*time.Minute, func() error {
			return homeHas(r.homeIDs(r.nodes[2], bob), id.String())
		})
	})

	t.Run("rolling restart under load loses no acknowledged post", func(t *testing.T) {
		r.with(t).rollingRestart(ctx, app)
	})

	t.Run("scheduled statuses are published once while the node that took them is killed", func(t *testing.T) {
		r.with(t).scheduledUnderKill(alice)
	})
}

// scheduledUnderKill schedules statuses through node 1, due a second apart, kills
// node 1 as they fall due (it may die holding the claim of one, in the middle of
// publishing it), and reads through node 3 each published exactly once, by the
// nodes left, and the scheduled list empty.
func (r *rig) scheduledUnderKill(u user) {
	t := r.t
	n1, n3 := r.nodes[0], r.nodes[2]
	const count = 6
	start := time.Now().Add(3 * time.Second)
	for i := range count {
		at := start.Add(time.Duration(i) * time.Second).UTC().Format(time.RFC3339Nano)
		r.must(n1, "POST", "/api/v1/statuses", u.token, url.Values{"status": {fmt.Sprintf("scheduled %d", i)}, "scheduled_at": {at}}, nil)
	}
	time.Sleep(time.Until(start.Add(2 * time.Second)))
	r.kill(n1)
	once := func() error {
		var list []struct{ Content string }
		r.must(n3, "GET", "/api/v1/accounts/"+u.id+"/statuses?limit=40", u.token, nil, &list)
		for i := range count {
			want := fmt.Sprintf("<p>scheduled %d</p>", i)
			if n := len(slices.DeleteFunc(slices.Clone(list), func(s struct{ Content string }) bool { return s.Content != want })); n != 1 {
				return fmt.Errorf("%q published %d times", want, n)
			}
		}
		return nil
	}
	// A claim held by the killed node lasts a minute before another node takes it.
	r.waitFor("each scheduled status published once", 3*time.Minute, once)
	var left []struct{ ID string }
	r.must(n3, "GET", "/api/v1/scheduled_statuses", u.token, nil, &left)
	if len(left) != 0 {
		t.Errorf("%d scheduled statuses left after publishing", len(left))
	}
	time.Sleep(10 * time.Second) // two more sweeps of every node
	if err := once(); err != nil {
		t.Error(err)
	}
}

// acrossNodes has bob follow alice through node 2 and open his user stream on node 3;
// alice posts through node 1; bob reads the post in his home through node 2 and
// receives it on his stream on node 3, wherever the fan-out ran.
func (r *rig) acrossNodes(ctx context.Context, alice, bob user) {
	t := r.t
	n1, n2, n3 := r.nodes[0], r.nodes[1], r.nodes[2]
	r.must(n2, "POST", "/api/v1/accounts/"+alice.id+"/follow", bob.token, nil, nil)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := r.stream(sctx, n3, bob)
	// Node 3 announces its subscriber to the others through gossip; the post waits
	// until both other nodes have heard, so that whichever fans out forwards the event.
	key := "timeline:" + bob.id
	r.waitFor("nodes 1 and 2 to learn of node 3's subscriber", 30*time.Second, func() error {
		return errors.Join(r.wantsKey(n1, 3, key), r.wantsKey(n2, 3, key))
	})
	id := r.post(n1, alice, "hello from node 1")
	r.waitFor("alice's post in bob's home read through node 2", time.Minute, func() error {
		return homeHas(r.homeIDs(n2, bob), id)
	})
	var seen []string
	r.waitFor("the post on bob's stream on node 3", time.Minute, func() error {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("bob's stream on node 3 ended")
			}
			if ev.name == "update" && strings.Contains(ev.data, `"id":"`+id+`"`) {
				return nil
			}
			seen = append(seen, ev.name)
		default:
		}
		return fmt.Errorf("events seen: %v", seen)
	})
}

// with returns the rig bound to a subtest.
func (r *rig) with(t *testing.T) *rig {
	c := *r
	c.t = t
	return &c
}

// waitMembers waits until each node sees the members in the given states.
func (r *rig) waitMembers(nodes []*proc, want map[int]string) {
	r.t.Helper()
	for _, p := range nodes {
		if !p.alive() {
			continue
		}
		r.waitFor(fmt.Sprintf("node %d to see members %v", p.id, want), time.Minute, func() error {
			got := r.states(p)
			for id, s := range want {
				if got[id] != s {
					return fmt.Errorf("members %v", got)
				}
			}
			return nil
		})
	}
}

// wantsKey says why p does not forward events on the stream key to node id.
func (r *rig) wantsKey(p *proc, id int, key string) error {
	v, err := r.view(p, key)
	if err != nil {
		return fmt.Errorf("node %d's view: %w", p.id, err)
	}
	for _, m := range v.Members {
		if m.NodeID == id {
			if m.WantsKey == nil || !*m.WantsKey {
				return fmt.Errorf("node %d does not forward %s to node %d", p.id, key, id)
			}
			return nil
		}
	}
	return fmt.Errorf("node %d does not see node %d", p.id, id)
}

// homeHas says why a home's ids do not hold id.
func homeHas(home []string, id string) error {
	if !slices.Contains(home, id) {
		return fmt.Errorf("home holds %v, not %s", home, id)
	}
	return nil
}

// audience is an author and its followerCount followers.
type audience struct {
	author    user
	id        shard.ID
	followers []shard.ID
}

// fanoutUnderKill measures a 10,000-follower fan-out on the three nodes, then kills
// node 2 (preferably the holder of the author's partition) right after the next post
// of the author is accepted, and checks that every follower's home holds that post
// exactly once. It returns the author and its followers.
func (r *rig) fanoutUnderKill(ctx context.Context, app string) audience {
	t := r.t
	n1, n2 := r.nodes[0], r.nodes[1]
	st := r.openStore()
	var owners map[int]int
	r.waitFor("the fan-out consumer group to be stable on three nodes", 2*time.Minute, func() error {
		if owners = r.fanoutOwners(ctx, 3); owners == nil {
			return errors.New("the group has not settled with a member on each node")
		}
		return nil
	})
	author, authorID := r.authorOnNode(app, owners, 2)
	t.Logf("author %s: statuses partition %d, held by node %d", author.name, partitionOf(authorID), owners[partitionOf(authorID)])
	took := r.seedFollowers(ctx, st, authorID, followerCount)
	t.Logf("seeded %d followers through the store in %v (%.0f follows/s)", followerCount, took.Round(time.Millisecond),
		float64(followerCount)/took.Seconds())
	followers := r.followers(ctx, st, authorID)
	if len(followers) != followerCount {
		t.Fatalf("%d followers in the store, want %d", len(followers), followerCount)
	}
	last := followers[len(followers)-1] // fan-out writes the oldest follow's home last

	// A fan-out with every node up, timed from the accepted post to the last home.
	t0 := time.Now()
	first := mustID(t, r.post(n1, author, "measured fan-out"))
	accepted := time.Since(t0)
	r.waitFor("the measured post in the last follower's home", 5*time.Minute, func() error { return inHome(ctx, st, last, first) })
	elapsed := time.Since(t0)
	t.Logf("fan-out through Kafka and the store: %d homes in %v (post accepted in %v): %.0f home inserts/s",
		followerCount, elapsed.Round(time.Millisecond), accepted.Round(time.Millisecond), float64(followerCount)/elapsed.Seconds())
	r.checkHomes(ctx, st, followers, first)
	inProcess := r.fanoutInProcess(ctx, authorID)
	t.Logf("fan-out on the store alone (fanout.Apply in the test process, no Kafka): %d homes in %v: %.0f home inserts/s",
		followerCount, inProcess.Round(time.Millisecond), float64(followerCount)/inProcess.Seconds())

	// The same author posts again, and node 2 is killed as soon as the fan-out has
	// written its first page (the newest follows' homes).
	second := mustID(t, r.post(n1, author, "fan-out under fire"))
	r.waitFor("the first page of the fan-out", time.Minute, func() error { return inHome(ctx, st, followers[0], second) })
	r.kill(n2)
	killedAt := time.Now()
	counts, err := r.homeCounts(ctx, st, followers, second)
	if err != nil {
		t.Fatalf("count homes: %v", err)
	}
	done := countPositive(counts)
	t.Logf("node 2 killed with the post in %d of %d homes", done, followerCount)
	if done == followerCount && owners[partitionOf(authorID)] == 2 {
		t.Errorf("the fan-out had ended before node 2 was killed: the kill tested nothing")
	}
	r.waitMembers([]*proc{n1, r.nodes[2]}, map[int]string{2: "dead"})
	r.waitFor("the post in the last follower's home after the kill", 5*time.Minute, func() error { return inHome(ctx, st, last, second) })
	t.Logf("fan-out finished %v after the kill (Kafka session timeout 6s)", time.Since(killedAt).Round(time.Millisecond))
	r.checkHomes(ctx, st, followers, second)
	return audience{author: author, id: authorID, followers: followers}
}

// authorOnNode registers authors through node 1 until one's statuses partition is
// held by node want (or gives the last tried).
func (r *rig) authorOnNode(app string, owners map[int]int, want int) (user, shard.ID) {
	var u user
	var id shard.ID
	for i := range 16 {
		u = r.register(r.nodes[0], app, fmt.Sprintf("author%d", i))
		id = mustID(r.t, u.id)
		if owners[partitionOf(id)] == want {
			return u, id
		}
	}
	r.t.Logf("no author's partition on node %d after 16 tries; killing node %d anyway", want, want)
	return u, id
}

// checkHomes waits until every follower's home holds post, then checks that each
// holds it exactly once.
func (r *rig) checkHomes(ctx context.Context, st store.Store, followers []shard.ID, post shard.ID) {
	r.t.Helper()
	var counts []int
	r.waitFor("the post in every follower's home", 5*time.Minute, func() error {
		var err error
		if counts, err = r.homeCounts(ctx, st, followers, post); err != nil {
			return fmt.Errorf("count homes: %w", err)
		}
		if n := countPositive(counts); n != len(followers) {
			return fmt.Errorf("the post is in %d of %d homes", n, len(followers))
		}
		return nil
	})
	for i, c := range counts {
		if c != 1 {
			r.t.Fatalf("follower %d's home holds post %d %d times", followers[i], post, c)
		}
	}
}

func countPositive(counts []int) int {
	n := 0
	for _, c := range counts {
		if c > 0 {
			n++
		}
	}
	return n
}

func mustID(t testing.TB, s string) shard.ID {
	t.Helper()
	id, err := shard.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
