package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// TestPushSubscription: a token's subscription is made, read, changed and removed as
// Mastodon's; bad input is refused and changes nothing; each token has its own; the
// server key is the instance's VAPID key, which the instance and app entities carry.
func TestPushSubscription(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	d := newDevice(t)
	const path = "/api/v1/push/subscription"

	c.Must(alice.Do("GET", path, nil), 404)
	c.Must(alice.Do("PUT", path, url.Values{"data[alerts][mention]": {"true"}}), 404)

	good := func() map[string]any {
		return d.form("https://push.example/device/1", map[string]bool{"mention": true, "follow": true}, "")
	}
	for name, edit := range map[string]func(sub, keys map[string]any){
		"no endpoint":     func(sub, _ map[string]any) { delete(sub, "endpoint") },
		"endpoint no URL": func(sub, _ map[string]any) { sub["endpoint"] = "not a url" },
		"endpoint ftp":    func(sub, _ map[string]any) { sub["endpoint"] = "ftp://push.example/x" },
		"no p256dh":       func(_, keys map[string]any) { delete(keys, "p256dh") },
		"p256dh no point": func(_, keys map[string]any) { keys["p256dh"] = base64.RawURLEncoding.EncodeToString(make([]byte, 65)) },
		"p256dh garbage":  func(_, keys map[string]any) { keys["p256dh"] = "%%%" },
		"auth short":      func(_, keys map[string]any) { keys["auth"] = base64.RawURLEncoding.EncodeToString(make([]byte, 8)) },
		"no auth":         func(_, keys map[string]any) { delete(keys, "auth") },
	} {
		body := good()
		sub := body["subscription"].(map[string]any)
		edit(sub, sub["keys"].(map[string]any))
		r := c.DoJSON("POST", path, alice.Token, body)
		if r.Code != 422 || len(r.Object(t)["error"].(string)) == 0 {
			t.Errorf("%s: %d %s, want 422 with an error", name, r.Code, r.Body)
		}
	}
	body := good()
	body["data"].(map[string]any)["policy"] = "friends"
	c.Must(c.DoJSON("POST", path, alice.Token, body), 422)
	c.Must(c.DoJSON("POST", path, alice.Token, map[string]any{"data": map[string]any{}}), 400)
	c.Must(alice.Do("GET", path, nil), 404)

	body = good()
	body["data"].(map[string]any)["alerts"].(map[string]bool)["admin.sign_up"] = true
	e := subscribe(t, c, alice.Token, body)
	if e.ID == "" || e.Alerts["admin.sign_up"] || e.Endpoint != "https://push.example/device/1" || !e.Standard || e.Policy != "all" ||
		!e.Alerts["mention"] || !e.Alerts["follow"] || e.Alerts["favourite"] || len(e.Alerts) != 12 {
		t.Errorf("subscription %+v", e)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(e.ServerKey); err != nil || len(raw) != 65 || raw[0] != 4 {
		t.Errorf("server_key %q is no uncompressed P-256 point (%v)", e.ServerKey, err)
	}
	var inst struct {
		Configuration struct {
			Vapid struct {
				PublicKey string `json:"public_key"`
			} `json:"vapid"`
		} `json:"configuration"`
	}
	c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).JSON(t, &inst)
	var app struct {
		VapidKey string `json:"vapid_key"`
	}
	c.Must(c.Do("POST", "/api/v1/apps", "", url.Values{"client_name": {"pushy"},
		"redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read push"}}), 200).JSON(t, &app)
	if inst.Configuration.Vapid.PublicKey != e.ServerKey || app.VapidKey != e.ServerKey {
		t.Errorf("instance key %q, app key %q, server_key %q", inst.Configuration.Vapid.PublicKey, app.VapidKey, e.ServerKey)
	}

	var got pushEntity
	c.Must(alice.Do("GET", path, nil), 200).JSON(t, &got)
	if got.ID != e.ID || got.Endpoint != e.Endpoint {
		t.Errorf("GET %+v, want %+v", got, e)
	}
	c.Must(alice.Do("PUT", path, url.Values{"data[alerts][favourite]": {"true"}, "data[policy]": {"followed"}}), 200).JSON(t, &got)
	if got.ID != e.ID || !got.Alerts["favourite"] || got.Alerts["mention"] || got.Policy != "followed" {
		t.Errorf("after PUT %+v", got)
	}
	c.Must(alice.Do("PUT", path, url.Values{"data[policy]": {"everyone"}}), 422)
	c.Must(alice.Do("GET", path, nil), 200).JSON(t, &got)
	if !got.Alerts["favourite"] || got.Policy != "followed" {
		t.Errorf("a refused PUT changed the subscription: %+v", got)
	}

	// Another token of alice has no subscription, and its own once it subscribes;
	// subscribing again replaces a token's subscription.
	other, err := c.Nodes[0].AdminToken(context.Background(), "alice", "read push")
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("GET", path, other, nil), 404)
	second := subscribe(t, c, other, d.form("https://push.example/device/2", nil, "none"))
	again := subscribe(t, c, alice.Token, good())
	if again.ID == e.ID || second.ID == again.ID {
		t.Errorf("ids: first %s, again %s, other token %s", e.ID, again.ID, second.ID)
	}
	c.Must(c.Do("GET", path, other, nil), 200).JSON(t, &got)
	if got.Endpoint != "https://push.example/device/2" || got.Policy != "none" {
		t.Errorf("other token's subscription %+v", got)
	}

	// A token without the push scope may not; removing is idempotent.
	readOnly, err := c.Nodes[0].AdminToken(context.Background(), "alice", "read")
	if err != nil {
		t.Fatal(err)
	}
	c.Must(c.Do("GET", path, readOnly, nil), 403)
	c.Must(c.Do("POST", path, "", nil), 401)
	c.Must(alice.Do("DELETE", path, nil), 200)
	c.Must(alice.Do("GET", path, nil), 404)
	c.Must(alice.Do("DELETE", path, nil), 200)
	c.Must(c.Do("GET", path, other, nil), 200)
}

// TestPushDelivery: a new notification is pushed, encrypted for the device and signed
// with the instance's VAPID key, to the subscriptions whose alerts and policy take
// it, with Mastodon's payload; a push service's 410 removes the subscription.
func TestPushDelivery(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "push"))
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	phone, gone, tablet := newDevice(t), newDevice(t), newDevice(t)
	tablet.legacy = true
	ps := newPushService(t, map[string]*device{"/phone": phone, "/gone": gone, "/tablet": tablet})
	const path = "/api/v1/push/subscription"

	e := subscribe(t, c, alice.Token, phone.form(ps.URL+"/phone", map[string]bool{"mention": true, "follow": true}, "all"))
	learnServerKey(e.ServerKey)

	bob.Relate(alice.ID, "follow")
	got := ps.waitPushes(t, "/phone", 1)[0]
	notes := alice.Notifications(nil)
	if len(notes) != 1 || notes[0].Type != "follow" {
		t.Fatalf("notifications %+v", notes)
	}
	if strconv.FormatUint(got.NotificationID, 10) != notes[0].ID || got.NotificationType != "follow" ||
		got.AccessToken != alice.Token || got.Title != "bob followed you" || got.PreferredLocale != "en" ||
		got.Icon == "" {
		t.Errorf("pushed %+v, notification %s", got, notes[0].ID)
	}

	// A favourite is not among the alerts: the mention after it is the next push.
	post := alice.PostStatus("a post to like")
	bob.Act(post.ID, "favourite")
	bob.PostStatus("@alice the <b>herd</b> moves at dawn")
	got = ps.waitPushes(t, "/phone", 2)[1]
	if got.NotificationType != "mention" || got.Title != "You were mentioned by bob" ||
		got.Body != "@alice the <b>herd</b> moves at dawn" {
		t.Errorf("second push %+v", got)
	}

	// Policy followed: carol, whom alice does not follow, is not pushed; bob, once
	// followed, is.
	c.Must(alice.Do("PUT", path, url.Values{"data[alerts][mention]": {"true"}, "data[policy]": {"followed"}}), 200)
	carol.PostStatus("@alice hello from a stranger")
	alice.Relate(bob.ID, "follow")
	bob.PostStatus("@alice hello from a friend")
	got = ps.waitPushes(t, "/phone", 3)[2]
	if got.Body != "@alice hello from a friend" {
		t.Errorf("third push %+v: carol's mention passed the followed policy?", got)
	}
	testrig.Eventually(t, "carol's mention in alice's notifications", func() error {
		if n := len(alice.Notifications(url.Values{"types[]": {"mention"}})); n != 3 {
			return fmt.Errorf("%d mentions", n)
		}
		return nil
	})

	// A push service that answers 410 has the subscription removed.
	other, err := c.Nodes[0].AdminToken(context.Background(), "alice", "read push")
	if err != nil {
		t.Fatal(err)
	}
	subscribe(t, c, other, gone.form(ps.URL+"/gone", map[string]bool{"mention": true}, ""))
	carol.PostStatus("@alice are you there?")
	testrig.Eventually(t, "the gone subscription removed", func() error {
		if r := c.Do("GET", path, other, nil); r.Code != 404 {
			return fmt.Errorf("GET: %d %s", r.Code, r.Body)
		}
		return nil
	})
	if n := len(ps.received("/gone")); n != 1 {
		t.Errorf("%d pushes to the gone device, want 1", n)
	}
	// Carol's mentions came before this one on alice's partition of the push topic:
	// the phone's followed policy kept both from it.
	if got := ps.received("/phone"); len(got) != 3 {
		t.Errorf("the phone got %d pushes, want 3: %+v", len(got), got)
	}
	c.Must(alice.Do("GET", path, nil), 200)

	// A subscription without `standard` gets Mastodon's legacy aesgcm messages.
	legacy, err := c.Nodes[0].AdminToken(context.Background(), "bob", "read push")
	if err != nil {
		t.Fatal(err)
	}
	if e := subscribe(t, c, legacy, tablet.form(ps.URL+"/tablet", map[string]bool{"favourite": true}, "")); e.Standard {
		t.Errorf("legacy subscription %+v", e)
	}
	alice.Act(bob.PostStatus("legacy devices still count").ID, "favourite")
	got = ps.waitPushes(t, "/tablet", 1)[0]
	if got.NotificationType != "favourite" || got.AccessToken != legacy || got.Title != "alice favorited your post" ||
		got.Body != "legacy devices still count" {
		t.Errorf("legacy push %+v", got)
	}
}
