package text

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// entityKind says what an entity is.
type entityKind uint8

const (
	kindURL entityKind = iota + 1
	kindTag
	kindMention
)

// entity is one URL, hashtag or mention found in a text, by byte offsets.
type entity struct {
	kind       entityKind
	start, end int
	// value is the URL, the hashtag name without '#', or the screen name
	// without '@' ("user" or "user@domain").
	value string
}

// maxMentionDomainLength is Extractor::MAX_DOMAIN_LENGTH.
const maxMentionDomainLength = 253

// Mention is a mention as typed: @Username or @Username@Domain.
type Mention struct {
	Username string
	// Domain is "" for a mention without a domain.
	Domain string
}

// Tag is a hashtag found in a text.
type Tag struct {
	// Name is the normalised name (NormalizeTag): the tag's identity.
	Name string
	// Display is the first spelling typed in the text, less the characters
	// Mastodon strips from a tag's display name.
	Display string
}

// Extract returns the mentions, hashtags and http(s) links of a plain-text
// status, each distinct and in order of first appearance. They are the
// entities Render would turn into links, after Mastodon's rule that an
// entity overlapping an earlier one is dropped (so a hashtag inside a URL is
// not a hashtag).
//
// Mentions are distinct ignoring case; their domain is as typed (Extract
// does not know the local domain). Links keep the spelling typed.
func Extract(input string) (mentions []Mention, tags []Tag, links []string) {
	s := strings.ToValidUTF8(input, "\uFFFD")
	seen := make(map[string]bool)
	for _, e := range extractEntities(s) {
		switch e.kind {
		case kindMention:
			m := splitScreenName(e.value)
			if key := "@" + strings.ToLower(e.value); !seen[key] {
				seen[key] = true
				mentions = append(mentions, m)
			}
		case kindTag:
			tags = appendTag(tags, seen, e.value)
		case kindURL:
			links = appendLink(links, seen, e.value)
		}
	}
	return mentions, tags, links
}

// appendTag adds the hashtag name to tags unless its normalised form is
// already there or empty.
func appendTag(tags []Tag, seen map[string]bool, name string) []Tag {
	norm := NormalizeTag(name)
	if norm == "" || seen["#"+norm] {
		return tags
	}
	seen["#"+norm] = true
	return append(tags, Tag{Name: norm, Display: stripInvalidTagChars(name)})
}

// appendLink adds an http(s) URL to links unless it is already there.
func appendLink(links []string, seen map[string]bool, url string) []string {
	if !isHTTPURL(url) || seen[url] {
		return links
	}
	seen[url] = true
	return append(links, url)
}

func isHTTPURL(url string) bool {
	n := schemeLen(url)
	return (n == len("http://") || n == len("https://")) && strings.EqualFold(url[:4], "http")
}

func splitScreenName(name string) Mention {
	user, domain, _ := strings.Cut(name, "@")
	return Mention{Username: user, Domain: domain}
}

// extractEntities is Extractor.extract_entities_with_indices: URLs, hashtags
// and mentions, sorted by position, with overlaps removed.
func extractEntities(s string) []entity {
	es := scanURLs(s)
	es = append(es, scanTags(s)...)
	es = append(es, scanMentions(s)...)
	return removeOverlapping(es)
}

// removeOverlapping sorts entities by start and drops each one that begins
// before the previous kept one ends (twitter-text's
// remove_overlapping_entities).
func removeOverlapping(es []entity) []entity {
	slices.SortStableFunc(es, func(a, b entity) int { return a.start - b.start })
	out := es[:0]
	for _, e := range es {
		if len(out) > 0 && out[len(out)-1].end > e.start {
			continue
		}
		out = append(out, e)
	}
	return out
}

// scanTags finds hashtags as Mastodon's Extractor scans Tag::HASHTAG_RE,
//
//	(?:^|[^\/\)\w])#(NAME)
//
// where the character before '#' is consumed by the match, so it cannot be
// the last character of the previous hashtag.
func scanTags(s string) []entity {
	if strings.IndexByte(s, '#') < 0 {
		return nil
	}
	var out []entity
	lastEnd := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '#' || !tagMayStartAt(s, i, lastEnd) {
			continue
		}
		nameEnd := hashtagNameEnd(s, i+1)
		if nameEnd < 0 {
			continue
		}
		name := s[i+1 : nameEnd]
		end := nameEnd
		if strings.HasPrefix(s[nameEnd:], "://") {
			// "#foohttps://…": the scheme is not part of the tag.
			for _, scheme := range []string{"https", "http"} {
				if len(name) > len(scheme) && strings.HasSuffix(name, scheme) {
					name = name[:len(name)-len(scheme)]
					end -= len(scheme)
					break
				}
			}
		}
		out = append(out, entity{kind: kindTag, start: i, end: end, value: name})
		lastEnd = nameEnd
		i = nameEnd - 1
	}
	return out
}

// tagMayStartAt reports whether the '#' at i may begin a hashtag.
func tagMayStartAt(s string, i, lastEnd int) bool {
	if i == 0 || s[i-1] == '\n' {
		return true
	}
	r, n := lastRune(s, i)
	return i-n >= lastEnd && r != '/' && r != ')' && !isASCIIWord(r)
}

// hashtagNameEnd matches Tag::HASHTAG_NAME_PAT at i and returns its end, or
// -1. The pattern is FIRST|LAST with
//
//	FIRST = W [W S]* [A S] [W S]* W   (W word, A alpha, S separator)
//	LAST  = W* A W*
//
// FIRST takes the run of word and separator characters up to its last word
// character, provided some alpha or separator lies strictly inside; LAST
// takes the run of word characters if it holds an alpha.
func hashtagNameEnd(s string, i int) int {
	first, firstLen := utf8.DecodeRuneInString(s[i:])
	if !isWord(first) {
		return -1
	}
	lastWordStart, lastWordEnd := -1, -1
	wordRunEnd, wordRunAlpha := -1, false
	for j := i; j < len(s); {
		r, n := utf8.DecodeRuneInString(s[j:])
		w := isWord(r)
		if !w && !isHashtagSeparator(r) {
			break
		}
		if !w && wordRunEnd < 0 {
			wordRunEnd = j
		}
		if w {
			lastWordStart, lastWordEnd = j, j+n
			if wordRunEnd < 0 && isAlpha(r) {
				wordRunAlpha = true
			}
		}
		j += n
	}
	if wordRunEnd < 0 {
		wordRunEnd = lastWordEnd
	}
	for j := i + firstLen; j < lastWordStart; {
		r, n := utf8.DecodeRuneInString(s[j:])
		if isAlpha(r) || isHashtagSeparator(r) {
			return lastWordEnd
		}
		j += n
	}
	if wordRunAlpha {
		return wordRunEnd
	}
	return -1
}

// scanMentions finds mentions as Mastodon's Extractor scans
// Account::MENTION_RE,
//
//	(?<![=/[:word:]])@(USERNAME(?:@[[:word:]]+(?:[.-]+[[:word:]]+)*)?)
//	USERNAME = [a-z0-9_]+(?:[.-]+[a-z0-9_]+)*   (case-insensitive)
//
// dropping a match followed by '@', a Latin accent or "://", or whose domain
// is longer than 253 characters.
func scanMentions(s string) []entity {
	if !strings.ContainsAny(s, "@＠") {
		return nil
	}
	var out []entity
	for pos := 0; pos < len(s); {
		k := strings.IndexByte(s[pos:], '@')
		if k < 0 {
			break
		}
		i := pos + k
		pos = i + 1
		if i > 0 {
			if r, _ := lastRune(s, i); r == '=' || r == '/' || isWord(r) {
				continue
			}
		}
		userEnd := dottedRun(s, i+1, isUsernameChar)
		if userEnd < 0 {
			continue
		}
		end, domainStart := userEnd, -1
		if userEnd+1 < len(s) && s[userEnd] == '@' {
			if d := dottedRun(s, userEnd+1, isWord); d > 0 {
				end, domainStart = withPort(s, d), userEnd+1
			}
		}
		pos = end
		if mentionRejectedBy(s[end:]) {
			continue
		}
		if domainStart >= 0 && utf8.RuneCountInString(s[domainStart:end]) > maxMentionDomainLength {
			continue
		}
		out = append(out, entity{kind: kindMention, start: i, end: end, value: s[i+1 : end]})
	}
	return out
}

// withPort extends a mention's domain ending at i by a port (":8080"), which Mastodon's
// regex does not allow but instances in development and tests have. Herd accepts it so
// that such instances can mention each other.
func withPort(s string, i int) int {
	if i >= len(s) || s[i] != ':' {
		return i
	}
	j := i + 1
	for j < len(s) && j-i <= 5 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i+1 || j-i > 6 {
		return i
	}
	if r, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && (isWord(r) || r == ':') {
		return i
	}
	return j
}

func isUsernameChar(r rune) bool { return r < utf8.RuneSelf && isASCIIWord(r) }

// dottedRun matches C+(?:[.-]+C+)* at i and returns its end, or -1.
func dottedRun(s string, i int, class func(rune) bool) int {
	end := spanClass(s, i, class)
	if end == i {
		return -1
	}
	for {
		j := end
		for j < len(s) && (s[j] == '.' || s[j] == '-') {
			j++
		}
		if j == end {
			return end
		}
		k := spanClass(s, j, class)
		if k == j {
			return end
		}
		end = k
	}
}

// mentionRejectedBy is twitter-text's end_mention_match on the text after a
// mention: an at sign, a Latin accent or "://".
func mentionRejectedBy(after string) bool {
	r, _ := utf8.DecodeRuneInString(after)
	return r == '@' || r == '＠' || isLatinAccent(r) || strings.HasPrefix(after, "://")
}
