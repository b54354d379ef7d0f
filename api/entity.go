package api

// The JSON entities of Mastodon's API, field for field. Nullable fields are pointers or
// `any` so that they render as null rather than disappearing.

// Account is Mastodon's Account entity.
type Account struct {
	ID              string  `json:"id"`
	Username        string  `json:"username"`
	Acct            string  `json:"acct"`
	DisplayName     string  `json:"display_name"`
	Locked          bool    `json:"locked"`
	Bot             bool    `json:"bot"`
	Discoverable    *bool   `json:"discoverable"`
	Indexable       bool    `json:"indexable"`
	Group           bool    `json:"group"`
	CreatedAt       string  `json:"created_at"`
	Note            string  `json:"note"`
	URL             string  `json:"url"`
	URI             string  `json:"uri"`
	Avatar          string  `json:"avatar"`
	AvatarStatic    string  `json:"avatar_static"`
	Header          string  `json:"header"`
	HeaderStatic    string  `json:"header_static"`
	FollowersCount  int64   `json:"followers_count"`
	FollowingCount  int64   `json:"following_count"`
	StatusesCount   int64   `json:"statuses_count"`
	LastStatusAt    *string `json:"last_status_at"`
	HideCollections *bool   `json:"hide_collections"`
	// The profile's settings of Mastodon 4.6 (see Profile).
	AvatarDescription string        `json:"avatar_description"`
	HeaderDescription string        `json:"header_description"`
	ShowMedia         bool          `json:"show_media"`
	ShowMediaReplies  bool          `json:"show_media_replies"`
	ShowFeatured      bool          `json:"show_featured"`
	Noindex           bool          `json:"noindex"`
	Emojis            []CustomEmoji `json:"emojis"`
	Roles             []AccountRole `json:"roles"`
	Fields            []Field       `json:"fields"`
	Suspended         bool          `json:"suspended,omitempty"`
	Limited           bool          `json:"limited,omitempty"`
	Memorial          bool          `json:"memorial,omitempty"`
	Moved             *Account      `json:"moved,omitempty"`
	Source            *Source       `json:"source,omitempty"`
	Role              *Role         `json:"role,omitempty"`
	MuteExpiresAt     *string       `json:"mute_expires_at,omitempty"`

	movedToURI string       // where the account moved, for Moved (moved.go); not rendered
	pending    bool         // a local account awaiting approval, hidden from the public (pending.go)
	memo       *accountMemo // its JSON once encoded, when a page shows it many times (encode_account.go)
}

// Field is a profile field.
type Field struct {
	Name       string  `json:"name"`
	Value      string  `json:"value"`
	VerifiedAt *string `json:"verified_at"`
}

// Source is CredentialAccount.source.
type Source struct {
	Privacy             string   `json:"privacy"`
	Sensitive           bool     `json:"sensitive"`
	Language            string   `json:"language"`
	Note                string   `json:"note"`
	Fields              []Field  `json:"fields"`
	FollowRequestsCount int      `json:"follow_requests_count"`
	HideCollections     bool     `json:"hide_collections"`
	Discoverable        bool     `json:"discoverable"`
	Indexable           bool     `json:"indexable"`
	AttributionDomains  []string `json:"attribution_domains"`
	// ChosenLanguages is Herd's own: the languages public and hashtag timelines
	// show (null: all), set by update_credentials' source[chosen_languages][].
	ChosenLanguages []string `json:"chosen_languages"`
	// QuotePolicy is who may quote new posts by default (4.5).
	QuotePolicy string `json:"quote_policy"`
}

// Role is CredentialAccount.role.
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	Permissions string `json:"permissions"`
	Highlighted bool   `json:"highlighted"`
}

// Status is Mastodon's Status entity.
type Status struct {
	ID                 string             `json:"id"`
	URI                string             `json:"uri"`
	URL                *string            `json:"url"`
	CreatedAt          string             `json:"created_at"`
	EditedAt           *string            `json:"edited_at"`
	Account            *Account           `json:"account"`
	Content            string             `json:"content"`
	Visibility         string             `json:"visibility"`
	Sensitive          bool               `json:"sensitive"`
	SpoilerText        string             `json:"spoiler_text"`
	MediaAttachments   []*MediaAttachment `json:"media_attachments"`
	Application        *PostedWith        `json:"application,omitempty"`
	Mentions           []Mention          `json:"mentions"`
	Tags               []Tag              `json:"tags"`
	Emojis             []CustomEmoji      `json:"emojis"`
	ReblogsCount       int64              `json:"reblogs_count"`
	FavouritesCount    int64              `json:"favourites_count"`
	RepliesCount       int64              `json:"replies_count"`
	QuotesCount        int64              `json:"quotes_count"`
	InReplyToID        *string            `json:"in_reply_to_id"`
	InReplyToAccountID *string            `json:"in_reply_to_account_id"`
	Reblog             *Status            `json:"reblog"`
	Quote              any                `json:"quote"` // *Quote, *ShallowQuote or nil
	QuoteApproval      *QuoteApproval     `json:"quote_approval"`
	Poll               *Poll              `json:"poll"`
	Card               any                `json:"card"`
	Language           *string            `json:"language"`
	Text               *string            `json:"text,omitempty"`
	Favourited         *bool              `json:"favourited,omitempty"`
	Reblogged          *bool              `json:"reblogged,omitempty"`
	Muted              *bool              `json:"muted,omitempty"`
	Bookmarked         *bool              `json:"bookmarked,omitempty"`
	Pinned             *bool              `json:"pinned,omitempty"`
	Filtered           []FilterResult     `json:"filtered,omitempty"`
	memo               *statusMemo        // its leading fields rendered and encoded once (encode_status.go)
}

// Quote is Status.quote on a status rendered on its own: the quoted status itself
// (null unless the quote is shown).
type Quote struct {
	State        string  `json:"state"`
	QuotedStatus *Status `json:"quoted_status"`
}

// ShallowQuote is Status.quote one level down, where a quote names its status by id.
type ShallowQuote struct {
	State          string  `json:"state"`
	QuotedStatusID *string `json:"quoted_status_id"`
}

// QuoteApproval is Status.quote_approval: who may quote the status, and what that
// means for the viewer.
type QuoteApproval struct {
	Automatic   []string `json:"automatic"`
	Manual      []string `json:"manual"`
	CurrentUser string   `json:"current_user"`
}

// PostedWith is Status.application: the app a status was posted with.
type PostedWith struct {
	Name    string  `json:"name"`
	Website *string `json:"website"`
}

// Application is the Application and CredentialApplication entities.
type Application struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Website      *string  `json:"website"`
	Scopes       []string `json:"scopes"`
	RedirectURI  string   `json:"redirect_uri"`
	RedirectURIs []string `json:"redirect_uris"`
	VapidKey     string   `json:"vapid_key"`
	ClientID     string   `json:"client_id,omitempty"`
	ClientSecret string   `json:"client_secret,omitempty"`
	// ClientSecretExpiresAt is 0: secrets never expire.
	ClientSecretExpiresAt *int `json:"client_secret_expires_at,omitempty"`
}

// Mention is Status.mentions[].
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// Tag is Status.tags[] and the Tag entity.
type Tag struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	History []any  `json:"history,omitempty"`
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

// Notification is Mastodon's Notification entity (v1).
type Notification struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	GroupKey  string   `json:"group_key"`
	CreatedAt string   `json:"created_at"`
	Account   *Account `json:"account"`
	Status    *Status  `json:"status,omitempty"`
	// Event is set on severed_relationships notifications.
	Event *SeveranceEvent `json:"event,omitempty"`
	// Report is set on admin.report notifications.
	Report *Report `json:"report,omitempty"`
	// ModerationWarning is set on moderation_warning notifications.
	ModerationWarning *AccountWarning `json:"moderation_warning,omitempty"`
}

// SeveranceEvent is Mastodon's RelationshipSeveranceEvent entity.
type SeveranceEvent struct {
	ID             string `json:"id"`
	Type           string `json:"type"`
	Purged         bool   `json:"purged"`
	TargetName     string `json:"target_name"`
	FollowersCount int    `json:"followers_count"`
	FollowingCount int    `json:"following_count"`
	CreatedAt      string `json:"created_at"`
}

// StatusEdit is one entry of /statuses/:id/history.
type StatusEdit struct {
	Content          string      `json:"content"`
	SpoilerText      string      `json:"spoiler_text"`
	Sensitive        bool        `json:"sensitive"`
	CreatedAt        string      `json:"created_at"`
	Account          *Account    `json:"account"`
	Poll             *EditedPoll `json:"poll"`
	MediaAttachments []any       `json:"media_attachments"`
	Emojis           []any       `json:"emojis"`
}

// EditedPoll is the poll of a version in a status's history: its options only.
type EditedPoll struct {
	Options []EditedPollOption `json:"options"`
}

// EditedPollOption is one option of an EditedPoll.
type EditedPollOption struct {
	Title string `json:"title"`
}

// Token is the OAuth token response.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	CreatedAt   int64  `json:"created_at"`
}
