package testrig

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The entities tests read most, as Go structs decoded from the API's answers: the
// fields the tests check, named as in Mastodon's documentation. A test that needs a
// field missing here adds it, or reads the body with Response.Object (and At).
// Every answer is checked against Mastodon's API description (Cluster.send), which
// requires most fields: a zero value read here is one the server sent, not a field
// it left out.

// Account is Mastodon's Account entity.
type Account struct {
	ID             string   `json:"id"`
	Username       string   `json:"username"`
	Acct           string   `json:"acct"`
	DisplayName    string   `json:"display_name"`
	Note           string   `json:"note"`
	URL            string   `json:"url"`
	URI            string   `json:"uri"`
	Locked         bool     `json:"locked"`
	Bot            bool     `json:"bot"`
	FollowersCount int      `json:"followers_count"`
	FollowingCount int      `json:"following_count"`
	StatusesCount  int      `json:"statuses_count"`
	Fields         []Field  `json:"fields"`
	Moved          *Account `json:"moved"`
	Source         *Source  `json:"source"` // only in CredentialAccount, the account's own view
}

// Field is a profile field of an account.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Source is CredentialAccount.source: the account's posting defaults and profile
// as the owner wrote them.
type Source struct {
	Privacy   string `json:"privacy"`
	Sensitive bool   `json:"sensitive"`
	Language  string `json:"language"`
	Note      string `json:"note"`
	// ChosenLanguages is Herd's own: the languages of the public timelines.
	ChosenLanguages []string `json:"chosen_languages"`
}

// Mention is a mention of a status.
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
}

// Tag is a hashtag of a status.
type Tag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Status is Mastodon's Status entity. The viewer's flags (favourited, reblogged,
// bookmarked…) are pointers: Mastodon leaves them out for anonymous readers.
type Status struct {
	ID                 string    `json:"id"`
	URI                string    `json:"uri"`
	URL                *string   `json:"url"`
	CreatedAt          string    `json:"created_at"`
	EditedAt           *string   `json:"edited_at"`
	Account            Account   `json:"account"`
	Content            string    `json:"content"`
	Visibility         string    `json:"visibility"`
	Sensitive          bool      `json:"sensitive"`
	SpoilerText        string    `json:"spoiler_text"`
	Language           *string   `json:"language"`
	InReplyToID        *string   `json:"in_reply_to_id"`
	InReplyToAccountID *string   `json:"in_reply_to_account_id"`
	Reblog             *Status   `json:"reblog"`
	Mentions           []Mention `json:"mentions"`
	Tags               []Tag     `json:"tags"`
	RepliesCount       int       `json:"replies_count"`
	ReblogsCount       int       `json:"reblogs_count"`
	FavouritesCount    int       `json:"favourites_count"`
	Favourited         *bool     `json:"favourited"`
	Reblogged          *bool     `json:"reblogged"`
	Bookmarked         *bool     `json:"bookmarked"`
	Muted              *bool     `json:"muted"`
	Pinned             *bool     `json:"pinned"`
	Text               *string   `json:"text"` // only in the answer to a delete
	Card               *Card     `json:"card"`
	Poll               *Poll     `json:"poll"`
	// Filtered is the viewer's filters that match the status (warn and blur; a hide
	// filter removes the status instead, except from its own GET).
	Filtered []FilterResult `json:"filtered"`
}

// Poll is Mastodon's Poll entity.
type Poll struct {
	ID          string       `json:"id"`
	ExpiresAt   *string      `json:"expires_at"`
	Expired     bool         `json:"expired"`
	Multiple    bool         `json:"multiple"`
	VotesCount  int64        `json:"votes_count"`
	VotersCount *int64       `json:"voters_count"`
	Options     []PollOption `json:"options"`
	// Voted and OwnVotes are the viewer's: nil for an anonymous reader.
	Voted    *bool `json:"voted"`
	OwnVotes []int `json:"own_votes"`
}

// PollOption is one answer of a poll; VotesCount is nil while the totals are hidden.
type PollOption struct {
	Title      string `json:"title"`
	VotesCount *int64 `json:"votes_count"`
}

// Counts is the poll's counts as "tea=1 coffee=2 voters=3" ("tea=?" while hidden).
func (p Poll) Counts() string {
	var out []string
	for _, o := range p.Options {
		if o.VotesCount == nil {
			out = append(out, o.Title+"=?")
		} else {
			out = append(out, fmt.Sprintf("%s=%d", o.Title, *o.VotesCount))
		}
	}
	if p.VotersCount != nil {
		out = append(out, fmt.Sprintf("voters=%d", *p.VotersCount))
	}
	return strings.Join(out, " ")
}

// Context is Mastodon's Context entity: a status's thread around it.
type Context struct {
	Ancestors   []Status `json:"ancestors"`
	Descendants []Status `json:"descendants"`
}

// StatusEdit is Mastodon's StatusEdit entity, one version in a status's history.
type StatusEdit struct {
	Content     string  `json:"content"`
	SpoilerText string  `json:"spoiler_text"`
	Sensitive   bool    `json:"sensitive"`
	CreatedAt   string  `json:"created_at"`
	Account     Account `json:"account"`
}

// StatusSource is Mastodon's StatusSource entity, the text of a status as written.
type StatusSource struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	SpoilerText string `json:"spoiler_text"`
}

// Card is a status's link preview card, as far as tests read it.
type Card struct {
	URL          string  `json:"url"`
	Title        string  `json:"title"`
	Description  string  `json:"description"`
	Type         string  `json:"type"`
	ProviderName string  `json:"provider_name"`
	Image        *string `json:"image"`
	Language     *string `json:"language"`
}

// Search is Mastodon's Search entity, the answer of /api/v2/search.
type Search struct {
	Accounts []Account `json:"accounts"`
	Statuses []Status  `json:"statuses"`
	Hashtags []Tag     `json:"hashtags"`
}

// Instance is Mastodon's Instance entity (v2), with the configuration tests read.
type Instance struct {
	Domain        string `json:"domain"`
	Configuration struct {
		Statuses struct {
			MaxCharacters int `json:"max_characters"`
		} `json:"statuses"`
	} `json:"configuration"`
}

// Application is Mastodon's Application entity as registering an app answers it.
type Application struct {
	Name         string `json:"name"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// Token is Mastodon's Token entity, the answer of /oauth/token.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
}

// Report is Mastodon's Report entity, what the reporter sees.
type Report struct {
	ID        string   `json:"id"`
	Category  string   `json:"category"`
	Comment   string   `json:"comment"`
	Forwarded bool     `json:"forwarded"`
	StatusIDs []string `json:"status_ids"`
}

// AdminReport is Mastodon's Admin::Report entity, what moderators see.
type AdminReport struct {
	ID            string       `json:"id"`
	Category      string       `json:"category"`
	Comment       string       `json:"comment"`
	Forwarded     bool         `json:"forwarded"`
	Account       AdminAccount `json:"account"`
	TargetAccount AdminAccount `json:"target_account"`
	Statuses      []Status     `json:"statuses"`
}

// AdminAccount is Mastodon's Admin::Account entity; Domain is null for local accounts.
type AdminAccount struct {
	ID       string  `json:"id"`
	Username string  `json:"username"`
	Domain   *string `json:"domain"`
	Account  Account `json:"account"`
}

// Notification is Mastodon's Notification entity.
type Notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	CreatedAt string  `json:"created_at"`
	Account   Account `json:"account"`
	Status    *Status `json:"status"`
}

// Relationship is Mastodon's Relationship entity.
type Relationship struct {
	ID                  string   `json:"id"`
	Following           bool     `json:"following"`
	ShowingReblogs      bool     `json:"showing_reblogs"`
	Notifying           bool     `json:"notifying"`
	Languages           []string `json:"languages"`
	FollowedBy          bool     `json:"followed_by"`
	Blocking            bool     `json:"blocking"`
	BlockedBy           bool     `json:"blocked_by"`
	Muting              bool     `json:"muting"`
	MutingNotifications bool     `json:"muting_notifications"`
	MutingExpiresAt     *string  `json:"muting_expires_at"`
	Requested           bool     `json:"requested"`
	RequestedBy         bool     `json:"requested_by"`
	DomainBlocking      bool     `json:"domain_blocking"`
	Endorsed            bool     `json:"endorsed"`
	Note                string   `json:"note"`
}

// formOf makes a form of name, value pairs ("visibility", "private").
func formOf(pairs ...string) url.Values {
	form := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		form.Set(pairs[i], pairs[i+1])
	}
	return form
}

// call sends a request as the user, expects 200, and decodes the answer into v.
func (u *User) call(method, path string, form url.Values, v any) {
	u.c.t.Helper()
	u.c.Must(u.Do(method, path, form), 200).JSON(u.c.t, v)
}

// get sends a GET as the user, expects 200, and decodes the answer into v.
func (u *User) get(path string, q url.Values, v any) {
	u.c.t.Helper()
	u.call("GET", path, q, v)
}

// post sends a POST as the user, expects 200, and decodes the answer into v.
func (u *User) post(path string, form url.Values, v any) {
	u.c.t.Helper()
	u.call("POST", path, form, v)
}

// Decode decodes the body of r as a T, failing the test if it is not one: for
// answers read once, such as c.Must(c.Do(…), 200).
func Decode[T any](t testing.TB, r *Response) T {
	t.Helper()
	var v T
	r.JSON(t, &v)
	return v
}

// Anonymous is a reader without a token, for the same typed reads as a user's.
func (c *Cluster) Anonymous() *User { return &User{c: c, Name: "anonymous"} }

// PostStatus publishes a status, with extra form fields as name, value pairs
// ("visibility", "private"), and returns it.
func (u *User) PostStatus(text string, extra ...string) Status {
	u.c.t.Helper()
	form := formOf(extra...)
	form.Set("status", text)
	var s Status
	u.post("/api/v1/statuses", form, &s)
	return s
}

// Status reads one status as the user.
func (u *User) Status(id string) Status {
	u.c.t.Helper()
	var s Status
	u.get("/api/v1/statuses/"+id, nil, &s)
	return s
}

// Act posts one of the status actions (favourite, reblog, bookmark, pin and their
// un-) as the user and returns the status it answers with.
func (u *User) Act(id, action string) Status {
	u.c.t.Helper()
	var s Status
	u.post("/api/v1/statuses/"+id+"/"+action, nil, &s)
	return s
}

// Home reads a page of the user's home timeline.
func (u *User) Home(q url.Values) []Status {
	u.c.t.Helper()
	var l []Status
	u.get("/api/v1/timelines/home", q, &l)
	return l
}

// Notifications reads a page of the user's notifications.
func (u *User) Notifications(q url.Values) []Notification {
	u.c.t.Helper()
	var l []Notification
	u.get("/api/v1/notifications", q, &l)
	return l
}

// Relationship reads the user's relationship with one account.
func (u *User) Relationship(id string) Relationship {
	u.c.t.Helper()
	var l []Relationship
	u.get("/api/v1/accounts/relationships", url.Values{"id[]": {id}}, &l)
	if len(l) != 1 {
		u.c.t.Fatalf("relationships with %s: %d answers", id, len(l))
	}
	return l[0]
}

// Relate posts a relationship action (follow, unfollow, block, mute and their un-)
// toward an account as the user, with form fields as name, value pairs, and returns
// the relationship it answers with.
func (u *User) Relate(id, action string, extra ...string) Relationship {
	u.c.t.Helper()
	form := formOf(extra...)
	var r Relationship
	u.post("/api/v1/accounts/"+id+"/"+action, form, &r)
	return r
}

// Account reads one account as the user.
func (u *User) Account(id string) Account {
	u.c.t.Helper()
	var a Account
	u.get("/api/v1/accounts/"+id, nil, &a)
	return a
}

// Edit changes the text of one of the user's statuses and returns it.
func (u *User) Edit(id, text string) Status {
	u.c.t.Helper()
	var s Status
	u.call("PUT", "/api/v1/statuses/"+id, url.Values{"status": {text}}, &s)
	return s
}

// Delete deletes one of the user's statuses and returns it, with its source text.
func (u *User) Delete(id string) Status {
	u.c.t.Helper()
	var s Status
	u.call("DELETE", "/api/v1/statuses/"+id, nil, &s)
	return s
}

// Statuses reads statuses by id as the user: those the user may see, in order.
func (u *User) Statuses(ids ...string) []Status {
	u.c.t.Helper()
	var l []Status
	u.get("/api/v1/statuses", url.Values{"id[]": ids}, &l)
	return l
}

// AccountStatuses reads a page of an account's statuses as the user.
func (u *User) AccountStatuses(id string, q url.Values) []Status {
	u.c.t.Helper()
	var l []Status
	u.get("/api/v1/accounts/"+id+"/statuses", q, &l)
	return l
}

// Context reads the thread around a status as the user.
func (u *User) Context(id string) Context {
	u.c.t.Helper()
	var ctx Context
	u.get("/api/v1/statuses/"+id+"/context", nil, &ctx)
	return ctx
}

// Search searches as the user, with extra parameters as name, value pairs
// ("resolve", "true").
func (u *User) Search(q string, extra ...string) Search {
	u.c.t.Helper()
	form := formOf(extra...)
	form.Set("q", q)
	var s Search
	u.get("/api/v2/search", form, &s)
	return s
}

// Followers reads a page of an account's followers as the user.
func (u *User) Followers(id string) []Account {
	u.c.t.Helper()
	var l []Account
	u.get("/api/v1/accounts/"+id+"/followers", nil, &l)
	return l
}

// VerifyCredentials reads the user's own account, with its source.
func (u *User) VerifyCredentials() Account {
	u.c.t.Helper()
	var a Account
	u.get("/api/v1/accounts/verify_credentials", nil, &a)
	return a
}

// UpdateCredentials changes the user's profile with form fields as name, value pairs
// ("display_name", "Alice") and returns the account.
func (u *User) UpdateCredentials(pairs ...string) Account {
	u.c.t.Helper()
	var a Account
	u.call("PATCH", "/api/v1/accounts/update_credentials", formOf(pairs...), &a)
	return a
}

// Lookup finds an account by its acct (alice, bob@example.com) as the user.
func (u *User) Lookup(acct string) Account {
	u.c.t.Helper()
	var a Account
	u.get("/api/v1/accounts/lookup", url.Values{"acct": {acct}}, &a)
	return a
}

// Instance reads the instance's description (v2).
func (u *User) Instance() Instance {
	u.c.t.Helper()
	var in Instance
	u.get("/api/v2/instance", nil, &in)
	return in
}

// StatusIDs lists the ids of statuses.
func StatusIDs(l []Status) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = s.ID
	}
	return out
}

// Types lists the types of notifications.
func Types(l []Notification) []string {
	out := make([]string, len(l))
	for i, n := range l {
		out[i] = n.Type
	}
	return out
}

// AccountIDs lists the ids of accounts.
func AccountIDs(l []Account) []string {
	out := make([]string, len(l))
	for i, a := range l {
		out[i] = a.ID
	}
	return out
}

// StatusURIs lists the URIs of statuses.
func StatusURIs(l []Status) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = s.URI
	}
	return out
}

// List is Mastodon's List entity.
type List struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

// CreateList creates a list with extra form fields as name, value pairs
// ("replies_policy", "none") and returns it.
func (u *User) CreateList(title string, extra ...string) List {
	u.c.t.Helper()
	form := formOf(extra...)
	form.Set("title", title)
	var l List
	u.post("/api/v1/lists", form, &l)
	return l
}

// AddToList adds accounts to one of the user's lists.
func (u *User) AddToList(list string, accounts ...string) {
	u.c.t.Helper()
	var v struct{}
	u.post("/api/v1/lists/"+list+"/accounts", url.Values{"account_ids[]": accounts}, &v)
}

// ListAccounts reads a page of a list's members.
func (u *User) ListAccounts(list string, q url.Values) []Account {
	u.c.t.Helper()
	var l []Account
	u.get("/api/v1/lists/"+list+"/accounts", q, &l)
	return l
}

// ListTimeline reads a page of a list's timeline.
func (u *User) ListTimeline(list string, q url.Values) []Status {
	u.c.t.Helper()
	var l []Status
	u.get("/api/v1/timelines/list/"+list, q, &l)
	return l
}

// Conversation is Mastodon's Conversation entity.
type Conversation struct {
	ID         string    `json:"id"`
	Unread     bool      `json:"unread"`
	Accounts   []Account `json:"accounts"`
	LastStatus *Status   `json:"last_status"`
}

// Conversations reads a page of the user's direct conversations.
func (u *User) Conversations(q url.Values) []Conversation {
	u.c.t.Helper()
	var l []Conversation
	u.get("/api/v1/conversations", q, &l)
	return l
}
