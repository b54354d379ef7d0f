// Package auth owns the OAuth 2 model of Mastodon: client applications, authorization
// codes (with PKCE), access tokens and scopes. It stores secrets only as hashes where it
// can, and it must not know HTTP: the api package speaks the protocol on top of it.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

var (
	// ErrInvalidToken is returned for an unknown or revoked token.
	ErrInvalidToken = errors.New("auth: invalid token")
	// ErrInvalidClient is returned for an unknown client or a wrong secret.
	ErrInvalidClient = errors.New("auth: invalid client")
	// ErrInvalidGrant is returned for a bad, used or expired code, or a PKCE mismatch.
	ErrInvalidGrant = errors.New("auth: invalid grant")
	// ErrInvalidScope is returned for scopes that are unknown or not allowed.
	ErrInvalidScope = errors.New("auth: invalid scope")
	// ErrNotOwner is returned when revoking a token of another client.
	ErrNotOwner = errors.New("auth: token belongs to another client")
)

// Validation is a user-facing validation failure (Mastodon answers 422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// OOB is the out-of-band redirect URI: the code is shown to the user.
const OOB = "urn:ietf:wg:oauth:2.0:oob"

// App is a registered client application.
type App struct {
	ID           shard.ID  `cbor:"1,keyasint"`
	ClientID     string    `cbor:"2,keyasint"`
	ClientSecret string    `cbor:"3,keyasint"`
	Name         string    `cbor:"4,keyasint"`
	Website      string    `cbor:"5,keyasint,omitempty"`
	RedirectURIs []string  `cbor:"6,keyasint"`
	Scopes       []string  `cbor:"7,keyasint"`
	CreatedAt    time.Time `cbor:"8,keyasint"`
}

// Token is an access token's record; the token string itself is kept only as a hash.
type Token struct {
	ID        shard.ID  `cbor:"1,keyasint"`
	ClientID  string    `cbor:"2,keyasint"`
	AccountID shard.ID  `cbor:"3,keyasint,omitempty"` // zero for an app token
	Scopes    []string  `cbor:"4,keyasint"`
	CreatedAt time.Time `cbor:"5,keyasint"`
	AppID     shard.ID  `cbor:"6,keyasint,omitempty"`
}

type code struct {
	ClientID    string   `cbor:"1,keyasint"`
	AccountID   shard.ID `cbor:"2,keyasint"`
	RedirectURI string   `cbor:"3,keyasint"`
	Scopes      []string `cbor:"4,keyasint"`
	Challenge   string   `cbor:"5,keyasint,omitempty"`
}

const (
	tApps   = "oauth_apps"
	tTokens = "oauth_tokens"
	tCodes  = "oauth_codes"
	// tByAccount lists the hashes of a user's tokens (partition: the account), so
	// that a password reset can revoke them all; tokens issued before it existed are
	// not listed.
	tByAccount = "oauth_tokens_by_account"
	// CodeTTL is how long an authorization code can be exchanged.
	CodeTTL = 10 * time.Minute
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tApps}, {Name: tTokens}, {Name: tCodes, TTL: CodeTTL}, {Name: tByAccount}}
}

// Service is the OAuth repository and its use cases.
type Service struct {
	st  store.Store
	ids *shard.Generator
	now func() time.Time
}

// New returns a service on st; a nil now uses time.Now.
func New(st store.Store, ids *shard.Generator, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, ids: ids, now: now}
}

var empty = []byte{}

func secret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// NewApp is what POST /api/v1/apps gives.
type NewApp struct {
	Name, Website, Scopes string
	RedirectURIs          []string
}

// CreateApp registers a client application.
func (s *Service) CreateApp(ctx context.Context, n NewApp) (*App, error) {
	if strings.TrimSpace(n.Name) == "" {
		return nil, &Validation{Msg: "Name can't be blank"}
	}
	if len(n.Name) > 60 || len(n.Website) > 2000 {
		return nil, &Validation{Msg: "Name or website is too long"}
	}
	if n.Website != "" && !webURL(n.Website) {
		return nil, &Validation{Msg: "Website is invalid"}
	}
	if len(n.RedirectURIs) == 0 || len(n.RedirectURIs) > 16 {
		return nil, &Validation{Msg: "Redirect URI can't be blank"}
	}
	for _, u := range n.RedirectURIs {
		if err := checkRedirect(u); err != nil {
			return nil, err
		}
	}
	scopes, err := ParseScopes(n.Scopes)
	if err != nil {
		return nil, &Validation{Msg: "Scopes are invalid"}
	}
	app := &App{ID: s.ids.Next(), ClientID: secret(), ClientSecret: secret(), Name: n.Name, Website: n.Website,
		RedirectURIs: n.RedirectURIs, Scopes: scopes, CreatedAt: s.now().UTC()}
	b, err := store.Marshal(app)
	if err != nil {
		return nil, err
	}
	if err := s.st.Put(ctx, tApps, []byte(app.ClientID), empty, b, 0); err != nil {
		return nil, fmt.Errorf("save app: %w", err)
	}
	return app, nil
}

// webURL reports whether u is an absolute http or https URL, as Mastodon's URL
// validator requires of an app's website: it is shown as a link on every status the
// app posts, so a javascript: or data: one would run in the readers' clients.
func webURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

func checkRedirect(u string) error {
	if u == OOB {
		return nil
	}
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || len(u) > 2000 || p.Fragment != "" {
		return &Validation{Msg: "Redirect URI must be an absolute URI."}
	}
	if p.Scheme == "javascript" || p.Scheme == "data" || p.Scheme == "vbscript" {
		return &Validation{Msg: "Redirect URI is not a safe URI."}
	}
	return nil
}

// App returns the application of a client id.
func (s *Service) App(ctx context.Context, clientID string) (*App, error) {
	b, err := s.st.Get(ctx, tApps, []byte(clientID), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidClient
	}
	if err != nil {
		return nil, fmt.Errorf("load app: %w", err)
	}
	var a App
	if err := store.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Client checks a client id and secret.
func (s *Service) Client(ctx context.Context, clientID, clientSecret string) (*App, error) {
	a, err := s.App(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(a.ClientSecret), []byte(clientSecret)) != 1 {
		return nil, ErrInvalidClient
	}
	return a, nil
}

// HasRedirect reports whether uri is one of the app's registered redirect URIs.
func (a *App) HasRedirect(uri string) bool {
	for _, r := range a.RedirectURIs {
		if r == uri {
			return true
		}
	}
	return false
}

// Issue creates a token for an app, for an account (zero for an app token).
func (s *Service) Issue(ctx context.Context, app *App, account shard.ID, scopes []string) (string, *Token, error) {
	raw := secret()
	t := &Token{ID: s.ids.Next(), ClientID: app.ClientID, AppID: app.ID, AccountID: account, Scopes: scopes, CreatedAt: s.now().UTC()}
	b, err := store.Marshal(t)
	if err != nil {
		return "", nil, err
	}
	muts := []store.Mutation{{Kind: store.Put, Table: tTokens, PK: hash(raw), CK: empty, Value: b}}
	if account != 0 {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tByAccount, PK: account.Bytes(), CK: hash(raw), Value: empty})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return "", nil, fmt.Errorf("save token: %w", err)
	}
	return raw, t, nil
}

// RevokeAccount deletes every token of a user (a password reset signs them out
// everywhere, as Mastodon's revoke_access!).
func (s *Service) RevokeAccount(ctx context.Context, account shard.ID) error {
	for {
		rows, err := s.st.Scan(ctx, tByAccount, account.Bytes(), store.Range{Limit: 200})
		if err != nil {
			return fmt.Errorf("list tokens of %d: %w", account, err)
		}
		if len(rows) == 0 {
			return nil
		}
		muts := make([]store.Mutation, 0, 2*len(rows))
		for _, r := range rows {
			muts = append(muts, store.Mutation{Kind: store.Delete, Table: tTokens, PK: r.CK, CK: empty},
				store.Mutation{Kind: store.Delete, Table: tByAccount, PK: account.Bytes(), CK: r.CK})
		}
		if err := s.st.Batch(ctx, muts); err != nil {
			return fmt.Errorf("revoke tokens of %d: %w", account, err)
		}
	}
}

// Verify returns the record of a bearer token.
func (s *Service) Verify(ctx context.Context, raw string) (*Token, error) {
	if raw == "" || len(raw) > 512 {
		return nil, ErrInvalidToken
	}
	b, err := s.st.Get(ctx, tTokens, hash(raw), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("load token: %w", err)
	}
	var t Token
	if err := store.Unmarshal(b, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// Revoke deletes a token of the given client; revoking an unknown token succeeds.
func (s *Service) Revoke(ctx context.Context, app *App, raw string) error {
	t, err := s.Verify(ctx, raw)
	if errors.Is(err, ErrInvalidToken) {
		return nil
	}
	if err != nil {
		return err
	}
	if t.ClientID != app.ClientID {
		return ErrNotOwner
	}
	err = s.st.Batch(ctx, []store.Mutation{{Kind: store.Delete, Table: tTokens, PK: hash(raw), CK: empty},
		{Kind: store.Delete, Table: tByAccount, PK: t.AccountID.Bytes(), CK: hash(raw)}})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// Grant is what a user approved on the authorization page.
type Grant struct {
	App         *App
	AccountID   shard.ID
	RedirectURI string
	Scopes      []string
	// Challenge is the PKCE S256 code_challenge, if the client sent one.
	Challenge string
}

// NewCode stores an authorization code for a grant.
func (s *Service) NewCode(ctx context.Context, g Grant) (string, error) {
	raw := secret()
	b, err := store.Marshal(&code{ClientID: g.App.ClientID, AccountID: g.AccountID, RedirectURI: g.RedirectURI,
		Scopes: g.Scopes, Challenge: g.Challenge})
	if err != nil {
		return "", err
	}
	if err := s.st.Put(ctx, tCodes, hash(raw), empty, b, 0); err != nil {
		return "", fmt.Errorf("save code: %w", err)
	}
	return raw, nil
}

// Exchange trades a code for a token, once.
func (s *Service) Exchange(ctx context.Context, app *App, rawCode, redirectURI, verifier string) (string, *Token, error) {
	b, err := s.st.Get(ctx, tCodes, hash(rawCode), empty)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, ErrInvalidGrant
	}
	if err != nil {
		return "", nil, fmt.Errorf("load code: %w", err)
	}
	if err := s.st.Delete(ctx, tCodes, hash(rawCode), empty); err != nil {
		return "", nil, fmt.Errorf("use code: %w", err)
	}
	var c code
	if err := store.Unmarshal(b, &c); err != nil {
		return "", nil, err
	}
	if c.ClientID != app.ClientID || c.RedirectURI != redirectURI {
		return "", nil, ErrInvalidGrant
	}
	if c.Challenge != "" {
		sum := sha256.Sum256([]byte(verifier))
		if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(c.Challenge)) != 1 {
			return "", nil, ErrInvalidGrant
		}
	}
	return s.Issue(ctx, app, c.AccountID, c.Scopes)
}
