package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// askPoll posts a status with a poll of options and the extra form fields.
func askPoll(u *testrig.User, options []string, extra ...string) *testrig.Response {
	form := url.Values{"status": {"Which one?"}, "poll[options][]": options}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return u.Do("POST", "/api/v1/statuses", form)
}

func readPoll(t *testing.T, r *testrig.Response) testrig.Poll {
	t.Helper()
	var st struct {
		Poll *testrig.Poll `json:"poll"`
	}
	r.JSON(t, &st)
	if st.Poll == nil {
		t.Fatalf("no poll in %s", r.Body)
	}
	return *st.Poll
}

func TestPollVoteAndResults(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	r := c.Must(askPoll(alice, []string{"tea", "coffee", "water"}, "poll[expires_in]", "3600"), 200)
	p := readPoll(t, r)
	if p.Multiple || p.Expired || p.VotesCount != 0 || p.ExpiresAt == nil || len(p.Options) != 3 {
		t.Fatalf("new poll %+v", p)
	}
	if p.Voted == nil || !*p.Voted { // the author counts as having voted, as in Mastodon
		t.Fatalf("author's poll: voted %v", p.Voted)
	}
	vote := func(u *testrig.User, choices ...string) *testrig.Response {
		return u.Do("POST", "/api/v1/polls/"+p.ID+"/votes", url.Values{"choices[]": choices})
	}
	var after testrig.Poll
	c.Must(vote(bob, "1"), 200).JSON(t, &after)
	if got := after.Counts(); got != "tea=0 coffee=1 water=0 voters=1" || after.VotesCount != 1 ||
		!*after.Voted || !slices.Equal(after.OwnVotes, []int{1}) {
		t.Fatalf("after bob's vote: %v %+v", got, after)
	}
	for _, tc := range []struct {
		who     *testrig.User
		choices []string
		want    string
	}{
		{bob, []string{"0"}, "You have already voted on this poll"},
		{alice, []string{"0"}, "You cannot vote in your own polls"},
		{carol, []string{"7"}, "The chosen vote option does not exist"},
		{carol, []string{"x"}, "The chosen vote option does not exist"},
		{carol, nil, "The chosen vote option does not exist"},
		{carol, []string{"0", "2"}, "You have already voted on this poll"}, // single choice
	} {
		r := c.Must(vote(tc.who, tc.choices...), 422)
		if got := r.Object(t)["error"]; got != "Validation failed: "+tc.want {
			t.Errorf("%s votes %v: %v, want %q", tc.who.Name, tc.choices, got, tc.want)
		}
	}
	c.Must(vote(carol, "1"), 200)
	var seen testrig.Poll
	c.Must(carol.Do("GET", "/api/v1/polls/"+p.ID, nil), 200).JSON(t, &seen)
	if got := seen.Counts(); got != "tea=0 coffee=2 water=0 voters=2" {
		t.Fatalf("carol reads %v voters %v", got, seen.VotersCount)
	}
	var anon testrig.Poll
	c.Must(c.Do("GET", "/api/v1/polls/"+p.ID, "", nil), 200).JSON(t, &anon)
	if anon.Voted != nil || anon.OwnVotes != nil {
		t.Fatalf("anonymous reader sees viewer fields: %s", anon.ID)
	}
	// The poll shows wherever the status does: bob's home, through the follow.
	bob.Follow(alice)
	testrig.Eventually(t, "the poll in bob's home", func() error {
		var home []struct {
			ID   string        `json:"id"`
			Poll *testrig.Poll `json:"poll"`
		}
		c.Must(bob.Do("GET", "/api/v1/timelines/home", nil), 200).JSON(t, &home)
		for _, st := range home {
			if st.ID == p.ID && st.Poll != nil && slices.Equal(st.Poll.OwnVotes, []int{1}) {
				return nil
			}
		}
		return fmt.Errorf("home %+v", home)
	})
	c.Must(c.Do("GET", "/api/v1/polls/1", "", nil), 404)
	other := alice.Post("no question here")["id"].(string)
	c.Must(c.Do("GET", "/api/v1/polls/"+other, "", nil), 404)
}

func TestPollMultipleAndHiddenTotals(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	p := readPoll(t, c.Must(askPoll(alice, []string{"a", "b", "c"}, "poll[expires_in]", "600",
		"poll[multiple]", "true", "poll[hide_totals]", "true"), 200))
	var after testrig.Poll
	c.Must(bob.Do("POST", "/api/v1/polls/"+p.ID+"/votes", url.Values{"choices[]": {"0", "2"}}), 200).JSON(t, &after)
	if got := after.Counts(); got != "a=? b=? c=? voters=1" || after.VotesCount != 2 {
		t.Fatalf("hidden totals: %v votes %d voters %v", got, after.VotesCount, after.VotersCount)
	}
	// In a multiple-choice poll a later vote may add a choice, never repeat one.
	c.Must(bob.Do("POST", "/api/v1/polls/"+p.ID+"/votes", url.Values{"choices[]": {"1"}}), 200).JSON(t, &after)
	if after.VotesCount != 3 || *after.VotersCount != 1 || !slices.Equal(after.OwnVotes, []int{0, 2, 1}) {
		t.Fatalf("added choice: votes %d voters %v own %v", after.VotesCount, after.VotersCount, after.OwnVotes)
	}
	c.Must(bob.Do("POST", "/api/v1/polls/"+p.ID+"/votes", url.Values{"choices[]": {"2"}}), 422)
}

func TestPollValidation(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	long := "this option is much longer than fifty characters, which is too long"
	for _, tc := range []struct {
		options []string
		extra   []string
		want    string
	}{
		{[]string{"only"}, []string{"poll[expires_in]", "600"}, "Poll options must have more than one item"},
		{[]string{"a", "b", "c", "d", "e"}, []string{"poll[expires_in]", "600"}, "Poll options can't contain more than 4 items"},
		{[]string{"a", "a"}, []string{"poll[expires_in]", "600"}, "Poll options contain duplicate items"},
		{[]string{"a", long}, []string{"poll[expires_in]", "600"}, "Poll options cannot be longer than 50 characters each"},
		{[]string{"a", "b"}, []string{"poll[expires_in]", "60"}, "Poll expires at is too soon"},
		{[]string{"a", "b"}, nil, "Poll expires at is too soon"},
		{[]string{"a", "b"}, []string{"poll[expires_in]", "99999999"}, "Poll expires at is too far into the future"},
		{[]string{"a", "b"}, []string{"poll[expires_in]", "soon"}, "Poll expires at is not a number"},
	} {
		r := c.Must(askPoll(alice, tc.options, tc.extra...), 422)
		if got := r.Object(t)["error"]; got != "Validation failed: "+tc.want {
			t.Errorf("%v %v: %v, want %q", tc.options, tc.extra, got, tc.want)
		}
	}
	var me testrig.Account
	c.Must(alice.Do("GET", "/api/v1/accounts/verify_credentials", nil), 200).JSON(t, &me)
	if me.StatusesCount != 0 {
		t.Fatalf("refused polls were posted: %d statuses", me.StatusesCount)
	}
	// A JSON body nests the poll, as masto.js sends it.
	r := c.Must(c.DoJSON("POST", "/api/v1/statuses", alice.Token, map[string]any{"status": "json?",
		"poll": map[string]any{"options": []string{"yes", "no"}, "expires_in": 300, "multiple": true}}), 200)
	if p := readPoll(t, r); !p.Multiple || len(p.Options) != 2 {
		t.Fatalf("JSON poll %+v", p)
	}
}

// TestPollEdit: as Mastodon's UpdateStatusService, an edit that keeps the question
// keeps its votes, one that changes the options starts them afresh, and one that gives
// no poll removes it; the history shows each version's options.
func TestPollEdit(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	p := readPoll(t, c.Must(askPoll(alice, []string{"tea", "coffee"}, "poll[expires_in]", "600"), 200))
	c.Must(bob.Do("POST", "/api/v1/polls/"+p.ID+"/votes", url.Values{"choices[]": {"1"}}), 200)
	edit := func(text string, options ...string) *testrig.Response {
		form := url.Values{"status": {text}}
		if options != nil {
			form["poll[options][]"], form["poll[expires_in]"] = options, []string{"900"}
		}
		return alice.Do("PUT", "/api/v1/statuses/"+p.ID, form)
	}
	bobSees := func() testrig.Poll {
		var got testrig.Poll
		c.Must(bob.Do("GET", "/api/v1/polls/"+p.ID, nil), 200).JSON(t, &got)
		return got
	}
	c.Must(edit("Which one, really?", "tea", "coffee"), 200)
	if got := bobSees(); got.Counts() != "tea=0 coffee=1 voters=1" || !slices.Equal(got.OwnVotes, []int{1}) {
		t.Fatalf("same question: %s, own %v", got.Counts(), got.OwnVotes)
	}
	c.Must(edit("Which one, now?", "tea", "coffee", "water"), 200)
	if got := bobSees(); got.Counts() != "tea=0 coffee=0 water=0 voters=0" || len(got.OwnVotes) != 0 || *got.Voted {
		t.Fatalf("new question: %s, own %v", got.Counts(), got.OwnVotes)
	}
	c.Must(bob.Do("POST", "/api/v1/polls/"+p.ID+"/votes", url.Values{"choices[]": {"2"}}), 200)
	c.Must(edit("No question any more"), 200)
	c.Must(bob.Do("GET", "/api/v1/polls/"+p.ID, nil), 404)
	var history []struct {
		Poll *struct {
			Options []struct{ Title string } `json:"options"`
		} `json:"poll"`
	}
	c.Must(bob.Do("GET", "/api/v1/statuses/"+p.ID+"/history", nil), 200).JSON(t, &history)
	var got []int
	for _, v := range history {
		n := 0
		if v.Poll != nil {
			n = len(v.Poll.Options)
		}
		got = append(got, n)
	}
	if !slices.Equal(got, []int{2, 2, 3, 0}) {
		t.Fatalf("options by version: %v", got)
	}
}
