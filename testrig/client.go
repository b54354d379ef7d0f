package testrig

import (
	"net/url"
)

// The entities tests read most, as Go structs decoded from the API's answers: the
// fields the tests check, named as in Mastodon's documentation. A test that needs a
// field missing here adds it, or reads the body with Response.Object.

// Account is Mastodon's Account entity.
type Account struct {
	ID             string   `json:"id"`
	Username       string   `json:"username"`
	Acct           string   `json:"acct"`
	DisplayName    string   `json:"display_name"`
	Note           string   `json:"note"`
	URL            string   `json:"url"`
	Locked         bool     `json:"locked"`
	Bot            bool     `json:"bot"`
	FollowersCount int      `json:"followers_count"`
	FollowingCount int      `json:"following_count"`
	StatusesCount  int      `json:"statuses_count"`
	Moved          *Account `json:"moved"`
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

// get sends a GET as the user, expects 200, and decodes the answer into v.
func (u *User) get(path string, q url.Values, v any) {
	u.c.t.Helper()
	u.c.Must(u.Do("GET", path, q), 200).JSON(u.c.t, v)
}

// post sends a POST as the user, expects 200, and decodes the answer into v.
func (u *User) post(path string, form url.Values, v any) {
	u.c.t.Helper()
	u.c.Must(u.Do("POST", path, form), 200).JSON(u.c.t, v)
}

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
