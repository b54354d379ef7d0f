package activitypub_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// migration is the state GET /api/v1/accounts/migration answers (a Herd extension).
type migration struct {
	MovedTo       *testrig.Account `json:"moved_to"`
	CooldownUntil *string          `json:"cooldown_until"`
	Aliases       []struct {
		URI     string           `json:"uri"`
		Account *testrig.Account `json:"account"`
	} `json:"aliases"`
}

const password = "correct horse battery"

// refuse POSTs a move of u and wants Mastodon's 422 with msg.
func refuse(t *testing.T, c *testrig.Cluster, u *testrig.User, path, acct, pw, msg string) {
	t.Helper()
	resp := u.On(c.With(t)).Do("POST", path, url.Values{"acct": {acct}, "current_password": {pw}})
	if want := `{"error":"Validation failed: ` + msg + `"}`; resp.Code != 422 || string(resp.Body) != want {
		t.Fatalf("POST %s %s: %d %s, want 422 %s", path, acct, resp.Code, resp.Body, want)
	}
}

// TestMigrateAccount: Ann on alpha moves to Ben on beta through the API, as Mastodon's
// settings do it. Ben first lists Ann as an alias (resolved by handle); then Ann's
// followers on both servers follow Ben, and Ann shows moved on both. The move is
// refused without the password, to an account that does not list Ann, to an unknown
// one and to herself, and again within the cooldown; the redirect is cancelled, and
// a redirect to another account (followers stay) set.
func TestMigrateAccount(t *testing.T) {
	a, b := testrig.New(t, testrig.Host(t, "alpha")), testrig.New(t, testrig.Host(t, "beta"))
	alpha, beta := a.Nodes[0].Config().Domain, b.Nodes[0].Config().Domain
	ann, carol := a.Register("ann"), a.Register("carol")
	ben, dan, ben2 := b.Register("ben"), b.Register("dan"), b.Register("ben2")
	carol.Follow(ann)
	annOnB := resolve(t, b, dan, "@ann@"+alpha)
	followRemote(t, b, dan, annOnB)

	refuse(t, a, ann, "/api/v1/account_migration/move", "ben@"+beta, "wrong", "Current password is invalid")
	refuse(t, a, ann, "/api/v1/account_migration/move", "ben@"+beta, password, "Acct is not an alias of this account")
	refuse(t, a, ann, "/api/v1/account_migration/move", "nobody@"+beta, password, "Acct could not be found")
	refuse(t, a, ann, "/api/v1/account_migration/move", "@ann", password, "Acct cannot be current account")
	refuse(t, b, ben, "/api/v1/account_migration/aliases", "ben", "", "Acct cannot be current account")
	if m := testrig.Decode[migration](t, a.Must(ann.Do("GET", "/api/v1/account_migration", nil), 200)); m.MovedTo != nil || m.CooldownUntil != nil {
		t.Fatalf("Ann after refused moves: %+v", m)
	}

	// Ben lists Ann by her handle; his actor names her actor in alsoKnownAs.
	annURI := "http://" + alpha + "/users/ann"
	m := testrig.Decode[migration](t, b.Must(ben.Do("POST", "/api/v1/account_migration/aliases", url.Values{"acct": {"@ann@" + alpha}}), 200))
	if len(m.Aliases) != 1 || m.Aliases[0].URI != annURI || m.Aliases[0].Account == nil || m.Aliases[0].Account.Acct != "ann@"+alpha {
		t.Fatalf("Ben's aliases: %+v %+v", m, m.Aliases[0].Account)
	}
	refuse(t, b, ben, "/api/v1/account_migration/aliases", "ann@"+alpha, "", "Acct has already been taken")
	actor := b.Must(b.Do("GET", "/users/ben", "", nil), 200).Object(t)
	if aka := testrig.At[[]any](t, actor, "alsoKnownAs"); len(aka) != 1 || aka[0] != annURI {
		t.Fatalf("Ben's actor: alsoKnownAs %v", actor["alsoKnownAs"])
	}

	// Ann moves; her followers here and on beta follow Ben, and she shows moved.
	m = testrig.Decode[migration](t, a.Must(ann.Do("POST", "/api/v1/account_migration/move",
		url.Values{"acct": {"ben@" + beta}, "current_password": {password}}), 200))
	if m.MovedTo == nil || m.MovedTo.Acct != "ben@"+beta || m.CooldownUntil == nil {
		t.Fatalf("Ann after her move: %+v", m)
	}
	benOnA := m.MovedTo.ID
	testrig.Eventually(t, "Carol following Ben", func() error { return following(t, a, carol, benOnA, true) })
	testrig.Eventually(t, "Dan following Ben", func() error { return following(t, b, dan, ben.ID, true) })
	testrig.Eventually(t, "Dan no longer following Ann", func() error { return following(t, b, dan, annOnB, false) })
	testrig.Eventually(t, "Ann moved on beta", func() error {
		if got := dan.On(b.With(t)).Account(annOnB); got.Moved == nil || got.Moved.ID != ben.ID {
			return fmt.Errorf("Ann on beta: moved %+v", got.Moved)
		}
		return nil
	})
	if got := carol.Account(ann.ID); got.Moved == nil || got.Moved.ID != benOnA {
		t.Fatalf("Ann on alpha: moved %+v", got.Moved)
	}
	actor = a.Must(a.Do("GET", "/users/ann", "", nil), 200).Object(t)
	if actor["movedTo"] != "http://"+beta+"/users/ben" {
		t.Fatalf("Ann's actor: movedTo %v", actor["movedTo"])
	}

	// Within the 30 days she may not move again, even to an account that lists her.
	b.Must(ben2.Do("POST", "/api/v1/account_migration/aliases", url.Values{"acct": {"ann@" + alpha}}), 200)
	refuse(t, a, ann, "/api/v1/account_migration/move", "ben2@"+beta, password, "You are on cooldown")
	refuse(t, a, ann, "/api/v1/account_migration/redirect", "ben@"+beta, password, "Acct is the same account you have already moved to")

	// She cancels the redirect, then redirects to Ben2: followers stay with Ben.
	m = testrig.Decode[migration](t, a.Must(ann.Do("DELETE", "/api/v1/account_migration/redirect", nil), 200))
	if m.MovedTo != nil || m.CooldownUntil == nil {
		t.Fatalf("Ann after cancelling: %+v", m)
	}
	m = testrig.Decode[migration](t, a.Must(ann.Do("POST", "/api/v1/account_migration/redirect",
		url.Values{"acct": {"ben2@" + beta}, "current_password": {password}}), 200))
	if m.MovedTo == nil || m.MovedTo.Acct != "ben2@"+beta {
		t.Fatalf("Ann after her redirect: %+v", m)
	}
	if rel := carol.Relationship(m.MovedTo.ID); rel.Following {
		t.Fatalf("a redirect moved Carol: %+v", rel)
	}
	if got := carol.Account(ann.ID); got.Moved == nil || got.Moved.ID != m.MovedTo.ID {
		t.Fatalf("Ann on alpha after her redirect: moved %+v", got.Moved)
	}
	actor = a.Must(a.Do("GET", "/users/ann", "", nil), 200).Object(t)
	if actor["movedTo"] != "http://"+beta+"/users/ben2" {
		t.Fatalf("Ann's actor after her redirect: movedTo %v", actor["movedTo"])
	}

	// Ben takes Ann off his aliases.
	m = testrig.Decode[migration](t, b.Must(ben.Do("DELETE", "/api/v1/account_migration/aliases", url.Values{"uri": {annURI}}), 200))
	if len(m.Aliases) != 0 {
		t.Fatalf("Ben's aliases after removal: %+v", m.Aliases)
	}
	actor = b.Must(b.Do("GET", "/users/ben", "", nil), 200).Object(t)
	if aka, ok := actor["alsoKnownAs"]; ok {
		t.Fatalf("Ben's actor after the removal: alsoKnownAs %v", aka)
	}
}
