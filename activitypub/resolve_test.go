package activitypub_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
)

// TestResolveWebURLs: a search with resolve finds accounts and statuses by the web
// URLs people paste: this server's own (/@name, /@name/id), another Herd's (which
// answers a request for ActivityStreams at those URLs with the document), and a
// server that answers with a web page linking its document as rel="alternate", whose
// actor it serves only to signed GETs.
func TestResolveWebURLs(t *testing.T) {
	alpha, beta, alice, bob := pair(t)
	mine := alice.PostStatus("the own words of alice")
	theirs := bob.PostStatus("words of bob on beta")
	alphaBase := "http://" + alpha.Nodes[0].Config().Domain
	betaBase := "http://" + beta.Nodes[0].Config().Domain

	peer := newKeyPeer(t, "pages")
	base := "http://" + peer.domain
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	actor, _ := json.Marshal(map[string]any{"id": base + "/users/pat", "type": "Person", "preferredUsername": "pat",
		"name": "Pat of the pages", "inbox": base + "/users/pat/inbox", "publicKey": map[string]any{"id": base + "/users/pat#main-key",
			"owner": base + "/users/pat", "publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}})
	note, _ := json.Marshal(map[string]any{"id": base + "/users/pat/statuses/1", "type": "Note", "attributedTo": base + "/users/pat",
		"content": "<p>words of pat</p>", "published": "2026-01-01T00:00:00Z", "to": []any{"https://www.w3.org/ns/activitystreams#Public"}})
	page := func(alt string) peerDoc {
		return peerDoc{html: true, body: `<!doctype html><html><head><title>Pat</title>
<link rel="stylesheet" href="/style.css"><link href="` + alt + `" rel="alternate" type="application/activity+json">
</head><body><p>Pat's page</p></body></html>`}
	}
	peer.put("/users/pat", peerDoc{body: string(actor), signedOnly: true})
	peer.put("/users/pat/statuses/1", peerDoc{body: string(note), signedOnly: true})
	peer.put("/@pat", page(base+"/users/pat"))
	peer.put("/@pat/1", page("/users/pat/statuses/1")) // relative to the page
	peer.put("/@nobody", peerDoc{html: true, body: `<html><head><title>no link</title></head></html>`})

	for _, c := range []struct{ q, account, status string }{
		{alphaBase + "/@alice", "alice", ""},
		{alphaBase + "/users/alice", "alice", ""},
		{alphaBase + "/@alice/" + mine.ID, "", "the own words of alice"},
		{alphaBase + "/@bob/" + mine.ID, "", ""}, // not bob's status
		{betaBase + "/@bob", "bob@" + beta.Nodes[0].Config().Domain, ""},
		{betaBase + "/@bob/" + theirs.ID, "", "words of bob on beta"},
		{base + "/@pat", "pat@" + peer.domain, ""},
		{base + "/@pat/1", "", "words of pat"},
		{base + "/@nobody", "", ""},
	} {
		got := alice.Search(c.q, "resolve", "true")
		var acct, text string
		if len(got.Accounts) == 1 {
			acct = got.Accounts[0].Acct
		}
		if len(got.Statuses) == 1 {
			text = got.Statuses[0].Content
		}
		if acct != c.account || !strings.Contains(text, c.status) || (c.status == "") != (text == "") ||
			len(got.Accounts)+len(got.Statuses) > 1 {
			t.Errorf("search %s: accounts %+v, statuses %+v; want %q, %q", c.q, got.Accounts, got.Statuses, c.account, c.status)
		}
	}
	if got := alice.Lookup("pat@" + peer.domain); got.DisplayName != "Pat of the pages" {
		t.Fatalf("pat as alpha keeps her: %+v", got)
	}
	peer.mu.Lock()
	defer peer.mu.Unlock()
	if peer.mu.signed["/users/pat"] == 0 || peer.mu.refuse["/users/pat"] != 0 {
		t.Fatalf("pat's actor: %d signed GETs verified, %d refused", peer.mu.signed["/users/pat"], peer.mu.refuse["/users/pat"])
	}
}
