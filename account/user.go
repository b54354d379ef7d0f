package account

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// User is the local login of an account, with its settings.
type User struct {
	AccountID    shard.ID  `cbor:"1,keyasint"`
	Email        string    `cbor:"2,keyasint"`
	PasswordHash []byte    `cbor:"3,keyasint"`
	Admin        bool      `cbor:"4,keyasint,omitempty"`
	Locale       string    `cbor:"5,keyasint,omitempty"`
	CreatedAt    time.Time `cbor:"6,keyasint"`
	Reason       string    `cbor:"7,keyasint,omitempty"`
	// Posting defaults, as in preferences and source.
	DefaultPrivacy   string   `cbor:"8,keyasint,omitempty"`
	DefaultSensitive bool     `cbor:"9,keyasint,omitempty"`
	DefaultLanguage  string   `cbor:"10,keyasint,omitempty"`
	ChosenLanguages  []string `cbor:"11,keyasint,omitempty"`
	ExpandMedia      string   `cbor:"12,keyasint,omitempty"`
	ExpandSpoilers   bool     `cbor:"13,keyasint,omitempty"`
	Disabled         bool     `cbor:"14,keyasint,omitempty"`
	// Suspended mirrors the account's suspension, so that a token check reads one
	// record (written with the account by SaveBoth).
	Suspended bool `cbor:"15,keyasint,omitempty"`
	// Pending marks a registration that awaits a moderator's approval (registrations
	// by approval, or from an address whose sign-ups need it); zero for approved users.
	Pending bool `cbor:"16,keyasint,omitempty"`
	// Role is the id of the user's staff role (package role); zero is the everyone
	// role, or Owner for a user whose Admin flag predates roles.
	Role int64 `cbor:"17,keyasint,omitempty"`
	// Unconfirmed marks a user who has not yet followed the link mailed at sign-up
	// (only when mail is configured; email.go). UnconfirmedEmail is the new address a
	// resend named, taken once confirmed.
	Unconfirmed      bool   `cbor:"18,keyasint,omitempty"`
	UnconfirmedEmail string `cbor:"19,keyasint,omitempty"`
	// ConfirmDigest and ResetDigest are the hashes of the newest confirmation and
	// password reset tokens: only those work.
	ConfirmDigest []byte `cbor:"20,keyasint,omitempty"`
	ResetDigest   []byte `cbor:"21,keyasint,omitempty"`
	// AppID is the application the user signed up with (zero before it was kept):
	// only it may resend the confirmation, as Mastodon's created_by_application.
	AppID shard.ID `cbor:"22,keyasint,omitempty"`
	// DefaultQuotePolicy is who may quote the user's new posts (source.quote_policy).
	DefaultQuotePolicy string `cbor:"23,keyasint,omitempty"`
	// InviteID and InvitedBy name the invite the user signed up with and its maker
	// (zero without one), as Mastodon's invite_id.
	InviteID  shard.ID `cbor:"24,keyasint,omitempty"`
	InvitedBy shard.ID `cbor:"25,keyasint,omitempty"`
}

// RoleID is the id of the user's role: Role when set, Owner for a user whose Admin
// flag was set before roles existed (so that no backfill is needed), else everyone.
func (u *User) RoleID() int64 {
	switch {
	case u.Role != 0:
		return u.Role
	case u.Admin:
		return role.Owner
	}
	return role.Everyone
}

// Functional reports whether the user may use the API, as Mastodon's
// User#functional?: confirmed, approved, not disabled, not suspended.
func (u *User) Functional() bool { return !u.Disabled && !u.Suspended && !u.Pending && !u.Unconfirmed }

// Privacy returns the default visibility of new posts.
func (u *User) Privacy() string {
	if u.DefaultPrivacy == "" {
		return "public"
	}
	return u.DefaultPrivacy
}

// QuotePolicy returns who may quote new posts by default: public, as Mastodon's
// setting_default_quote_policy, until the user picks another.
func (u *User) QuotePolicy() string {
	if u.DefaultQuotePolicy == "" {
		return "public"
	}
	return u.DefaultQuotePolicy
}

// InstanceLocale is the instance's language, Mastodon's I18n.default_locale: the
// last of the fallbacks for a user's languages.
const InstanceLocale = "en"

// PostingLanguage returns the language of new posts that name none, as Mastodon's
// preferred_posting_language: the user's default posting language, else the locale
// the user signed up with, else the instance's. A nil user (an account without a
// login) posts in the instance's.
func (u *User) PostingLanguage() string {
	switch {
	case u == nil:
		return InstanceLocale
	case u.DefaultLanguage != "":
		return u.DefaultLanguage
	case u.Locale != "":
		return u.Locale
	}
	return InstanceLocale
}

// Registration is what a new local user gives.
type Registration struct {
	Username, Email, Password, Locale, Reason string
	Agreement                                 bool
	// Pending registers the user awaiting approval.
	Pending bool
	// AppID is the application the user signs up with.
	AppID shard.ID
	// Confirmed skips the confirmation by mail (an operator's account, as tootctl's
	// --confirmed).
	Confirmed bool
	// Invite, if set, is the invite the user signs up with: a use of it is taken
	// (ErrInviteInvalid when it expired or none is left) and the user keeps it.
	Invite *Invite
	// IP is the address the user signs up from (invalid when not known): the
	// first of the user's addresses (UserIPs).
	IP netip.Addr
}

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

// localeRE is the shape of a locale tag (en, pt-BR, zh-Hant, sr-Latn): Mastodon refuses
// locales it has no translation for, Herd anything that is not a tag.
var localeRE = regexp.MustCompile(`^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$`)

// Limits of registration input, as Mastodon's validators.
const (
	MaxUsername = 30
	MinPassword = 8
	MaxPassword = 72 // bcrypt's limit
)

func (r *Registration) validate() error {
	var bad []string
	switch {
	case r.Username == "":
		bad = append(bad, "Username can't be blank")
	case len(r.Username) > MaxUsername:
		bad = append(bad, fmt.Sprintf("Username is too long (maximum is %d characters)", MaxUsername))
	case !usernameRE.MatchString(r.Username):
		bad = append(bad, "Username must contain only letters, numbers and underscores")
	}
	if !validEmail(r.Email) {
		bad = append(bad, "Email is invalid")
	}
	if msg := passwordProblem(r.Password); msg != "" {
		bad = append(bad, msg)
	}
	if !r.Agreement {
		bad = append(bad, "Agreement must be accepted")
	}
	if r.Locale != "" && (len(r.Locale) > 16 || !localeRE.MatchString(r.Locale)) {
		bad = append(bad, "Locale is not included in the list")
	}
	if len(r.Reason) > 1000 {
		bad = append(bad, "Reason is too long")
	}
	if len(bad) > 0 {
		return invalid("%s", strings.Join(bad, ", "))
	}
	return nil
}

// validEmail reports whether an address is one Herd registers: one bare address.
func validEmail(e string) bool {
	_, err := mail.ParseAddress(e)
	return err == nil && strings.Contains(e, "@") && !strings.ContainsAny(e, "<> \r\n") && len(e) <= 320
}

// passwordProblem says what is wrong with a new password, or "".
func passwordProblem(p string) string {
	switch n := utf8.RuneCountInString(p); {
	case n < MinPassword:
		return fmt.Sprintf("Password is too short (minimum is %d characters)", MinPassword)
	case len(p) > MaxPassword:
		return fmt.Sprintf("Password is too long (maximum is %d bytes)", MaxPassword)
	}
	return ""
}

// checkPassword is passwordProblem as a validation error.
func checkPassword(p string) error {
	if msg := passwordProblem(p); msg != "" {
		return invalid("%s", msg)
	}
	return nil
}

// Register creates a local account and its user. Usernames and emails are unique,
// case-insensitively; a failed registration leaves nothing behind.
func (s *Service) Register(ctx context.Context, r Registration) (*Account, *User, error) {
	if err := r.validate(); err != nil {
		return nil, nil, err
	}
	id := s.ids.Next()
	now := s.opts.Now().UTC()
	release, err := s.reserve(ctx, id, r)
	if err != nil {
		return nil, nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(r.Password), s.cost())
	if err != nil {
		release()
		return nil, nil, fmt.Errorf("hash password: %w", err)
	}
	a := &Account{ID: id, Username: r.Username, CreatedAt: now, Discoverable: true, Indexable: true, Pending: r.Pending}
	u := &User{AccountID: id, Email: r.Email, PasswordHash: hash, Locale: r.Locale, CreatedAt: now, Reason: r.Reason,
		Pending: r.Pending, AppID: r.AppID, Unconfirmed: s.opts.Mail != nil && !r.Confirmed}
	extra := append(indexed(a), listingMutations(a)...)
	extra = append(extra, InstanceCountMutation(CountUsers, 1), WeekCountMutation(WeekRegistrations, now))
	extra = append(extra, signupMutations(id, now)...)
	if r.IP.IsValid() {
		extra = append(extra, ipMutations(id, r.IP, now)...)
	}
	if r.Invite != nil {
		u.InviteID, u.InvitedBy = r.Invite.ID, r.Invite.UserID
		extra = append(extra, inviteUseMutation(r.Invite))
	}
	if err := s.saveBoth(ctx, a, u, extra...); err != nil {
		release()
		return nil, nil, err
	}
	s.registered(ctx, a, u.Pending)
	if u.Unconfirmed {
		// The account stands; a failure to queue the mail leaves the user to ask
		// for another (POST /api/v1/emails/confirmations).
		if err := s.issue(ctx, a, u, purposeConfirm, u.Email); err != nil {
			return a, u, fmt.Errorf("%w: %w", ErrConfirmationNotSent, err)
		}
	}
	return a, u, nil
}

// reserve takes what a registration must hold alone, for the new account id: its
// username and email (unique), and a use of its invite. release gives them back.
func (s *Service) reserve(ctx context.Context, id shard.ID, r Registration) (release func(), err error) {
	name := nameKey(r.Username, "")
	ok, _, err := s.st.PutIfAbsent(ctx, tAccountNames, name, empty, id.Bytes(), 0)
	if err != nil {
		return nil, fmt.Errorf("reserve username: %w", err)
	}
	if !ok {
		return nil, ErrUsernameTaken
	}
	email := []byte(strings.ToLower(r.Email))
	ok, _, err = s.st.PutIfAbsent(ctx, tUserEmails, email, empty, id.Bytes(), 0)
	if err != nil || !ok {
		_ = s.st.Delete(ctx, tAccountNames, name, empty)
		if err != nil {
			return nil, fmt.Errorf("reserve email: %w", err)
		}
		return nil, ErrEmailTaken
	}
	names := func() {
		_ = s.st.Delete(ctx, tAccountNames, name, empty)
		_ = s.st.Delete(ctx, tUserEmails, email, empty)
	}
	if r.Invite == nil {
		return names, nil
	}
	use, err := s.claimInvite(ctx, r.Invite, id)
	if err != nil {
		names()
		return nil, err
	}
	return func() { use(); names() }, nil
}

func (s *Service) cost() int {
	if s.opts.BcryptCost == 0 {
		return bcrypt.DefaultCost
	}
	return s.opts.BcryptCost
}

func (s *Service) saveBoth(ctx context.Context, a *Account, u *User, extra ...store.Mutation) error {
	ab, err := store.Marshal(a)
	if err != nil {
		return err
	}
	ub, err := store.Marshal(u)
	if err != nil {
		return err
	}
	err = s.st.Batch(ctx, append([]store.Mutation{
		{Kind: store.Put, Table: tAccounts, PK: a.ID.Bytes(), CK: empty, Value: ab},
		{Kind: store.Put, Table: tUsers, PK: a.ID.Bytes(), CK: empty, Value: ub},
	}, extra...))
	if err != nil {
		return fmt.Errorf("save user %d: %w", a.ID, err)
	}
	s.cache.Forget(a.ID)
	return nil
}

// SaveBoth writes a local account and its user in one batch (moderators' actions).
func (s *Service) SaveBoth(ctx context.Context, a *Account, u *User) error {
	if err := s.saveBoth(ctx, a, u); err != nil {
		return err
	}
	s.written(ctx, a, nil)
	return nil
}

// User returns the local user of an account.
func (s *Service) User(ctx context.Context, id shard.ID) (*User, error) {
	b, err := s.st.Get(ctx, tUsers, id.Bytes(), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", id, err)
	}
	var u User
	if err := store.Unmarshal(b, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// usersOf reads the users of accounts ids in one multi-get; accounts without a
// user (remote ones) are absent from the map.
func (s *Service) usersOf(ctx context.Context, ids []shard.ID) (map[shard.ID]*User, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: id.Bytes(), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tUsers, keys)
	if err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	out := make(map[shard.ID]*User, len(ids))
	for i, v := range vals {
		if v == nil {
			continue
		}
		var u User
		if err := store.Unmarshal(v, &u); err != nil {
			return nil, err
		}
		out[ids[i]] = &u
	}
	return out, nil
}

// SaveUser writes a user record as it is.
func (s *Service) SaveUser(ctx context.Context, u *User) error {
	b, err := store.Marshal(u)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tUsers, u.AccountID.Bytes(), empty, b, 0); err != nil {
		return fmt.Errorf("save user %d: %w", u.AccountID, err)
	}
	return nil
}

// LoginAccount returns the id of the local account a login names: an email address,
// or a username with or without a leading @. ErrBadCredentials if it names none.
func (s *Service) LoginAccount(ctx context.Context, login string) (shard.ID, error) {
	if strings.Contains(login, "@") && !strings.HasPrefix(login, "@") {
		b, err := s.st.Get(ctx, tUserEmails, []byte(strings.ToLower(login)), empty)
		if err == nil {
			return shard.FromBytes(b), nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return 0, fmt.Errorf("look up email: %w", err)
		}
	}
	a, err := s.Lookup(ctx, strings.TrimPrefix(login, "@"), "")
	if errors.Is(err, ErrNotFound) {
		return 0, ErrBadCredentials
	}
	if err != nil {
		return 0, err
	}
	return a.ID, nil
}

// Authenticate checks a login (username or email) and password. The user may not be
// Functional (pending approval, disabled, suspended): as Mastodon's sign-in, the
// password is checked alone, and the caller refuses what the user may not do.
func (s *Service) Authenticate(ctx context.Context, login, password string) (*Account, *User, error) {
	id, err := s.LoginAccount(ctx, login)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.User(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, ErrBadCredentials
	}
	if err != nil {
		return nil, nil, err
	}
	if bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(password)) != nil {
		return nil, nil, ErrBadCredentials
	}
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return a, u, nil
}

// SetAdmin gives a local user the Owner role, or takes any role away; admins'
// endorsements are suggested to everyone (Suggest).
func (s *Service) SetAdmin(ctx context.Context, id shard.ID, admin bool) error {
	if admin {
		return s.SetRole(ctx, id, role.Owner)
	}
	return s.SetRole(ctx, id, role.Everyone)
}

// RoleOf is the role id of the local user id (User.RoleID).
func (s *Service) RoleOf(ctx context.Context, id shard.ID) (int64, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return 0, err
	}
	return u.RoleID(), nil
}

// SetRole gives a local user the role with id roleID (role.Everyone takes any away),
// on the user and, for its badge, on the account, with the staff listing in one
// batch. Whether the role exists and who may give it is the caller's to check.
func (s *Service) SetRole(ctx context.Context, id shard.ID, roleID int64) error {
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	u.Admin, u.Role, a.Role = false, roleID, roleID
	if roleID == role.Everyone {
		u.Role, a.Role = 0, 0
	}
	if err := s.saveBoth(ctx, a, u, staffMutation(id, u.Role != 0)); err != nil {
		return fmt.Errorf("role of %d: %w", id, err)
	}
	s.written(ctx, a, nil)
	return nil
}
