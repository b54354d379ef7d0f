package activitypub_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// homePoll finds the poll of the status with uri in u's home.
func homePoll(c *testrig.Cluster, t *testing.T, u *testrig.User, uri string) (string, *testrig.Poll) {
	var home []struct {
		ID   string        `json:"id"`
		URI  string        `json:"uri"`
		Poll *testrig.Poll `json:"poll"`
	}
	c.Must(u.Do("GET", "/api/v1/timelines/home", nil), 200).JSON(t, &home)
	for _, st := range home {
		if st.URI == uri {
			return st.ID, st.Poll
		}
	}
	return "", nil
}

// TestPollsFederate: a poll travels as a Question, a vote from the other server
// travels back as a Note naming the option and is counted, and the counts come back
// in an Update of the Question; the same the other way round.
func TestPollsFederate(t *testing.T) {
	a, b, alice, bob := pair(t)
	carol := b.Register("carol")
	aliceOnB := resolve(t, b, bob, "@alice@"+a.Nodes[0].Config().Domain)
	followRemote(t, b, bob, aliceOnB)
	followRemote(t, b, carol, aliceOnB)
	followRemote(t, a, alice, resolve(t, a, alice, "@bob@"+b.Nodes[0].Config().Domain))

	var asked struct {
		ID, URI string
		Poll    testrig.Poll
	}
	a.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"Tea or coffee?"},
		"poll[options][]": {"tea", "coffee"}, "poll[expires_in]": {"3600"}}), 200).JSON(t, &asked)
	var onB string
	testrig.Eventually(t, "alice's poll in bob's home", func() error {
		id, p := homePoll(b, t, bob, asked.URI)
		if p == nil || len(p.Options) != 2 || p.Options[1].Title != "coffee" {
			return fmt.Errorf("poll %v", p)
		}
		onB = id
		return nil
	})
	var voted testrig.Poll
	b.Must(bob.Do("POST", "/api/v1/polls/"+onB+"/votes", url.Values{"choices[]": {"1"}}), 200).JSON(t, &voted)
	if voted.Counts() != "tea=0 coffee=1 voters=1" || !slices.Equal(voted.OwnVotes, []int{1}) {
		t.Fatalf("bob's vote on beta: %s own %v", voted.Counts(), voted.OwnVotes)
	}
	testrig.Eventually(t, "bob's vote counted on alpha", func() error {
		var p testrig.Poll
		a.Must(alice.Do("GET", "/api/v1/polls/"+asked.ID, nil), 200).JSON(t, &p)
		if p.Counts() != "tea=0 coffee=1 voters=1" {
			return fmt.Errorf("alpha counts %s", p.Counts())
		}
		return nil
	})
	// Dave votes on alpha; alpha sends the new counts in an Update of the Question, and
	// carol, who did not vote, reads them on beta.
	dave := a.Register("dave")
	a.Must(dave.Do("POST", "/api/v1/polls/"+asked.ID+"/votes", url.Values{"choices[]": {"0"}}), 200)
	testrig.Eventually(t, "the counts back on beta", func() error {
		var p testrig.Poll
		b.Must(carol.Do("GET", "/api/v1/polls/"+onB, nil), 200).JSON(t, &p)
		if p.Counts() != "tea=1 coffee=1 voters=2" || p.OwnVotes == nil || len(p.OwnVotes) != 0 {
			return fmt.Errorf("beta shows carol %s own %v", p.Counts(), p.OwnVotes)
		}
		return nil
	})

	// The other way: bob asks, with several answers allowed; alice votes from alpha.
	var bobs struct{ URI string }
	b.Must(bob.Do("POST", "/api/v1/statuses", url.Values{"status": {"Which days?"},
		"poll[options][]": {"mon", "tue", "wed"}, "poll[expires_in]": {"600"}, "poll[multiple]": {"true"}}), 200).JSON(t, &bobs)
	var onA string
	testrig.Eventually(t, "bob's poll in alice's home", func() error {
		id, p := homePoll(a, t, alice, bobs.URI)
		if p == nil || !p.Multiple || len(p.Options) != 3 {
			return fmt.Errorf("poll %v", p)
		}
		onA = id
		return nil
	})
	a.Must(alice.Do("POST", "/api/v1/polls/"+onA+"/votes", url.Values{"choices[]": {"0", "2"}}), 200)
	testrig.Eventually(t, "alice's two choices counted on beta", func() error {
		var p testrig.Poll
		b.Must(bob.Do("GET", "/api/v1/statuses/"+bobID(b, t, bob, bobs.URI), nil), 200).JSON(t, &struct {
			Poll *testrig.Poll `json:"poll"`
		}{&p})
		if p.Counts() != "mon=1 tue=0 wed=1 voters=1" {
			return fmt.Errorf("beta counts %s", p.Counts())
		}
		return nil
	})
}

// bobID is the id on beta of bob's status with uri.
func bobID(c *testrig.Cluster, t *testing.T, u *testrig.User, uri string) string {
	var sts []struct{ ID, URI string }
	c.Must(c.Do("GET", "/api/v1/accounts/"+u.ID+"/statuses", "", nil), 200).JSON(t, &sts)
	for _, st := range sts {
		if st.URI == uri {
			return st.ID
		}
	}
	t.Fatalf("no status %s of %s", uri, u.Name)
	return ""
}
