package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// cli runs herd admin NAME [VERB] with flags after the name (and verb) and returns
// its output.
func cli(t *testing.T, flags []string, name, verb string, rest ...string) (string, error) {
	t.Helper()
	args := []string{name}
	if verb != "" {
		args = append(args, verb)
	}
	args = append(append(args, flags...), rest...)
	var out bytes.Buffer
	err := admin(args, &out)
	return out.String(), err
}

// mustCLI is cli that fails the test on an error, and checks the output holds want.
func mustCLI(t *testing.T, flags []string, want, name, verb string, rest ...string) string {
	t.Helper()
	out, err := cli(t, flags, name, verb, rest...)
	if err != nil {
		t.Fatalf("admin %s %s %v: %v\n%s", name, verb, rest, err, out)
	}
	if !strings.Contains(out, want) {
		t.Fatalf("admin %s %s %v: %q lacks %q", name, verb, rest, out, want)
	}
	return out
}

// TestAdminThroughTheNode: while a node serves, herd admin commands run in it through
// its ops endpoint (a Pebble store stays locked by the node meanwhile): their effects
// show in the admin API, their output and exit status come back, and a configuration
// of another domain is refused.
func TestAdminThroughTheNode(t *testing.T) {
	c := testrig.New(t, testrig.Config(func(c *node.Config) { c.Ops = "127.0.0.1:0" }))
	n := c.Nodes[0]
	n.SetAdminRunner(runAdminInNode)
	_, mod := c.RegisterModerator("mod")
	bob := c.Register("bob")
	// --data names the node's directory: a command that opened it would fail on its lock
	on := []string{"--ops", n.OpsAddr(), "--domain", n.Config().Domain, "--data", n.Config().Data}
	listed := func(path, field, want string) bool {
		t.Helper()
		for _, o := range c.Must(c.Do("GET", path, mod, nil), 200).List(t) {
			if o[field] == want {
				return true
			}
		}
		return false
	}

	mustCLI(t, on, "blocked evil.example (suspend)", "domain", "block", "--severity", "suspend", "evil.example")
	if !listed("/api/v1/admin/domain_blocks", "domain", "evil.example") {
		t.Error("the domain block is not in the admin API")
	}
	mustCLI(t, on, "evil.example", "domain", "list")

	mustCLI(t, on, "spam.example", "email-block", "add", "spam.example")
	mustCLI(t, on, "spam.example", "email-block", "list")
	if !listed("/api/v1/admin/email_domain_blocks", "domain", "spam.example") {
		t.Error("the email domain block is not in the admin API")
	}
	mustCLI(t, on, "", "email-block", "remove", "spam.example")
	if listed("/api/v1/admin/email_domain_blocks", "domain", "spam.example") {
		t.Error("the email domain block was not removed")
	}

	mustCLI(t, on, "192.0.2.0/24 (sign_up_block)", "ip-block", "add", "--severity", "sign_up_block", "--comment", "spam", "192.0.2.7/24")
	if !listed("/api/v1/admin/ip_blocks", "ip", "192.0.2.0/24") {
		t.Error("the ip block is not in the admin API")
	}
	mustCLI(t, on, "", "ip-block", "remove", "192.0.2.0/24")
	if listed("/api/v1/admin/ip_blocks", "ip", "192.0.2.0/24") {
		t.Error("the ip block was not removed")
	}

	mustCLI(t, on, "suspend bob: done", "account", "", "--text", "spam", "suspend", "bob")
	if a := c.Must(c.Do("GET", "/api/v1/admin/accounts/"+bob.ID, mod, nil), 200).Object(t); a["suspended"] != true {
		t.Errorf("bob after the suspension: %v", a)
	}
	mustCLI(t, on, "(operator)", "audit", "", "--limit", "10")

	var avatar bytes.Buffer
	if err := png.Encode(&avatar, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	alice := c.Register("alice")
	c.Must(c.DoMultipart("PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil, "avatar", "a.png", avatar.Bytes()), 200)
	usage := mustCLI(t, on, "total", "media", "usage")
	if !slices.ContainsFunc(strings.Split(usage, "\n"), func(l string) bool {
		f := strings.Fields(l)
		return len(f) == 4 && f[0]+" "+f[1] == "local avatars" && f[2] != "0"
	}) {
		t.Errorf("media usage counts no avatar:\n%s", usage)
	}

	alice.Post("a status to index")
	mustCLI(t, on, "reindexed in", "search", "reindex")

	// failures: exit status 1 for a failed command, 2 for a wrong command line, and
	// the node's message comes back
	if _, err := cli(t, on, "account", "", "suspend", "nobody"); exitCode(err) != 1 || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("suspend an unknown account: %v (exit %d)", err, exitCode(err))
	}
	if _, err := cli(t, on, "domain", "block"); exitCode(err) != 2 {
		t.Errorf("domain block without a domain: %v (exit %d)", err, exitCode(err))
	}
	if _, err := cli(t, on, "email-block", "frob"); exitCode(err) != 2 {
		t.Errorf("an unknown verb: %v (exit %d)", err, exitCode(err))
	}
	other := []string{"--ops", n.OpsAddr(), "--domain", "other.example", "--data", t.TempDir()}
	if _, err := cli(t, other, "email-block", "list"); err == nil || !strings.Contains(err.Error(), "serves") {
		t.Errorf("another domain's configuration: %v", err)
	}
	// the ops endpoint takes JSON only (a web page cannot post it without a preflight)
	resp, err := http.Post("http://"+n.OpsAddr()+"/ops/admin", "text/plain", strings.NewReader(`{"args":["audit"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a text/plain post: %s", resp.Status)
	}
}

// TestAdminWithoutANode: when nothing listens on the ops address, the commands open
// the data directory themselves.
func TestAdminWithoutANode(t *testing.T) {
	if testrig.Clustered() {
		t.Skip("opens a single-shape data directory")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	off := []string{"--ops", free, "--domain", "herd.example", "--data", dir, "--bcrypt-cost", "4"}
	mustCLI(t, off, "created @carol", "create-account", "", "--username", "carol", "--email", "carol@example.com",
		"--password", "correct horse battery")
	mustCLI(t, off, "ip block", "ip-block", "add", "2001:db8::1")
	mustCLI(t, off, "2001:db8::1/128", "ip-block", "list")
	mustCLI(t, off, "suspend carol: done", "account", "", "suspend", "carol")
	out := mustCLI(t, off, "reindexed in", "search", "reindex")
	if !strings.Contains(out, "reindexing from the store") {
		t.Errorf("search reindex: %s", out)
	}

	n, err := node.Open(node.Config{Data: dir, Domain: "herd.example", NoSync: true}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx := context.Background()
	a, err := n.Accounts.LookupAcct(ctx, "carol")
	if err != nil || !a.Suspended {
		t.Fatalf("carol: %+v, %v", a, err)
	}
	if list, err := n.Reports.IPBlocks(ctx); err != nil || len(list) != 1 || list[0].IP != "2001:db8::1/128" {
		t.Fatalf("ip blocks: %v, %v", list, err)
	}
}

// TestAdminHelp: every command that runs against a node answers --help, before or
// after its verb, without a node, and names its flags.
func TestAdminHelp(t *testing.T) {
	for _, name := range []string{"create-account", "make-admin", "token", "emoji", "media", "account", "domain", "audit",
		"email-block", "ip-block", "announcement", "webhook", "relay", "relay-subscribers", "relay-allow", "dead-letters", "rule",
		"content-rule", "role", "search", "settings"} {
		cmd := adminCommand(name)
		if cmd == nil {
			t.Fatalf("no command %s", name)
		}
		for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
			out, err := cli(t, nil, name, "", args...)
			if err != nil || !strings.Contains(out, "herd admin "+name) {
				t.Errorf("%s %v: %v\n%s", name, args, err, out)
			}
		}
		if len(cmd.verbs) > 0 {
			if out, err := cli(t, nil, name, cmd.verbs[0], "--help"); err != nil || !strings.Contains(out, "herd admin "+name) {
				t.Errorf("%s %s --help: %v\n%s", name, cmd.verbs[0], err, out)
			}
		}
	}
	for _, args := range [][]string{{}, {"frob"}, {"domain", "--no-such-flag"}, {"email-block"}} {
		if err := admin(args, &bytes.Buffer{}); exitCode(err) != 2 {
			t.Errorf("%v: %v (exit %d)", args, err, exitCode(err))
		}
	}
}
