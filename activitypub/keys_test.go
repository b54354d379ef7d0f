package activitypub_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/testrig"
)

// keyPeer is a server whose documents a test writes, path by path; some are served
// only to GETs whose signature verifies with the key of the signer's actor, which the
// peer fetches, as secure-mode Mastodon and GoToSocial serve their actors.
type keyPeer struct {
	srv    *httptest.Server
	domain string
	mu     struct {
		sync.Mutex
		docs   map[string]peerDoc
		signed map[string]int // path → verified signed GETs
		refuse map[string]int // path → GETs refused for want of a signature
	}
}

type peerDoc struct {
	body       string
	signedOnly bool
	html       bool // a web page, not a document
	gone       bool // 410 Gone
}

func newKeyPeer(t *testing.T, name string) *keyPeer {
	p := &keyPeer{}
	p.mu.docs, p.mu.signed, p.mu.refuse = map[string]peerDoc{}, map[string]int{}, map[string]int{}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	_, port, _ := net.SplitHostPort(p.srv.Listener.Addr().String())
	p.domain = name + ".localhost:" + port
	return p
}

// put serves body at path.
func (p *keyPeer) put(path string, doc peerDoc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mu.docs[path] = doc
}

func (p *keyPeer) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	doc, ok := p.mu.docs[r.URL.Path]
	p.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if doc.gone {
		http.Error(w, `{"error":"Gone"}`, 410)
		return
	}
	if doc.signedOnly || r.Header.Get("Signature") != "" {
		sreq := httpsig.FromNetHTTP(r, nil)
		sreq.Scheme = "http"
		_, err := httpsig.Verify(r.Context(), sreq, time.Now(), fetchSignerKey)
		p.mu.Lock()
		if err != nil {
			p.mu.refuse[r.URL.Path]++
		} else {
			p.mu.signed[r.URL.Path]++
		}
		p.mu.Unlock()
		if err != nil {
			http.Error(w, `{"error":"Request not signed"}`, 401)
			return
		}
	}
	w.Header().Set("Content-Type", "application/activity+json")
	if doc.html {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	io.WriteString(w, doc.body)
}

// fetchSignerKey fetches the actor of a keyId (unsigned: Herd serves its instance
// actor to anyone) and returns its key; .localhost names resolve to loopback.
func fetchSignerKey(ctx context.Context, keyID string, _ bool) (crypto.PublicKey, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(keyID, "#main-key"), nil)
	req.Header.Set("Accept", "application/activity+json")
	client, err := activitypub.NewHTTPClient(activitypub.ClientOptions{AllowHTTP: true, AllowPrivate: true})
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var actor struct {
		PublicKey struct{ PublicKeyPem string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&actor); err != nil {
		return nil, err
	}
	return httpsig.DecodePublicKeyPEM(actor.PublicKey.PublicKeyPem)
}

// TestKeyShapes runs testdata/keys: the key documents servers publish, served by a
// peer, and the inbox's answer to activities signed with them. Commands:
//
//	serve PATH [signed]        the peer serves the input at PATH (only to signed GETs)
//	gone PATH                  the peer answers 410 at PATH
//	resolve URL                alice searches URL with resolve: the account found
//	                           (retried until it is as expected, the inbox being
//	                           asynchronous)
//	deliver ACTOR KEYID KEY [delete]
//	                           a Like by ACTOR (or the Delete of ACTOR), signed with
//	                           KEY (k1, k2, k3) as KEYID and POSTed to the shared
//	                           inbox: the status code
//	follow ACTOR KEYID KEY alice
//	                           ACTOR follows alice, signed the same way
//	followers alice            the names of alice's followers, as her server shows them
//	gets PATH                  the signed GETs the peer verified, and those it refused
//
// $peer is the peer's base URL, $alpha the node's; $pemK, $mbK (RSA Multikey) and
// $ed (an Ed25519 Multikey) are the public keys.
func TestKeyShapes(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	peer := newKeyPeer(t, "peer")
	keys := map[string]*rsa.PrivateKey{}
	edKey := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	names := map[string]string{"$peer": "http://" + peer.domain, "$alpha": "http://" + c.Nodes[0].Config().Domain,
		"$ed": "z" + base58(append([]byte{0xed, 0x01}, edKey.Public().(ed25519.PublicKey)...))}
	for _, k := range []string{"k1", "k2", "k3"} {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		keys[k] = priv
		der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
		pemText, _ := json.Marshal(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
		names["$pem"+k[1:]] = strings.Trim(string(pemText), `"`)
		names["$mb"+k[1:]] = "z" + base58(append([]byte{0x85, 0x24}, x509.MarshalPKCS1PublicKey(&priv.PublicKey)...))
	}
	in := func(s string) string {
		var args []string
		for n, v := range names {
			args = append(args, n, v)
		}
		return strings.NewReplacer(args...).Replace(s)
	}
	datadriven.RunTest(t, "testdata/keys", func(t *testing.T, d *datadriven.TestData) string {
		switch d.Cmd {
		case "serve":
			peer.put(arg(t, d, 0), peerDoc{body: in(d.Input), signedOnly: d.HasArg("signed")})
			return "ok"
		case "gone":
			peer.put(arg(t, d, 0), peerDoc{gone: true})
			return "ok"
		case "resolve":
			return d.RetryFor(t, testrig.Wait(), func() string {
				var out []string
				for _, a := range alice.Search(in(arg(t, d, 0)), "resolve", "true").Accounts {
					out = append(out, a.DisplayName+" ("+a.Username+")")
				}
				return lines(out)
			})
		case "deliver", "follow":
			actor := names["$peer"] + arg(t, d, 0)
			act := map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
				"id": fmt.Sprintf("%s/activities/%d", actor, time.Now().UnixNano()), "type": "Like", "actor": actor,
				"object": names["$alpha"] + "/users/alice/statuses/1"}
			if d.HasArg("delete") {
				act["type"], act["object"] = "Delete", actor
			}
			if d.Cmd == "follow" {
				act["type"], act["object"] = "Follow", names["$alpha"]+"/users/"+arg(t, d, 3)
			}
			if arg(t, d, 2) == "ed" {
				return fmt.Sprint(edPost(t, c, act, in(arg(t, d, 1)), edKey))
			}
			return fmt.Sprint(signedPost(t, c, "/inbox", act, in(arg(t, d, 1)), keys[arg(t, d, 2)]))
		case "followers":
			return d.RetryFor(t, testrig.Wait(), func() string {
				u := c.Anonymous()
				var acct testrig.Account
				c.Must(u.Do("GET", "/api/v1/accounts/lookup?acct="+arg(t, d, 0), nil), 200).JSON(t, &acct)
				var out []string
				for _, f := range u.Followers(acct.ID) {
					out = append(out, f.DisplayName+" ("+f.Username+")")
				}
				sort.Strings(out)
				return lines(out)
			})
		case "gets":
			peer.mu.Lock()
			defer peer.mu.Unlock()
			p := arg(t, d, 0)
			return fmt.Sprintf("signed %t, refused %d", peer.mu.signed[p] > 0, peer.mu.refuse[p])
		}
		d.Fatalf(t, "unknown command %s", d.Cmd)
		return ""
	})
}

// signedPost POSTs an activity to an inbox of a node, signed with key as keyID (nil:
// unsigned), and returns the status code.
func signedPost(t *testing.T, c *testrig.Cluster, path string, act map[string]any, keyID string, key *rsa.PrivateKey) int {
	t.Helper()
	body, _ := json.Marshal(act)
	req, _ := http.NewRequest("POST", c.URL()+path, bytes.NewReader(body))
	req.Host = c.Nodes[0].Config().Domain
	req.Header.Set("Content-Type", "application/activity+json")
	if key != nil {
		if err := httpsig.Sign(req, body, keyID, key, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// edPost POSTs an activity to the shared inbox of a node, signed under RFC 9421 with
// an Ed25519 key as keyID (the base built by hand), and returns the status code.
func edPost(t *testing.T, c *testrig.Cluster, act map[string]any, keyID string, key ed25519.PrivateKey) int {
	t.Helper()
	body, _ := json.Marshal(act)
	sum := sha256.Sum256(body)
	digest := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
	params := `("@method" "@target-uri" "content-digest");created=` + strconv.FormatInt(time.Now().Unix(), 10) +
		`;keyid="` + keyID + `";alg="ed25519"`
	base := `"@method": POST` + "\n" + `"@target-uri": http://` + c.Nodes[0].Config().Domain + "/inbox\n" +
		`"content-digest": ` + digest + "\n" + `"@signature-params": ` + params
	req, _ := http.NewRequest("POST", c.URL()+"/inbox", bytes.NewReader(body))
	req.Host = c.Nodes[0].Config().Domain
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Content-Digest", digest)
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(ed25519.Sign(key, []byte(base)))+":")
	code, _ := send(t, req)
	return code
}

// base58 encodes b in Bitcoin's base58, for Multikeys.
func base58(b []byte) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	n := new(big.Int).SetBytes(b)
	var out []byte
	mod, radix := new(big.Int), big.NewInt(58)
	for n.Sign() > 0 {
		n.DivMod(n, radix, mod)
		out = append(out, alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// TestInstanceActorBoxes: the instance actor's outbox is an empty collection, and its
// inbox takes signed activities as the shared inbox does, and refuses unsigned ones.
func TestInstanceActorBoxes(t *testing.T) {
	c := testrig.New(t, testrig.Host(t, "alpha"))
	alice := c.Register("alice")
	base := "http://" + c.Nodes[0].Config().Domain
	inst := c.Must(c.Do("GET", "/actor", "", nil), 200).Object(t)
	if inst["outbox"] != base+"/actor/outbox" || inst["inbox"] != base+"/actor/inbox" {
		t.Fatalf("instance actor boxes %v %v", inst["outbox"], inst["inbox"])
	}
	outbox := c.Must(c.Do("GET", "/actor/outbox", "", nil), 200).Object(t)
	if outbox["type"] != "OrderedCollection" || outbox["totalItems"] != 0.0 || outbox["id"] != base+"/actor/outbox" ||
		testrig.Len(t, outbox, "orderedItems") != 0 {
		t.Fatalf("instance outbox %v", outbox)
	}

	mallory := newFakeRemote(t, "remote")
	follow := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": mallory.actorID() + "/follows/1",
		"type": "Follow", "actor": mallory.actorID(), "object": base + "/users/alice"}
	if code := signedPost(t, c, "/actor/inbox", follow, mallory.actorID()+"#main-key", nil); code != 401 {
		t.Fatalf("unsigned POST to the instance inbox answered %d, want 401", code)
	}
	if code := signedPost(t, c, "/actor/inbox", follow, mallory.actorID()+"#main-key", mallory.key); code != 202 {
		t.Fatalf("signed POST to the instance inbox answered %d, want 202", code)
	}
	me := alice.VerifyCredentials()
	testrig.Eventually(t, "mallory follows alice", func() error {
		if f := alice.Followers(me.ID); len(f) != 1 || f[0].URI != mallory.actorID() {
			return fmt.Errorf("alice's followers %+v", f)
		}
		return nil
	})
}
