package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// TestAdminInstanceAccounts: the instance_accounts measure counts the accounts of a
// server known each day, and the dimension ranks them by their followers.
func TestAdminInstanceAccounts(t *testing.T) {
	c := testrig.New(t)
	_, mod := c.RegisterModerator("mod")
	n, ctx := c.Nodes[0], t.Context()
	d0 := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	remote := map[string]*account.Account{}
	for _, name := range []string{"carol", "dan", "erin"} {
		uri := "https://remote.example/users/" + name
		a, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: name, Domain: "remote.example", URI: uri, InboxURL: uri + "/inbox"})
		if err != nil {
			t.Fatal(err)
		}
		remote[name] = a
	}
	other := "https://other.example/users/zed"
	if _, err := n.Accounts.UpsertRemote(ctx, &account.Account{Username: "zed", Domain: "other.example", URI: other, InboxURL: other + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	// Local followers: two of carol, one of dan (accepted by their server).
	for _, f := range []struct{ follower, target string }{{"alice", "carol"}, {"bob", "carol"}, {"alice", "dan"}} {
		id, err := shard.Parse(c.Register(f.follower + f.target).ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Accounts.Follow(ctx, id, remote[f.target], account.FollowOptions{}, nil); err != nil {
			t.Fatal(err)
		}
		if err := n.Accounts.Accepted(ctx, id, remote[f.target].ID); err != nil {
			t.Fatal(err)
		}
	}

	// erin follows a local account.
	local, err := n.Accounts.LookupAcct(ctx, "alicecarol")
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Accounts.Follow(ctx, remote["erin"].ID, local, account.FollowOptions{}, quiet{}); err != nil {
		t.Fatal(err)
	}

	form := period(d0)
	form["keys[]"] = []string{"instance_accounts", "instance_follows", "instance_followers"}
	for _, k := range form["keys[]"] {
		form[k+"[domain]"] = []string{"Remote.Example"}
	}
	var got []measure
	c.Must(c.Do("POST", "/api/v1/admin/measures", mod, form), 200).JSON(t, &got)
	today := int(time.Now().UTC().Sub(d0) / (24 * time.Hour))
	on := func(n string) string {
		v := []string{"0", "0", "0"}
		v[today] = n
		return strings.Join(v, ",")
	}
	if len(got) != 3 || values(got[0]) != on("3") || got[0].Total != "3" || got[0].PreviousTotal != "0" ||
		values(got[1]) != on("3") || got[1].Total != "3" || values(got[2]) != on("1") || got[2].Total != "1" {
		t.Fatalf("instance measures: %+v", got)
	}
	form["keys[]"] = []string{"instance_accounts"}

	var dims []struct {
		Key  string
		Data []struct{ Key, Value string }
	}
	form["limit"] = []string{"2"}
	c.Must(c.Do("POST", "/api/v1/admin/dimensions", mod, form), 200).JSON(t, &dims)
	var kv []string
	for _, p := range dims[0].Data {
		kv = append(kv, p.Key+"="+p.Value)
	}
	if len(dims) != 1 || dims[0].Key != "instance_accounts" || strings.Join(kv, ",") != "carol@remote.example=2,dan@remote.example=1" {
		t.Fatalf("instance_accounts dimension: %+v", dims)
	}
	delete(form, "instance_accounts[domain]")
	c.Must(c.Do("POST", "/api/v1/admin/dimensions", mod, form), 400)
}

// quiet is a notifier that tells no one.
type quiet struct{}

func (quiet) Notify(context.Context, shard.ID, shard.ID, notification.Kind, shard.ID) error {
	return nil
}
