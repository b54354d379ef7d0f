// Mastodon's entities, as far as the app reads them (docs.joinmastodon.org/entities).
// Fields the app does not use are left out; those it uses are typed as the API
// documents them, nullable where Mastodon may send null.

export type Visibility = "public" | "unlisted" | "private" | "direct";

export interface CustomEmoji {
  shortcode: string;
  url: string;
  static_url: string;
}

export interface Account {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  url: string;
  avatar: string;
  avatar_static: string;
  note: string;
  locked: boolean;
  bot: boolean;
  emojis: CustomEmoji[];
  header: string;
  header_static: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  fields: Field[];
}

/** A profile's name-value pair; value is sanitised HTML, verified_at set for a proven link. */
export interface Field {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface Mention {
  id: string;
  username: string;
  acct: string;
  url: string;
}

export interface MediaAttachment {
  id: string;
  type: "image" | "gifv" | "video" | "audio" | "unknown";
  url: string | null;
  preview_url: string | null;
  description: string | null;
}

export interface Status {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  account: Account;
  content: string;
  visibility: Visibility;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MediaAttachment[];
  reblog: Status | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  in_reply_to_id: string | null;
  /** ISO 639-1, when known. */
  language?: string | null;
  /** The text as written: only in the answer to a delete (for a redraft). */
  text?: string | null;
  mentions: Mention[];
  poll?: Poll | null;
  /** When it was last edited; null if never. */
  edited_at?: string | null;
  // Set only when the request had a user token.
  favourited?: boolean;
  reblogged?: boolean;
  bookmarked?: boolean;
  /** The viewer's filters that match it (only those that warn or blur: hidden ones are not sent). */
  filtered?: FilterResult[];
}

/** A status's text as written, for editing it. */
export interface StatusSource {
  id: string;
  text: string;
  spoiler_text: string;
}

/** One version of an edited status, oldest first in its history. */
export interface StatusEdit {
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  created_at: string;
  account: Account;
  media_attachments: MediaAttachment[];
  poll?: { options: { title: string }[] } | null;
}

/** A direct conversation: its participants (others than the viewer) and its newest post. */
export interface Conversation {
  id: string;
  unread: boolean;
  accounts: Account[];
  last_status: Status | null;
}

export type FilterContext = "home" | "notifications" | "public" | "thread" | "account";
export type FilterAction = "warn" | "hide" | "blur";

export interface FilterKeyword {
  id: string;
  keyword: string;
  whole_word: boolean;
}

export interface Filter {
  id: string;
  title: string;
  context: FilterContext[];
  expires_at: string | null;
  filter_action: FilterAction;
  keywords: FilterKeyword[];
}

export interface FilterResult {
  filter: Filter;
  keyword_matches: string[] | null;
  status_matches: string[] | null;
}

/** The signed-in account with what it wrote (verify_credentials, update_credentials). */
export interface CredentialAccount extends Account {
  discoverable?: boolean | null;
  /** The user's role; permissions is Mastodon's bitmask as a decimal string. */
  role?: Role;
  source?: {
    note: string;
    fields: { name: string; value: string }[];
    /** The posting language (ISO 639-1), if chosen. */
    language?: string | null;
    /** The default visibility of new posts. */
    privacy?: Visibility;
    /** Whether new posts' media are marked sensitive by default. */
    sensitive?: boolean;
  };
}

export interface Context {
  ancestors: Status[];
  descendants: Status[];
}

export interface Relationship {
  id: string;
  following: boolean;
  followed_by: boolean;
  requested: boolean;
  blocking: boolean;
  muting: boolean;
  muting_notifications?: boolean;
}

/** An account in the viewer's mutes, with when the mute ends (null: never). */
export interface MutedAccount extends Account {
  mute_expires_at?: string | null;
}

export type NotificationType =
  | "mention"
  | "status"
  | "reblog"
  | "follow"
  | "follow_request"
  | "favourite"
  | "poll"
  | "update"
  | "admin.sign_up"
  | "admin.report"
  | "severed_relationships"
  | "moderation_warning";

export interface Notification {
  id: string;
  type: NotificationType;
  created_at: string;
  account: Account;
  status?: Status | null;
  /** The report of an admin.report notification. */
  report?: { id: string; target_account: Account } | null;
  /** The warning of a moderation_warning notification (Mastodon's AccountWarning). */
  moderation_warning?: AccountWarning | null;
}

export interface AccountWarning {
  id: string;
  action: "none" | "disable" | "mark_statuses_as_sensitive" | "delete_statuses" | "sensitive" | "silence" | "suspend";
  text: string;
  status_ids: string[] | null;
  appeal: { text: string; state: "approved" | "rejected" | "pending" } | null;
  created_at: string;
}

export interface Marker {
  last_read_id: string;
  version: number;
  updated_at: string;
}

export type Markers = Partial<Record<"home" | "notifications", Marker>>;

export interface Application {
  name: string;
  scopes?: string[];
  client_id: string;
  client_secret: string;
  redirect_uri: string;
}

export interface Token {
  access_token: string;
  token_type: string;
  scope: string;
  created_at: number;
}

export interface InstanceV2 {
  domain: string;
  title: string;
  description: string;
  configuration: {
    urls: { streaming: string };
    statuses: { max_characters: number };
    media_attachments?: { supported_mime_types: string[] };
    /** Whether only the domains of the allow list federate (Mastodon's LIMITED_FEDERATION_MODE). */
    limited_federation?: boolean;
  };
  /** The server rules, as a report cites them. */
  rules?: Rule[];
}

export interface CreateStatusParams {
  status: string;
  spoiler_text?: string;
  sensitive?: boolean;
  visibility: Visibility;
  in_reply_to_id?: string;
  media_ids?: string[];
  poll?: { options: string[]; expires_in: number; multiple: boolean };
  /** ISO 639-1; left out, the server takes the author's posting language. */
  language?: string;
}

export interface PollOption {
  title: string;
  votes_count: number | null;
}

export interface Poll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: PollOption[];
  // Set only when the request had a user token.
  voted?: boolean;
  own_votes?: number[];
}

/** A message of the streaming API; payload is JSON text for update, status.update and notification. */
export interface StreamMessage {
  stream: string[];
  event: string;
  payload?: string;
}

/** The Mastodon error body. */
export interface ApiError {
  error: string;
  error_description?: string;
}

/** A hashtag; following is set only when the request had a user token. */
export interface Tag {
  name: string;
  url: string;
  following?: boolean;
}

export interface SearchResults {
  accounts: Account[];
  statuses: Status[];
  hashtags: Tag[];
}

export interface List {
  id: string;
  title: string;
  replies_policy: "followed" | "list" | "none";
  exclusive?: boolean;
}

/** A user's role (UserRole): permissions is a decimal bitmask of privileges. */
export interface Role {
  id: string;
  name: string;
  color: string;
  permissions: string;
  highlighted: boolean;
}

/** A server rule, as a report cites it. */
export interface Rule {
  id: string;
  text: string;
  hint?: string;
}

/** An account as moderators see it (Admin::Account); the user's fields are null for remote accounts. */
export interface AdminAccount {
  id: string;
  username: string;
  domain: string | null;
  created_at: string;
  email: string | null;
  locale: string | null;
  invite_request: string | null;
  role: Role | null;
  confirmed: boolean;
  approved: boolean;
  disabled: boolean;
  silenced: boolean;
  suspended: boolean;
  sensitized: boolean;
  account: Account | null;
}

/** A report as moderators see it (Admin::Report). */
export interface AdminReport {
  id: string;
  action_taken: boolean;
  action_taken_at: string | null;
  category: "spam" | "legal" | "violation" | "other" | string;
  comment: string;
  forwarded: boolean;
  created_at: string;
  updated_at: string;
  account: AdminAccount;
  target_account: AdminAccount;
  assigned_account: AdminAccount | null;
  action_taken_by_account: AdminAccount | null;
  statuses: Status[];
  rules: Rule[];
}

export type DomainBlockSeverity = "silence" | "suspend" | "noop";

/** A domain the server limits or refuses (Admin::DomainBlock). */
export interface AdminDomainBlock {
  id: string;
  domain: string;
  created_at: string;
  severity: DomainBlockSeverity;
  reject_media: boolean;
  reject_reports: boolean;
  private_comment: string | null;
  public_comment: string | null;
  obfuscate: boolean;
}
