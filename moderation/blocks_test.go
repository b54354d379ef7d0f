package moderation_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/testrig"
)

// auditHas fails unless the audit log holds an entry of action on target.
func auditHas(t *testing.T, c *testrig.Cluster, action, target string) {
	t.Helper()
	entries, err := c.Nodes[0].AdminAudit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == action && e.Target == target {
			return
		}
	}
	t.Errorf("no %s of %s in the audit log", action, target)
}

func TestIPBlocksAPI(t *testing.T) {
	f := newAdmin(t)
	c := f.c
	created := f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"192.0.2.77/24"}, "severity": {"sign_up_block"},
		"comment": {"spam wave"}, "expires_in": {"3600"}}, 200).Object(t)
	if created["ip"] != "192.0.2.0/24" || created["severity"] != "sign_up_block" || created["comment"] != "spam wave" ||
		created["created_at"] == nil || created["expires_at"] == nil {
		t.Fatalf("Admin::IpBlock: %v", created)
	}
	id := created["id"].(string)
	single := f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"2001:db8::1"}, "severity": {"no_access"}}, 200).Object(t)
	if single["ip"] != "2001:db8::1/128" || single["expires_at"] != nil || single["comment"] != "" {
		t.Fatalf("a single address: %v", single)
	}
	for _, bad := range []url.Values{
		{"ip": {"192.0.2.0/33"}, "severity": {"no_access"}},
		{"ip": {"not an address"}, "severity": {"no_access"}},
		{"ip": {""}, "severity": {"no_access"}},
		{"ip": {"198.51.100.0/24"}, "severity": {"nuke"}},
		{"ip": {"198.51.100.0/24"}},
		{"ip": {"192.0.2.0/24"}, "severity": {"no_access"}}, // already blocked
		{"ip": {"198.51.100.0/24"}, "severity": {"no_access"}, "expires_in": {"soon"}},
	} {
		if r := c.Do("POST", "/api/v1/admin/ip_blocks", f.tok, bad); r.Code != 422 || !strings.Contains(string(r.Body), `"error"`) {
			t.Errorf("create %v: %d %s", bad, r.Code, r.Body)
		}
	}
	if l := f.get(t, "/api/v1/admin/ip_blocks", nil).List(t); len(l) != 2 || l[0]["id"] != single["id"] || l[1]["id"] != id {
		t.Fatalf("list, newest first: %v", l)
	}
	if l := f.get(t, "/api/v1/admin/ip_blocks", url.Values{"limit": {"1"}}).List(t); len(l) != 1 || l[0]["id"] != single["id"] {
		t.Fatalf("a page of one: %v", l)
	}
	if got := f.get(t, "/api/v1/admin/ip_blocks/"+id, nil).Object(t); got["ip"] != "192.0.2.0/24" {
		t.Fatalf("one: %v", got)
	}
	updated := c.Must(c.Do("PUT", "/api/v1/admin/ip_blocks/"+id, f.tok, url.Values{"severity": {"sign_up_requires_approval"},
		"expires_in": {""}, "comment": {"calmer now"}}), 200).Object(t)
	if updated["severity"] != "sign_up_requires_approval" || updated["comment"] != "calmer now" || updated["ip"] != "192.0.2.0/24" ||
		updated["expires_at"] != nil {
		t.Fatalf("updated: %v", updated)
	}
	c.Must(c.Do("PUT", "/api/v1/admin/ip_blocks/"+id, f.tok, url.Values{"ip": {"2001:db8::1"}}), 422)
	c.Must(c.Do("PUT", "/api/v1/admin/ip_blocks/"+id, f.tok, url.Values{"ip": {"300.1.1.1"}}), 422)
	if got := f.get(t, "/api/v1/admin/ip_blocks/"+id, nil).Object(t); got["ip"] != "192.0.2.0/24" || got["severity"] != "sign_up_requires_approval" {
		t.Fatalf("a refused update changed the block: %v", got)
	}
	c.Must(c.Do("GET", "/api/v1/admin/ip_blocks/123456789", f.tok, nil), 404)
	c.Must(c.Do("PUT", "/api/v1/admin/ip_blocks/123456789", f.tok, url.Values{"severity": {"no_access"}}), 404)
	c.Must(c.Do("DELETE", "/api/v1/admin/ip_blocks/123456789", f.tok, nil), 404)
	c.Must(c.Do("DELETE", "/api/v1/admin/ip_blocks/"+id, f.tok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/ip_blocks/"+id, f.tok, nil), 404)
	auditHas(t, c, "create_ip_block", "192.0.2.0/24")
	auditHas(t, c, "update_ip_block", "192.0.2.0/24")
	auditHas(t, c, "destroy_ip_block", "192.0.2.0/24")

	// An expired block is purged, as Mastodon's scheduler does: not listed, not
	// found, and its range free to be blocked again.
	gone := f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"203.0.113.0/24"}, "severity": {"no_access"},
		"expires_in": {"-1"}}, 200).Object(t)
	if l := f.get(t, "/api/v1/admin/ip_blocks", nil).List(t); len(l) != 1 || l[0]["id"] != single["id"] {
		t.Fatalf("an expired block is listed: %v", l)
	}
	c.Must(c.Do("GET", "/api/v1/admin/ip_blocks/"+gone["id"].(string), f.tok, nil), 404)
	f.post(t, "/api/v1/admin/ip_blocks", url.Values{"ip": {"203.0.113.0/24"}, "severity": {"no_access"}, "expires_in": {"0"}}, 200)
	c.Must(c.Do("GET", "/api/v1/admin/ip_blocks/"+gone["id"].(string), f.tok, nil), 404)
	if l := f.get(t, "/api/v1/admin/ip_blocks", nil).List(t); len(l) != 1 {
		t.Fatalf("expired blocks are listed: %v", l)
	}

	// A user who is not staff is refused.
	if r := f.alice.Do("GET", "/api/v1/admin/ip_blocks", nil); r.Code != 403 {
		t.Errorf("a user lists IP blocks: %d", r.Code)
	}
}

func TestEmailDomainBlocksAPI(t *testing.T) {
	f := newAdmin(t)
	c := f.c
	created := f.post(t, "/api/v1/admin/email_domain_blocks", url.Values{"domain": {"Spam.Example"}}, 200).Object(t)
	if created["domain"] != "spam.example" || created["created_at"] == nil {
		t.Fatalf("Admin::EmailDomainBlock: %v", created)
	}
	hist, _ := created["history"].([]any)
	if len(hist) != 7 || hist[0].(map[string]any)["uses"] != "0" {
		t.Fatalf("history: %v", created["history"])
	}
	id := created["id"].(string)
	f.post(t, "/api/v1/admin/email_domain_blocks", url.Values{"domain": {"spam.example"}}, 422)
	f.post(t, "/api/v1/admin/email_domain_blocks", url.Values{"domain": {""}}, 422)
	f.post(t, "/api/v1/admin/email_domain_blocks", url.Values{"domain": {"a b/c"}}, 422)
	f.post(t, "/api/v1/admin/email_domain_blocks", url.Values{"domain": {"junk.example"}}, 200)
	if l := f.get(t, "/api/v1/admin/email_domain_blocks", nil).List(t); len(l) != 2 || l[0]["domain"] != "junk.example" || l[1]["id"] != id {
		t.Fatalf("list: %v", l)
	}
	if got := f.get(t, "/api/v1/admin/email_domain_blocks/"+id, nil).Object(t); got["domain"] != "spam.example" {
		t.Fatalf("one: %v", got)
	}
	c.Must(c.Do("GET", "/api/v1/admin/email_domain_blocks/123456789", f.tok, nil), 404)
	c.Must(c.Do("DELETE", "/api/v1/admin/email_domain_blocks/123456789", f.tok, nil), 404)
	c.Must(c.Do("DELETE", "/api/v1/admin/email_domain_blocks/"+id, f.tok, nil), 200)
	c.Must(c.Do("GET", "/api/v1/admin/email_domain_blocks/"+id, f.tok, nil), 404)
	auditHas(t, c, "create_email_domain_block", "spam.example")
	auditHas(t, c, "destroy_email_domain_block", "spam.example")
	if r := f.alice.Do("POST", "/api/v1/admin/email_domain_blocks", url.Values{"domain": {"x.example"}}); r.Code != 403 {
		t.Errorf("a user blocks an email domain: %d", r.Code)
	}
}

func TestCanonicalEmailBlocksAPI(t *testing.T) {
	f := newAdmin(t)
	c := f.c
	hash := moderation.CanonicalEmailHash("spammer@mail.example")
	created := f.post(t, "/api/v1/admin/canonical_email_blocks", url.Values{"email": {"Spam.Mer+tag@Mail.Example"}}, 200).Object(t)
	if created["canonical_email_hash"] != hash || created["id"] == nil {
		t.Fatalf("Admin::CanonicalEmailBlock: %v (want hash %s)", created, hash)
	}
	id := created["id"].(string)
	f.post(t, "/api/v1/admin/canonical_email_blocks", url.Values{"canonical_email_hash": {hash}}, 422) // taken
	f.post(t, "/api/v1/admin/canonical_email_blocks", url.Values{}, 422)
	f.post(t, "/api/v1/admin/canonical_email_blocks", url.Values{"canonical_email_hash": {"abc"}}, 422)
	other := moderation.CanonicalEmailHash("other@mail.example")
	byHash := f.post(t, "/api/v1/admin/canonical_email_blocks", url.Values{"canonical_email_hash": {other}}, 200).Object(t)
	if byHash["canonical_email_hash"] != other {
		t.Fatalf("by hash: %v", byHash)
	}
	if l := f.get(t, "/api/v1/admin/canonical_email_blocks", nil).List(t); len(l) != 2 || l[1]["id"] != id {
		t.Fatalf("list: %v", l)
	}
	if got := f.get(t, "/api/v1/admin/canonical_email_blocks/"+id, nil).Object(t); got["canonical_email_hash"] != hash {
		t.Fatalf("one: %v", got)
	}
	for email, n := range map[string]int{"s.p.a.m.m.e.r+x@mail.example": 1, "SPAMMER@MAIL.EXAMPLE": 1, "spammer@other.example": 0} {
		l := f.post(t, "/api/v1/admin/canonical_email_blocks/test", url.Values{"email": {email}}, 200).List(t)
		if len(l) != n || (n == 1 && l[0]["id"] != id) {
			t.Errorf("test %s: %v", email, l)
		}
	}
	c.Must(c.Do("GET", "/api/v1/admin/canonical_email_blocks/123456789", f.tok, nil), 404)
	c.Must(c.Do("DELETE", "/api/v1/admin/canonical_email_blocks/123456789", f.tok, nil), 404)
	c.Must(c.Do("DELETE", "/api/v1/admin/canonical_email_blocks/"+id, f.tok, nil), 200)
	if l := f.post(t, "/api/v1/admin/canonical_email_blocks/test", url.Values{"email": {"spammer@mail.example"}}, 200).List(t); len(l) != 0 {
		t.Errorf("test after delete: %v", l)
	}
	auditHas(t, c, "create_canonical_email_block", hash)
	auditHas(t, c, "destroy_canonical_email_block", hash)
	if r := f.alice.Do("POST", "/api/v1/admin/canonical_email_blocks/test", url.Values{"email": {"a@b.example"}}); r.Code != 403 {
		t.Errorf("a user tests an address: %d", r.Code)
	}
}

// TestCanonicalEmail: Mastodon's canonical form, for every domain.
func TestCanonicalEmail(t *testing.T) {
	for in, want := range map[string]string{
		"John.Doe+news@Example.COM": "johndoe@example.com",
		"plain@example.com":         "plain@example.com",
		"a.b.c+d+e@gmail.com":       "abc@gmail.com",
		"+only@example.com":         "@example.com",
	} {
		if got := moderation.CanonicalEmail(in); got != want {
			t.Errorf("CanonicalEmail(%q) = %q, want %q", in, got, want)
		}
	}
	// The hash is the hex SHA-256 of the canonical form (echo -n johndoe@example.com | sha256sum).
	if got := moderation.CanonicalEmailHash("John.Doe+x@example.com"); got != "55e79200c1635b37ad31a378c39feb12f120f116625093a19bc32fff15041149" {
		t.Errorf("hash: %s", got)
	}
}
