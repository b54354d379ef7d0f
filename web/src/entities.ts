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
  mentions: Mention[];
  poll?: Poll | null;
  // Set only when the request had a user token.
  favourited?: boolean;
  reblogged?: boolean;
  bookmarked?: boolean;
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
}

export interface Marker {
  last_read_id: string;
  version: number;
  updated_at: string;
}

export type Markers = Partial<Record<"home" | "notifications", Marker>>;

export interface Application {
  name: string;
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
  };
}

export interface CreateStatusParams {
  status: string;
  spoiler_text?: string;
  sensitive?: boolean;
  visibility: Visibility;
  in_reply_to_id?: string;
  media_ids?: string[];
  poll?: { options: string[]; expires_in: number; multiple: boolean };
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
