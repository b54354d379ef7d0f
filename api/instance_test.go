package api_test

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// apiVersion is what one value of api_versions.mastodon adds, from Mastodon's
// documentation (each method's version history names the API version that added it).
type apiVersion struct {
	routes []string // routes it added ({} for a parameter)
	other  string   // additions that are not routes (parameters, values), which a claim must test first
}

var apiVersions = map[int]apiVersion{
	// 1 is the unnumbered API before 4.3; these are the routes clients call first.
	1: {routes: []string{"GET /api/v1/instance", "GET /api/v2/instance", "POST /api/v1/apps", "GET /oauth/authorize",
		"POST /oauth/token", "GET /api/v1/accounts/verify_credentials", "GET /api/v1/timelines/home",
		"GET /api/v1/notifications", "POST /api/v1/statuses", "GET /api/v1/streaming"}},
	2: {routes: []string{"GET /api/v2/notifications", "GET /api/v2/notifications/unread_count",
		"GET /api/v2/notifications/{}", "GET /api/v2/notifications/{}/accounts", "POST /api/v2/notifications/{}/dismiss"}},
	3: {other: "attribution_domains in update_credentials and the account's source"},
	4: {routes: []string{"DELETE /api/v1/media/{}"}, other: "delete_media on DELETE /api/v1/statuses/:id"},
	5: {other: `the "blur" filter action`, routes: []string{"GET /api/v2/filters"}},
	6: {other: "Mastodon 4.4's version 6 (its additions are not in the documentation)"},
	7: {routes: []string{"GET /api/v1/statuses/{}/quotes", "POST /api/v1/statuses/{}/quotes/{}/revoke",
		"PUT /api/v1/statuses/{}/interaction_policy"}, other: "quoted_status_id on POST /api/v1/statuses"},
	8: {routes: []string{"GET /api/v1/annual_reports/{}/state", "POST /api/v1/annual_reports/{}/generate",
		"GET /api/v1/profile", "PATCH /api/v1/profile"}},
	9:  {other: "avatar_description and header_description in the profile"},
	10: {routes: []string{"POST /api/v1/collections", "GET /api/v1/collections/{}"}},
}

// instanceClaims is what GET /api/v2/instance says Herd can do.
type instanceClaims struct {
	APIVersions struct {
		Mastodon int `json:"mastodon"`
	} `json:"api_versions"`
	Configuration struct {
		URLs struct {
			Streaming, About, PrivacyPolicy, TermsOfService *string
		} `json:"urls"`
		Vapid struct {
			PublicKey string `json:"public_key"`
		} `json:"vapid"`
		Accounts struct {
			MaxFeaturedTags   int `json:"max_featured_tags"`
			MaxPinnedStatuses int `json:"max_pinned_statuses"`
		} `json:"accounts"`
		Statuses struct {
			MaxMediaAttachments int `json:"max_media_attachments"`
		} `json:"statuses"`
		MediaAttachments struct {
			SupportedMimeTypes []string `json:"supported_mime_types"`
			ImageSizeLimit     int      `json:"image_size_limit"`
			VideoSizeLimit     int      `json:"video_size_limit"`
		} `json:"media_attachments"`
		Polls struct {
			MaxOptions int `json:"max_options"`
		} `json:"polls"`
		Translation struct {
			Enabled bool `json:"enabled"`
		} `json:"translation"`
		TimelinesAccess map[string]map[string]string `json:"timelines_access"`
	} `json:"configuration"`
	Registrations struct {
		Enabled bool `json:"enabled"`
	} `json:"registrations"`
}

// routeSet is the node's routes as "METHOD /path/{}", parameters unnamed.
func routeSet(c *testrig.Cluster) map[string]bool {
	set := map[string]bool{}
	for method, list := range c.Nodes[0].Routes() {
		for _, r := range list {
			set[method+" "+routeParam.ReplaceAllString(r, "{}")] = true
		}
	}
	return set
}

// TestAPIVersionClaim: api_versions.mastodon is the highest version whose additions
// Herd serves: every route of the versions up to it is registered, and the next
// version that adds routes lacks one.
func TestAPIVersionClaim(t *testing.T) {
	c := testrig.New(t)
	var got instanceClaims
	c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).JSON(t, &got)
	routes, claimed := routeSet(c), got.APIVersions.Mastodon
	if claimed < 1 {
		t.Fatalf("api_versions.mastodon %d", claimed)
	}
	for v := 1; v <= claimed; v++ {
		for _, r := range apiVersions[v].routes {
			if !routes[r] {
				t.Errorf("api_versions.mastodon %d claims version %d, whose %s is not served", claimed, v, r)
			}
		}
		if v > 1 && apiVersions[v].other != "" {
			t.Errorf("api_versions.mastodon %d claims %s: test it here, then drop it from the table", claimed, apiVersions[v].other)
		}
	}
	// The next version lacks something: an addition not tested here, or a route.
	next := apiVersions[claimed+1]
	if next.other == "" && !slices.ContainsFunc(next.routes, func(r string) bool { return !routes[r] }) {
		t.Errorf("every route of version %d is served: raise api_versions.mastodon from %d, or list what is missing", claimed+1, claimed)
	}
}

// TestInstanceClaims: each feature the instance configuration advertises is served, and
// the v1 document says the same as v2.
func TestInstanceClaims(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	routes := routeSet(c)
	var got instanceClaims
	v2 := c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200)
	v2.JSON(t, &got)
	cfg := got.Configuration
	served := func(feature string, rs ...string) {
		t.Helper()
		for _, r := range rs {
			if !routes[r] {
				t.Errorf("the instance advertises %s, but %s is not served", feature, r)
			}
		}
	}
	media := cfg.MediaAttachments
	if cfg.Statuses.MaxMediaAttachments > 0 || len(media.SupportedMimeTypes) > 0 || media.ImageSizeLimit > 0 || media.VideoSizeLimit > 0 {
		served("media attachments", "POST /api/v2/media", "GET /api/v1/media/{}", "PUT /api/v1/media/{}")
		checkMediaTypes(t, c, alice, media.SupportedMimeTypes, media.VideoSizeLimit)
	}
	if cfg.Polls.MaxOptions > 0 {
		served("polls", "GET /api/v1/polls/{}", "POST /api/v1/polls/{}/votes")
		c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"?"}, "poll[options][]": {"a", "b"},
			"poll[expires_in]": {"3600"}}), 200)
	}
	if cfg.Accounts.MaxFeaturedTags > 0 {
		served("featured tags", "GET /api/v1/featured_tags", "POST /api/v1/featured_tags")
	}
	if cfg.Accounts.MaxPinnedStatuses > 0 {
		alice.Act(alice.PostStatus("pin me").ID, "pin")
	}
	if cfg.Translation.Enabled {
		served("translation", "POST /api/v1/statuses/{}/translate", "GET /api/v1/instance/translation_languages")
	}
	if cfg.Vapid.PublicKey != "" {
		served("Web Push", "POST /api/v1/push/subscription", "GET /api/v1/push/subscription")
	}
	if cfg.URLs.Streaming != nil {
		served("streaming", "GET /api/v1/streaming")
		c.Must(c.Do("GET", "/api/v1/streaming/health", "", nil), 200)
	}
	for name, u := range map[string]*string{"about": cfg.URLs.About, "privacy_policy": cfg.URLs.PrivacyPolicy,
		"terms_of_service": cfg.URLs.TermsOfService} {
		if u != nil {
			p, err := url.Parse(*u)
			if err != nil {
				t.Fatalf("urls.%s %q: %v", name, *u, err)
			}
			served("urls."+name, "GET "+p.Path)
		}
	}
	checkTimelinesAccess(t, c, cfg.TimelinesAccess, served)
	checkV1Configuration(t, c, v2)
}

// checkV1Configuration: the v1 instance document advertises what v2 does (less urls).
func checkV1Configuration(t *testing.T, c *testrig.Cluster, v2 *testrig.Response) {
	t.Helper()
	var v1, v2cfg struct {
		Configuration map[string]any `json:"configuration"`
	}
	c.Must(c.Do("GET", "/api/v1/instance", "", nil), 200).JSON(t, &v1)
	v2.JSON(t, &v2cfg)
	delete(v2cfg.Configuration, "urls")
	if !reflect.DeepEqual(v1.Configuration, v2cfg.Configuration) {
		t.Errorf("v1 configuration %v\nv2 configuration %v", v1.Configuration, v2cfg.Configuration)
	}
}

func checkTimelinesAccess(t *testing.T, c *testrig.Cluster, access map[string]map[string]string, served func(string, ...string)) {
	t.Helper()
	open := func(feed string) bool {
		a, ok := access[feed]
		return ok && (a["local"] != "disabled" || a["remote"] != "disabled")
	}
	if open("live_feeds") {
		c.Must(c.Do("GET", "/api/v1/timelines/public", "", url.Values{"local": {"true"}}), 200)
	}
	if open("hashtag_feeds") {
		c.Must(c.Do("GET", "/api/v1/timelines/tag/herd", "", nil), 200)
	}
	if open("trending_link_feeds") {
		served("the trending-link feed", "GET /api/v1/timelines/link")
	}
}

// TestDiscoveryClaims: the OAuth server metadata names only served endpoints and
// grants, and NodeInfo agrees with the instance about registrations and users.
func TestDiscoveryClaims(t *testing.T) {
	for _, open := range []bool{true, false} {
		t.Run(map[bool]string{true: "open", false: "closed"}[open], func(t *testing.T) {
			c := testrig.New(t, testrig.Config(func(cfg *node.Config) {
				cfg.Registrations = map[bool]string{true: "open", false: "closed"}[open]
			}))
			checkOAuthMetadata(t, c)
			var inst instanceClaims
			c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).JSON(t, &inst)
			var ni struct {
				Protocols         []string                       `json:"protocols"`
				Services          map[string][]string            `json:"services"`
				OpenRegistrations bool                           `json:"openRegistrations"`
				Usage             struct{ Users map[string]int } `json:"usage"`
			}
			c.Must(c.Do("GET", "/nodeinfo/2.1", "", nil), 200).JSON(t, &ni)
			if inst.Registrations.Enabled != open || ni.OpenRegistrations != open {
				t.Fatalf("registrations %v, NodeInfo openRegistrations %v, want %v", inst.Registrations.Enabled, ni.OpenRegistrations, open)
			}
			r := c.Do("POST", "/api/v1/accounts", c.AppToken(), url.Values{"username": {"carol"},
				"email": {"carol@example.com"}, "password": {"correct horse battery"}, "agreement": {"true"}})
			if (r.Code == 200) != open {
				t.Fatalf("registration with registrations %v: %d %s", open, r.Code, r.Body)
			}
			if !slices.Equal(ni.Protocols, []string{"activitypub"}) || len(ni.Services["inbound"])+len(ni.Services["outbound"]) != 0 {
				t.Fatalf("NodeInfo protocols %v, services %v", ni.Protocols, ni.Services)
			}
			if !routeSet(c)["POST /users/{}/inbox"] {
				t.Fatal("NodeInfo claims ActivityPub, but there is no inbox")
			}
		})
	}
}

func checkOAuthMetadata(t *testing.T, c *testrig.Cluster) {
	t.Helper()
	var meta map[string]json.RawMessage
	c.Must(c.Do("GET", "/.well-known/oauth-authorization-server", "", nil), 200).JSON(t, &meta)
	routes := routeSet(c)
	for field, method := range map[string]string{"authorization_endpoint": "GET", "token_endpoint": "POST",
		"revocation_endpoint": "POST", "app_registration_endpoint": "POST", "userinfo_endpoint": "GET"} {
		var u string
		if raw, ok := meta[field]; !ok {
			continue
		} else if err := json.Unmarshal(raw, &u); err != nil {
			t.Fatalf("%s: %v", field, err)
		}
		p, err := url.Parse(u)
		if err != nil || !routes[method+" "+p.Path] {
			t.Errorf("%s %q is not served (%v)", field, u, err)
		}
	}
	var grants, modes []string
	if err := json.Unmarshal(meta["grant_types_supported"], &grants); err != nil {
		t.Fatalf("grant_types_supported: %v", err)
	}
	if err := json.Unmarshal(meta["response_modes_supported"], &modes); err != nil {
		t.Fatalf("response_modes_supported: %v", err)
	}
	id, secret := c.App()
	for _, g := range grants {
		r := c.Do("POST", "/oauth/token", "", url.Values{"grant_type": {g}, "client_id": {id}, "client_secret": {secret}})
		if strings.Contains(string(r.Body), "unsupported_grant_type") {
			t.Errorf("grant %s is advertised but refused: %s", g, r.Body)
		}
	}
	if !slices.Equal(modes, []string{"query"}) {
		t.Errorf("response modes %v: the sign-in page redirects with a query only", modes)
	}
}

// TestUserinfo: the userinfo endpoint the OAuth metadata names answers a token with the
// profile scope with OpenID claims, by GET and POST, and refuses other tokens.
func TestUserinfo(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	tok, err := c.Nodes[0].AdminToken(context.Background(), "alice", "profile")
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"GET", "POST"} {
		var claims map[string]string
		c.Must(c.Do(method, "/oauth/userinfo", tok, nil), 200).JSON(t, &claims)
		if claims["iss"] != "http://localhost:8080/" || claims["sub"] != "http://localhost:8080/users/alice" ||
			claims["preferred_username"] != "alice" || claims["profile"] != "http://localhost:8080/@alice" ||
			!strings.HasPrefix(claims["picture"], "http") {
			t.Fatalf("%s userinfo: %v", method, claims)
		}
	}
	c.Must(c.Do("GET", "/oauth/userinfo", alice.Token, nil), 403)
	c.Must(c.Do("GET", "/oauth/userinfo", "", nil), 401)
}
