package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

func TestParseScopes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // nil: invalid
	}{
		{"", []string{"read"}},
		{"   ", []string{"read"}},
		{"read write follow push", []string{"read", "write", "follow", "push"}},
		{"read+write:statuses", []string{"read", "write:statuses"}},
		{"read,write", []string{"read", "write"}},
		{"read read:accounts read", []string{"read", "read:accounts"}},
		{"admin:read admin:write:reports profile", []string{"admin:read", "admin:write:reports", "profile"}},
		{"read:nothing", nil},
		{"admin", nil},
		{"push:subscriptions", nil},
		{"READ", nil},
		{"read delete", nil},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := auth.ParseScopes(tc.in)
			if tc.want == nil {
				if !errors.Is(err, auth.ErrInvalidScope) {
					t.Fatalf("ParseScopes(%q) = %v, %v; want ErrInvalidScope", tc.in, got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("ParseScopes(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestGrants(t *testing.T) {
	for _, tc := range []struct {
		held []string
		need string
		want bool
	}{
		{[]string{"read"}, "read", true},
		{[]string{"read"}, "read:statuses", true},
		{[]string{"read"}, "write:statuses", false},
		{[]string{"read:statuses"}, "read", false},
		{[]string{"read:statuses"}, "read:accounts", false},
		{[]string{"write:statuses", "read:accounts"}, "read:accounts", true},
		{[]string{"follow"}, "read:follows", true},
		{[]string{"follow"}, "write:blocks", true},
		{[]string{"follow"}, "read:statuses", false},
		{[]string{"admin:read"}, "admin:read:accounts", true},
		{[]string{"admin:read"}, "admin:write:accounts", false},
		{[]string{"admin:read:accounts"}, "admin:read", false},
		{[]string{"write"}, "admin:write:reports", false},
		{[]string{"push"}, "push", true},
		{nil, "read", false},
	} {
		if got := auth.Grants(tc.held, tc.need); got != tc.want {
			t.Errorf("Grants(%v, %q) = %v, want %v", tc.held, tc.need, got, tc.want)
		}
	}
	if !auth.Subset([]string{"read:statuses", "write"}, []string{"read", "write"}) ||
		auth.Subset([]string{"read", "admin:read"}, []string{"read", "write"}) {
		t.Error("Subset: want true when every requested scope is granted, false otherwise")
	}
	all := auth.AllScopes()
	for _, s := range all {
		if !auth.Known(s) {
			t.Errorf("AllScopes lists %q, which is not Known", s)
		}
	}
	if all[0] != "read" || !slices.Contains(all, "admin:write:canonical_email_blocks") {
		t.Errorf("AllScopes = %v: want parents first and every child", all)
	}
}

// rig is the OAuth service on a store of the test shape, with a fixed clock.
func rig(t *testing.T) (*auth.Service, time.Time) {
	ids, err := shard.NewGenerator(1, shard.DefaultNodeBits, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return auth.New(testrig.Store(t, auth.Schema()...), ids, func() time.Time { return now }), now
}

func TestApps(t *testing.T) {
	ctx := context.Background()
	svc, now := rig(t)
	app, err := svc.CreateApp(ctx, auth.NewApp{Name: "Tusky", Website: "https://tusky.app", Scopes: "read write:statuses",
		RedirectURIs: []string{"https://tusky.app/callback", auth.OOB}})
	if err != nil {
		t.Fatal(err)
	}
	if app.ClientID == "" || app.ClientSecret == "" || app.ClientID == app.ClientSecret ||
		!slices.Equal(app.Scopes, []string{"read", "write:statuses"}) || !app.CreatedAt.Equal(now) {
		t.Fatalf("app %+v", app)
	}
	if !app.HasRedirect(auth.OOB) || !app.HasRedirect("https://tusky.app/callback") || app.HasRedirect("https://tusky.app/") {
		t.Fatalf("HasRedirect of %v", app.RedirectURIs)
	}
	if got, err := svc.App(ctx, app.ClientID); err != nil || got.Name != "Tusky" || got.ClientSecret != app.ClientSecret {
		t.Fatalf("App = %+v, %v", got, err)
	}
	if _, err := svc.Client(ctx, app.ClientID, app.ClientSecret); err != nil {
		t.Fatalf("Client with the secret: %v", err)
	}
	for name, try := range map[string][2]string{
		"a wrong secret":    {app.ClientID, app.ClientSecret + "x"},
		"no secret":         {app.ClientID, ""},
		"an unknown client": {"nobody", app.ClientSecret},
	} {
		if _, err := svc.Client(ctx, try[0], try[1]); !errors.Is(err, auth.ErrInvalidClient) {
			t.Errorf("Client with %s: %v, want ErrInvalidClient", name, err)
		}
	}

	for _, tc := range []struct {
		name string
		app  auth.NewApp
	}{
		{"no name", auth.NewApp{Name: " ", RedirectURIs: []string{auth.OOB}}},
		{"a long name", auth.NewApp{Name: string(make([]byte, 61)), RedirectURIs: []string{auth.OOB}}},
		{"a script website", auth.NewApp{Name: "x", Website: "javascript:alert(1)", RedirectURIs: []string{auth.OOB}}},
		{"a relative website", auth.NewApp{Name: "x", Website: "/home", RedirectURIs: []string{auth.OOB}}},
		{"no redirect", auth.NewApp{Name: "x"}},
		{"a relative redirect", auth.NewApp{Name: "x", RedirectURIs: []string{"/callback"}}},
		{"a redirect with a fragment", auth.NewApp{Name: "x", RedirectURIs: []string{"https://a.example/cb#x"}}},
		{"a script redirect", auth.NewApp{Name: "x", RedirectURIs: []string{"javascript:alert(1)"}}},
		{"a data redirect", auth.NewApp{Name: "x", RedirectURIs: []string{"data:text/html,hi"}}},
		{"an unknown scope", auth.NewApp{Name: "x", Scopes: "read everything", RedirectURIs: []string{auth.OOB}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.CreateApp(ctx, tc.app)
			var v *auth.Validation
			if !errors.As(err, &v) {
				t.Fatalf("CreateApp: %v, want a validation error", err)
			}
		})
	}
	if _, err := svc.CreateApp(ctx, auth.NewApp{Name: "native", RedirectURIs: []string{"com.example.app:/oauth"}}); err != nil {
		t.Fatalf("an app's own scheme as redirect: %v", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	svc, now := rig(t)
	app, err := svc.CreateApp(ctx, auth.NewApp{Name: "a", RedirectURIs: []string{auth.OOB}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.CreateApp(ctx, auth.NewApp{Name: "b", RedirectURIs: []string{auth.OOB}})
	if err != nil {
		t.Fatal(err)
	}
	raw, tok, err := svc.Issue(ctx, app, 42, []string{"read", "write"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.Verify(ctx, raw)
	if err != nil || got.ID != tok.ID || got.AccountID != 42 || got.ClientID != app.ClientID || got.AppID != app.ID ||
		!slices.Equal(got.Scopes, []string{"read", "write"}) || !got.CreatedAt.Equal(now) {
		t.Fatalf("Verify = %+v, %v; want %+v", got, err, tok)
	}
	appRaw, appTok, err := svc.Issue(ctx, app, 0, []string{"read"})
	if err != nil || appTok.AccountID != 0 || appRaw == raw {
		t.Fatalf("app token %+v, %v", appTok, err)
	}
	for _, bad := range []string{"", "not a token", raw + "x", string(make([]byte, 513))} {
		if _, err := svc.Verify(ctx, bad); !errors.Is(err, auth.ErrInvalidToken) {
			t.Errorf("Verify(%.20q) = %v, want ErrInvalidToken", bad, err)
		}
	}
	if err := svc.Revoke(ctx, other, raw); !errors.Is(err, auth.ErrNotOwner) {
		t.Fatalf("Revoke by another client: %v, want ErrNotOwner", err)
	}
	if err := svc.Revoke(ctx, app, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Verify(ctx, raw); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("Verify after Revoke: %v, want ErrInvalidToken", err)
	}
	if err := svc.Revoke(ctx, app, raw); err != nil {
		t.Fatalf("Revoke of an unknown token: %v, want success", err)
	}
	if _, err := svc.Verify(ctx, appRaw); err != nil {
		t.Fatalf("the other token after Revoke: %v", err)
	}
}

// TestCodes: an authorization code is exchanged once, by its client, with its
// redirect URI and, when it was granted with a PKCE S256 challenge, the verifier.
func TestCodes(t *testing.T) {
	ctx := context.Background()
	svc, _ := rig(t)
	const redirect = "https://client.example/cb"
	app, err := svc.CreateApp(ctx, auth.NewApp{Name: "a", RedirectURIs: []string{redirect, auth.OOB}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.CreateApp(ctx, auth.NewApp{Name: "b", RedirectURIs: []string{redirect}})
	if err != nil {
		t.Fatal(err)
	}
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	for _, tc := range []struct {
		name      string
		challenge string
		app       *auth.App
		redirect  string
		verifier  string
		ok        bool
	}{
		{"plain", "", app, redirect, "", true},
		{"plain, a verifier is ignored", "", app, redirect, "anything", true},
		{"out of band", "", app, auth.OOB, "", true},
		{"another client", "", other, redirect, "", false},
		{"another redirect", "", app, auth.OOB, "", false},
		{"PKCE", challenge, app, redirect, verifier, true},
		{"PKCE, a wrong verifier", challenge, app, redirect, verifier + "x", false},
		{"PKCE, no verifier", challenge, app, redirect, "", false},
		{"PKCE, the challenge as verifier", challenge, app, redirect, challenge, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			granted := redirect
			if tc.name == "out of band" {
				granted = auth.OOB
			}
			code, err := svc.NewCode(ctx, auth.Grant{App: app, AccountID: 7, RedirectURI: granted,
				Scopes: []string{"read", "write:statuses"}, Challenge: tc.challenge})
			if err != nil {
				t.Fatal(err)
			}
			raw, tok, err := svc.Exchange(ctx, tc.app, code, tc.redirect, tc.verifier)
			if !tc.ok {
				if !errors.Is(err, auth.ErrInvalidGrant) {
					t.Fatalf("Exchange = %v, want ErrInvalidGrant", err)
				}
			} else {
				if err != nil {
					t.Fatalf("Exchange: %v", err)
				}
				if tok.AccountID != 7 || !slices.Equal(tok.Scopes, []string{"read", "write:statuses"}) {
					t.Fatalf("token %+v", tok)
				}
				if v, err := svc.Verify(ctx, raw); err != nil || v.ID != tok.ID {
					t.Fatalf("Verify the exchanged token: %+v, %v", v, err)
				}
			}
			// A code is used up by its first exchange, failed or not.
			if _, _, err := svc.Exchange(ctx, app, code, granted, verifier); !errors.Is(err, auth.ErrInvalidGrant) {
				t.Fatalf("second Exchange = %v, want ErrInvalidGrant", err)
			}
		})
	}
	if _, _, err := svc.Exchange(ctx, app, "never issued", redirect, ""); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Fatalf("Exchange of an unknown code = %v, want ErrInvalidGrant", err)
	}
	for _, tb := range auth.Schema() {
		if tb.Name == "oauth_codes" && tb.TTL != auth.CodeTTL {
			t.Fatalf("codes live %v, want %v", tb.TTL, auth.CodeTTL)
		}
	}
}
