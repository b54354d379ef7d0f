// Package text owns what happens to the words a user types: it turns a
// plain-text status into the HTML Mastodon would produce for it, finds the
// mentions, hashtags and links in it, counts its length the way Mastodon's
// character limit does, normalises hashtag names, cuts remote HTML down to
// the subset Mastodon shows, and turns HTML back into plain text.
//
// The rules are Mastodon's, followed to the byte where that is practical:
//   - entity extraction: Mastodon's Extractor on top of twitter-text, with the
//     URL grammar of config/initializers/twitter_regex.rb, Account::MENTION_RE
//     and Tag::HASHTAG_RE (extract.go, url.go);
//   - rendering: TextFormatter plus Rails' simple_format (render.go);
//   - length: StatusLengthValidator (length.go);
//   - hashtag identity: HashtagNormalizer (tag.go);
//   - remote HTML: Sanitize with Sanitize::Config::MASTODON_STRICT
//     (sanitize.go).
//
// Where this package knowingly differs from Mastodon, the function's comment
// says so.
//
// The package must not do I/O and holds no state: every function is a pure
// function of its arguments. Looking accounts up is the caller's business,
// handed in as a Resolver callback; the package never fetches a URL, a
// profile or a WebFinger document.
package text
