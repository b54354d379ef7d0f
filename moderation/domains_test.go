package moderation_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
)

func TestDomainBlocks(t *testing.T) {
	f := newAdmin(t)
	c := f.c
	created := f.post(t, "/api/v1/admin/domain_blocks", url.Values{"domain": {"Spam.Example."}, "severity": {"suspend"},
		"private_comment": {"seen at 3am"}, "public_comment": {"spam"}, "obfuscate": {"true"}, "reject_media": {"true"}}, 200).Object(t)
	sum := sha256.Sum256([]byte("spam.example"))
	if created["domain"] != "spam.example" || created["severity"] != "suspend" || created["obfuscate"] != true ||
		created["reject_media"] != true || created["reject_reports"] != false || created["private_comment"] != "seen at 3am" ||
		created["public_comment"] != "spam" || created["digest"] != hex.EncodeToString(sum[:]) || created["created_at"] == nil {
		t.Fatalf("Admin::DomainBlock: %v", created)
	}
	id := created["id"].(string)
	f.post(t, "/api/v1/admin/domain_blocks", url.Values{"domain": {"spam.example"}}, 422)
	f.post(t, "/api/v1/admin/domain_blocks", url.Values{"domain": {""}}, 422)
	f.post(t, "/api/v1/admin/domain_blocks", url.Values{"domain": {"a.example"}, "severity": {"nuke"}}, 422)
	quiet := f.post(t, "/api/v1/admin/domain_blocks", url.Values{"domain": {"quiet.example"}}, 200).Object(t)
	if quiet["severity"] != "silence" || quiet["private_comment"] != nil {
		t.Fatalf("default block: %v", quiet)
	}
	f.post(t, "/api/v1/admin/domain_blocks", url.Values{"domain": {"noop.example"}, "severity": {"noop"}}, 200)

	if l := f.get(t, "/api/v1/admin/domain_blocks", nil).List(t); len(l) != 3 || l[0]["domain"] != "noop.example" || l[2]["id"] != id {
		t.Fatalf("blocks: %v", l)
	}
	if got := f.get(t, "/api/v1/admin/domain_blocks/"+id, nil).Object(t); got["domain"] != "spam.example" {
		t.Fatalf("one block: %v", got)
	}
	updated := c.Must(c.Do("PUT", "/api/v1/admin/domain_blocks/"+quiet["id"].(string), f.tok,
		url.Values{"severity": {"suspend"}, "reject_reports": {"true"}}), 200).Object(t)
	if updated["severity"] != "suspend" || updated["reject_reports"] != true || updated["domain"] != "quiet.example" {
		t.Fatalf("updated: %v", updated)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/domain_blocks/"+id, f.tok, url.Values{"severity": {"nuke"}}), 422)

	// The public list: obfuscated names starred in the middle, noop blocks left out.
	pub := c.Must(c.Do("GET", "/api/v1/instance/domain_blocks", "", nil), 200).List(t)
	if len(pub) != 2 || pub[0]["domain"] != "spam.****ple" || pub[0]["digest"] != created["digest"] ||
		pub[0]["comment"] != "spam" || pub[1]["domain"] != "quiet.example" {
		t.Fatalf("public list: %v", pub)
	}

	c.Must(c.Do("DELETE", "/api/v1/admin/domain_blocks/"+id, f.tok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/domain_blocks/"+id, f.tok, nil), 404)
	c.Must(c.Do("DELETE", "/api/v1/admin/domain_blocks/"+id, f.tok, nil), 404)
}

func TestDomainAllows(t *testing.T) {
	f := newAdmin(t)
	c := f.c
	a := f.post(t, "/api/v1/admin/domain_allows", url.Values{"domain": {"Friends.Example"}}, 200).Object(t)
	if a["domain"] != "friends.example" || a["created_at"] == nil {
		t.Fatalf("Admin::DomainAllow: %v", a)
	}
	again := f.post(t, "/api/v1/admin/domain_allows", url.Values{"domain": {"friends.example"}}, 200).Object(t)
	if again["id"] != a["id"] {
		t.Fatalf("allowed twice: %v and %v", a, again)
	}
	f.post(t, "/api/v1/admin/domain_allows", url.Values{"domain": {"not a domain"}}, 422)
	if l := f.get(t, "/api/v1/admin/domain_allows", nil).List(t); len(l) != 1 || l[0]["id"] != a["id"] {
		t.Fatalf("allows: %v", l)
	}
	id := a["id"].(string)
	f.get(t, "/api/v1/admin/domain_allows/"+id, nil)
	c.Must(c.Do("DELETE", "/api/v1/admin/domain_allows/"+id, f.tok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/domain_allows/"+id, f.tok, nil), 404)
}

// TestOperatorActions: the command line's actions (herd admin account, domain,
// audit) act as the API's do and are audited as the operator's.
func TestOperatorActions(t *testing.T) {
	f := newAdmin(t)
	n, ctx := f.c.Nodes[0], context.Background()
	if err := n.AdminAccountAction(ctx, "silence", "@bob", "noisy"); err != nil {
		t.Fatal(err)
	}
	if got := f.get(t, "/api/v1/admin/accounts/"+f.bob.ID, nil).Object(t); got["silenced"] != true {
		t.Fatalf("bob after the operator's silence: %v", got)
	}
	if err := n.AdminAccountAction(ctx, "explode", "bob", ""); err == nil {
		t.Fatal("an unknown action was accepted")
	}
	if _, err := n.AdminBlockDomain(ctx, "Evil.Example", "suspend", ""); err != nil {
		t.Fatal(err)
	}
	if l := f.get(t, "/api/v1/admin/domain_blocks", nil).List(t); len(l) != 1 || l[0]["domain"] != "evil.example" {
		t.Fatalf("blocks: %v", l)
	}
	if err := n.AdminUnblockDomain(ctx, "evil.example"); err != nil {
		t.Fatal(err)
	}
	if err := n.AdminUnblockDomain(ctx, "evil.example"); err == nil {
		t.Fatal("unblocked twice")
	}
	lines, err := n.AdminAudit(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.Moderator+" "+l.Action+" "+l.Target)
	}
	want := "(operator) destroy_domain_block evil.example,(operator) create_domain_block evil.example,(operator) silence bob"
	if strings.Join(got, ",") != want {
		t.Fatalf("audit log: %q", got)
	}
}
