package activitypub_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/herd-social/herd/activitypub/httpsig"
	"github.com/herd-social/herd/testrig"
)

// publishedContexts serves the JSON-LD contexts an LD-signed activity names, from the
// copies of the published documents kept in ldsig/contexts, and refuses any other.
type publishedContexts struct{}

func (publishedContexts) LoadDocument(u string) (*ld.RemoteDocument, error) {
	file := map[string]string{
		"https://www.w3.org/ns/activitystreams": "activitystreams", "https://w3id.org/security/v1": "security-v1",
		"https://w3id.org/identity/v1": "identity-v1",
	}[u]
	if file == "" {
		return nil, fmt.Errorf("context %s is not a published one this test knows", u)
	}
	b, err := os.ReadFile("ldsig/contexts/" + file + ".jsonld")
	if err != nil {
		return nil, err
	}
	doc, err := ld.DocumentFromReader(bytes.NewReader(b))
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, err
}

// safeHash canonicalises doc (URDNA2015) in the JSON-LD processor's safe mode, which
// refuses a property that expands to no IRI instead of dropping it, as jsonld.js (the
// processor Fedify hashes with) does by default since its version 8.
func safeHash(doc map[string]any) (string, error) {
	opts := ld.NewJsonLdOptions("")
	opts.Algorithm, opts.Format = ld.AlgorithmURDNA2015, "application/n-quads"
	opts.DocumentLoader, opts.SafeMode = publishedContexts{}, true
	// json-gold heeds SafeMode when expanding, not within Normalize: expand first. A
	// term the contexts do not define becomes a blank-node property through the
	// ActivityStreams context's "@vocab": "_:", which jsonld.js's safe mode refuses
	// (and RDF drops): refuse it here too.
	expanded, err := ld.NewJsonLdProcessor().Expand(doc, opts)
	if err != nil {
		return "", err
	}
	if p := blankProperty(expanded); p != "" {
		return "", fmt.Errorf("property %s is not defined by the contexts", p)
	}
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(out.(string)))
	return hex.EncodeToString(sum[:]), nil
}

// TestLDSignaturesVerifyInSafeMode: the activities Herd LD-signs for relays (posts, a
// poll, a post with a content warning, a picture with its focus and a custom emoji, a
// boost, an edit, a deletion) verify by
// RsaSignature2017 as a peer checks them, computed here with the JSON-LD processor
// in safe mode and the author's key from its actor, not with package ldsig.
func TestLDSignaturesVerifyInSafeMode(t *testing.T) {
	a := testrig.New(t, testrig.Host(t, "alpha"))
	relay := newFakeRelay(t)
	_, admin := a.RegisterModerator("root")
	alice := a.Register("alice")
	subscribe(t, a, admin, relay)
	post := alice.PostStatus("Hello #tag @root, through the relay")
	alice.PostStatus("A poll", "poll[options][0]", "tea", "poll[options][1]", "coffee", "poll[expires_in]", "3600")
	alice.PostStatus("Behind a warning", "spoiler_text", "cw", "language", "fr")
	alice.Act(post.ID, "reblog")
	alice.Edit(post.ID, "Edited")
	alice.Delete(alice.PostStatus("Deleted soon").ID)
	// A picture with its focus and a custom emoji: blurhash, focalPoint and Emoji must
	// be terms of the context.
	img, err := os.ReadFile("../mediaproc/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Nodes[0].AdminAddEmoji(t.Context(), "blobcat", "../mediaproc/testdata/alpha.png", ""); err != nil {
		t.Fatal(err)
	}
	var up struct{ ID string }
	a.Must(a.DoMultipart("POST", "/api/v1/media", alice.Token, url.Values{"description": {"a beach"},
		"focus": {"0.5,-0.25"}}, "file", "beach.jpg", img), 200).JSON(t, &up)
	a.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"look :blobcat:"}, "media_ids[]": {up.ID}}), 200)
	var signed []map[string]any
	testrig.Eventually(t, "the signed activities at the relay, the picture's last", func() error {
		signed = signed[:0]
		var types []any
		for _, act := range relay.received() {
			if _, ok := act["signature"]; ok {
				signed, types = append(signed, act), append(types, act["type"])
			}
		}
		if len(signed) < 7 ||
			!strings.Contains(fmt.Sprint(signed[len(signed)-1]["object"]), "focalPoint") {
			return fmt.Errorf("signed activities: %v", types)
		}
		return nil
	})
	actor := a.Must(a.Do("GET", "/users/alice", "", nil), 200).Object(t)
	pub, err := httpsig.DecodePublicKeyPEM(testrig.At[string](t, actor, "publicKey", "publicKeyPem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range signed {
		if err := verifySafe(act, pub); err != nil {
			b, _ := json.Marshal(act)
			t.Errorf("%s %v: %v\n%s", act["type"], act["id"], err, b)
		}
	}
}

// verifySafe checks an RsaSignature2017 as Mastodon's and Fedify's verifiers do: the
// hash of the options (the signature without type, id and value, under the identity
// context) followed by the hash of the document without its signature.
func verifySafe(act map[string]any, pub *rsa.PublicKey) error {
	sig := act["signature"].(map[string]any)
	value, err := base64.StdEncoding.DecodeString(fmt.Sprint(sig["signatureValue"]))
	if err != nil {
		return err
	}
	options := map[string]any{"@context": "https://w3id.org/identity/v1"}
	for k, v := range sig {
		if k != "type" && k != "id" && k != "signatureValue" {
			options[k] = v
		}
	}
	doc := map[string]any{}
	for k, v := range act {
		if k != "signature" {
			doc[k] = v
		}
	}
	oh, err := safeHash(options)
	if err != nil {
		return fmt.Errorf("hash the options: %w", err)
	}
	dh, err := safeHash(doc)
	if err != nil {
		return fmt.Errorf("hash the document: %w", err)
	}
	sum := sha256.Sum256([]byte(oh + dh))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], value)
}

// blankProperty finds a property of an expanded document that is a blank node.
func blankProperty(v any) string {
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			if p := blankProperty(x); p != "" {
				return p
			}
		}
	case map[string]any:
		for k, x := range t {
			if strings.HasPrefix(k, "_:") {
				return k
			}
			if p := blankProperty(x); p != "" {
				return p
			}
		}
	}
	return ""
}
