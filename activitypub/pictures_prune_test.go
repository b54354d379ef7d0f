package activitypub_test

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// cachedPictures are the URLs beta shows of a remote account's avatar and header.
type cachedPictures struct {
	Avatar       string `json:"avatar"`
	AvatarStatic string `json:"avatar_static"`
	Header       string `json:"header"`
}

// withPictures gives users of a an avatar (animated, with its still picture) and a
// header, and returns the ids on b (as bob sees them) once b keeps copies of them.
func withPictures(t *testing.T, a, b *testrig.Cluster, bob *testrig.User, users ...*testrig.User) ([]string, []cachedPictures) {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile("../mediaproc/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	ids, pics := make([]string, len(users)), make([]cachedPictures, len(users))
	for i, u := range users {
		a.Must(a.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", u.Token, nil, "avatar", "a.gif", read("animated.gif")), 200)
		a.Must(a.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", u.Token, nil, "header", "h.png", read("alpha.png")), 200)
		ids[i] = resolve(t, b, bob, "@"+u.Name+"@"+a.Nodes[0].Config().Domain)
		testrig.Eventually(t, u.Name+"'s pictures kept on beta", func() error {
			b.Must(bob.Do("GET", "/api/v1/accounts/"+ids[i], nil), 200).JSON(t, &pics[i])
			for _, u := range []string{pics[i].Avatar, pics[i].AvatarStatic, pics[i].Header} {
				if err := servedOn(b, u, 200); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return ids, pics
}

// servedOn says why u is not a copy on c answering code.
func servedOn(c *testrig.Cluster, u string, code int) error {
	p, err := url.Parse(u)
	if err != nil || p.Host != c.Nodes[0].Config().Domain || !strings.HasPrefix(p.Path, "/system/cache/accounts/") {
		return fmt.Errorf("%s is not a copy on %s", u, c.Nodes[0].Config().Domain)
	}
	if f := c.Do("GET", p.Path, "", nil); f.Code != code {
		return fmt.Errorf("%s answers %d, want %d", u, f.Code, code)
	}
	return nil
}

// TestPruneProfiles: `herd admin media prune --prune-profiles` removes the copies of
// the pictures of remote accounts fetched long enough ago, as tootctl's: not of those
// with follows here unless asked (--include-follows), the headers alone with
// --remove-headers; such an account shows its server's pictures again.
func TestPruneProfiles(t *testing.T) {
	a, b, alice, bob := pair(t)
	carol := a.Register("carol")
	ids, pics := withPictures(t, a, b, bob, alice, carol)
	followRemote(t, b, bob, ids[0]) // alice has a follower on beta; carol none
	n := b.Nodes[0]
	prune := func(p node.ProfilePrune, visited, removed int) {
		t.Helper()
		res, err := n.AdminPruneProfiles(t.Context(), p)
		if err != nil || res.Visited != visited || res.Pictures != removed {
			t.Fatalf("prune %+v: %+v, %v; want %d accounts, %d pictures", p, res, err, visited, removed)
		}
	}
	prune(node.ProfilePrune{Age: 24 * time.Hour, IncludeFollows: true}, 0, 0) // fetched just now
	prune(node.ProfilePrune{}, 1, 2)                                          // carol's
	for _, u := range []string{pics[1].Avatar, pics[1].AvatarStatic, pics[1].Header} {
		if err := servedOn(b, u, 404); err != nil {
			t.Error(err)
		}
	}
	var now cachedPictures
	b.Must(bob.Do("GET", "/api/v1/accounts/"+ids[1], nil), 200).JSON(t, &now)
	alpha := a.Nodes[0].Config().Domain
	if !strings.Contains(now.Avatar, alpha) || !strings.Contains(now.Header, alpha) {
		t.Errorf("carol's pictures pruned are shown as %+v, not at %s", now, alpha)
	}
	prune(node.ProfilePrune{HeadersOnly: true}, 0, 0) // alice is followed
	prune(node.ProfilePrune{HeadersOnly: true, IncludeFollows: true}, 1, 1)
	if err := servedOn(b, pics[0].Header, 404); err != nil {
		t.Error(err)
	}
	for _, u := range []string{pics[0].Avatar, pics[0].AvatarStatic} {
		if err := servedOn(b, u, 200); err != nil {
			t.Errorf("the avatar is kept with --remove-headers: %v", err)
		}
	}
}

// TestSuspendedRemotePicturesDeleted: the copies of a remote account's pictures are
// deleted when a moderator suspends it, when its own server says it is suspended, and
// when its domain is suspended.
func TestSuspendedRemotePicturesDeleted(t *testing.T) {
	a, b, alice, bob := pair(t)
	carol, dave := a.Register("carol"), a.Register("dave")
	ids, pics := withPictures(t, a, b, bob, alice, carol, dave)
	n, alpha := b.Nodes[0], a.Nodes[0].Config().Domain
	if err := n.AdminAccountAction(t.Context(), "suspend", "carol@"+alpha, ""); err != nil {
		t.Fatal(err)
	}
	gone := func(p cachedPictures) error {
		for _, u := range []string{p.Avatar, p.AvatarStatic, p.Header} {
			if err := servedOn(b, u, 404); err != nil {
				return err
			}
		}
		return nil
	}
	if err := gone(pics[1]); err != nil {
		t.Fatalf("carol suspended: %v", err)
	}
	for _, u := range []string{pics[0].Avatar, pics[0].Header} {
		if err := servedOn(b, u, 200); err != nil {
			t.Fatalf("alice is not suspended: %v", err)
		}
	}
	followRemote(t, b, bob, ids[2]) // alpha tells dave's followers' servers of his suspension
	if err := a.Nodes[0].AdminAccountAction(t.Context(), "suspend", "dave", ""); err != nil {
		t.Fatal(err)
	}
	testrig.Eventually(t, "dave's copies deleted once alpha suspends him", func() error { return gone(pics[2]) })
	host, _, _ := strings.Cut(alpha, ":") // a block covers the domain on any port
	if _, err := n.AdminBlockDomain(t.Context(), host, "suspend", ""); err != nil {
		t.Fatal(err)
	}
	testrig.Eventually(t, "alice's copies deleted with her domain suspended", func() error { return gone(pics[0]) })
}
