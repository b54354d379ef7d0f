package activitypub

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
	"github.com/herd-social/herd/visibility"
)

// noteTypes are the object types Mastodon turns into statuses.
var noteTypes = []string{"Note", "Question", "Article", "Page", "Image", "Audio", "Video", "Event"}

func sanitize(html string) string { return text.SanitizeRemote(html) }

// contentOf reads content, or the first entry of contentMap.
func contentOf(obj map[string]any) string {
	if c := str2(obj, "content"); c != "" {
		return c
	}
	if m, ok := obj["contentMap"].(map[string]any); ok {
		for _, v := range m {
			if c, ok := v.(string); ok {
				return c
			}
		}
	}
	return ""
}

func (s *Service) applyCreate(ctx context.Context, actor *account.Account, act map[string]any) error {
	obj, ok := act["object"].(map[string]any)
	if !ok { // a Create that only names its object: fetch it
		doc, err := s.Fetch(ctx, idAny(act["object"]))
		if err != nil {
			return err
		}
		obj = doc
	}
	if vote, err := s.applyVote(ctx, actor, obj); vote || err != nil {
		return err
	}
	if t := str2(obj, "type"); !slices.Contains(noteTypes, t) {
		// Mastodon rejects the payload of an object type it does not take (Pleroma's
		// ChatMessage, ...) and keeps nothing: dropped, not set aside as a dead letter.
		return fmt.Errorf("%w: Create of a %q", ErrUnhandled, t)
	}
	_, err := s.storeNote(ctx, actor, obj)
	return err
}

// noteContent is the HTML of a note object, as Mastodon reads it, and its web link:
// the name is the text of an Article, Page or Event without content, and the link is
// appended to the content of what is not a Note or Question (a PeerTube Video), in
// a Create and in an Update alike.
func (s *Service) noteContent(obj map[string]any) (content, link string) {
	content = contentOf(obj)
	if content == "" && str2(obj, "name") != "" {
		content = "<p>" + text.PlainText(str2(obj, "name")) + "</p>"
	}
	link = s.remoteURL(linkOf(obj["url"]))
	if link != "" && str2(obj, "type") != "Note" && str2(obj, "type") != "Question" {
		content += `<p><a href="` + html.EscapeString(link) + `">` + html.EscapeString(link) + `</a></p>`
	}
	return content, link
}

// storeNote turns a note object by actor into a status (once per URI).
func (s *Service) storeNote(ctx context.Context, actor *account.Account, obj map[string]any) (*status.Status, error) {
	if !slices.Contains(noteTypes, str2(obj, "type")) {
		return nil, fmt.Errorf("%w: object type %q", ErrInvalid, str2(obj, "type"))
	}
	uri := s.remoteURL(str2(obj, "id"))
	if uri == "" || !sameHost(uri, actor.URI) {
		return nil, fmt.Errorf("%w: note %q is not on its author's host", ErrInvalid, uri)
	}
	if a := idAny(obj["attributedTo"]); a != "" && a != actor.URI {
		return nil, fmt.Errorf("%w: note %s is attributed to %s, not %s", ErrInvalid, uri, a, actor.URI)
	}
	content, link := s.noteContent(obj)
	attached, err := s.readAttachments(ctx, actor, obj)
	if err != nil {
		return nil, err
	}
	st := &status.Status{URI: uri, URL: link, AccountID: actor.ID, Content: sanitize(content),
		SpoilerText: str2(obj, "summary"), Sensitive: obj["sensitive"] == true, Poll: readQuestion(obj),
		RemoteMedia: attached}
	if st.SpoilerText != "" {
		st.Sensitive = true
	}
	if t, err := time.Parse(time.RFC3339, str2(obj, "published")); err == nil {
		st.CreatedAt = t.UTC()
	}
	if m, ok := obj["contentMap"].(map[string]any); ok {
		for lang := range m {
			st.Language = lang
			break
		}
	}
	if parent := idAny(obj["inReplyTo"]); parent != "" {
		p, err := s.localStatus(ctx, parent)
		if errors.Is(err, status.ErrNotFound) && !s.isLocal(parent) && ancestorDepth(ctx) < maxAncestors {
			// Fetch the unknown ancestors, as Mastodon does, so the thread holds together.
			p, err = s.fetchNote(context.WithValue(ctx, depthKey{}, ancestorDepth(ctx)+1), parent)
		}
		if err == nil {
			st.InReplyToID = p.ID
		} else {
			s.log.Info("activitypub: reply stored without its parent", "status", uri, "parent", parent, "err", err)
		}
	}
	mentioned := s.readTags(ctx, obj, st)
	if err := s.recordEmoji(ctx, actor.Domain, obj["tag"]); err != nil {
		return nil, err
	}
	st.Visibility = addressedVisibility(asStrings(obj["to"]), asStrings(obj["cc"]), actor.FollowersURL, mentioned)
	st.QuotePolicy = quotePolicyOf(obj, actor)
	s.readQuote(ctx, actor, obj, st)
	v, err := s.actions.ScreenRemote(ctx, st)
	if err != nil {
		return nil, err
	}
	if r := v.Rejected(); r != nil {
		return nil, fmt.Errorf("%w: note %s matched content rule %d", ErrRefused, uri, r.ID)
	}
	created, isNew, err := s.statuses.CreateRemote(ctx, st)
	if errors.Is(err, status.ErrNotFound) { // deleted before it arrived
		return nil, fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	if err == nil && isNew {
		s.actions.ReportMatches(ctx, created, v)
	}
	return created, err
}

// readTags fills mentions (of local accounts) and hashtags, and returns the URIs of
// every mentioned actor.
func (s *Service) readTags(ctx context.Context, obj map[string]any, st *status.Status) []string {
	var mentioned []string
	for _, t := range asList(obj["tag"]) {
		m, _ := t.(map[string]any)
		switch str2(m, "type") {
		case "Mention":
			href := str2(m, "href")
			local, err := s.localTarget(ctx, href)
			if err != nil && s.remoteURL(href) == "" {
				continue // neither one of ours nor a usable remote actor link
			}
			mentioned = append(mentioned, href)
			if err == nil && !slices.Contains(st.Mentions, local.ID) {
				st.Mentions = append(st.Mentions, local.ID)
			}
		case "Hashtag":
			spelt := strings.TrimPrefix(str2(m, "name"), "#")
			if name := text.NormalizeTag(spelt); name != "" && !slices.Contains(st.Tags, name) {
				st.Tags, st.TagDisplays = append(st.Tags, name), append(st.TagDisplays, text.TagDisplay(spelt))
			}
		}
	}
	return mentioned
}

// addressedVisibility computes a status's visibility from its addressing, as Mastodon does.
func addressedVisibility(to, cc []string, followers string, mentioned []string) status.Visibility {
	isPublic := func(s string) bool { return s == Public || s == "as:Public" || s == "Public" }
	switch {
	case slices.ContainsFunc(to, isPublic):
		return status.Public
	case slices.ContainsFunc(cc, isPublic):
		return status.Unlisted
	case followers != "" && (slices.Contains(to, followers) || slices.Contains(cc, followers)):
		return status.Private
	}
	return status.Direct
}

func asStrings(v any) []string {
	var out []string
	for _, x := range asList(v) {
		if s := idAny(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func sameHost(a, b string) bool {
	ha, hb := hostOf(a), hostOf(b)
	return ha != "" && strings.EqualFold(ha, hb)
}

func hostOf(uri string) string {
	rest, ok := strings.CutPrefix(uri, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(uri, "http://"); !ok {
			return ""
		}
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

func (s *Service) applyAnnounce(ctx context.Context, actor *account.Account, act map[string]any) error {
	target, err := s.localStatus(ctx, idAny(act["object"]))
	if errors.Is(err, status.ErrNotFound) && !s.isLocal(idAny(act["object"])) {
		target, err = s.fetchNote(ctx, idAny(act["object"]))
	}
	if err != nil {
		return err
	}
	if !visibility.Anonymous(target) { // another server boosts only what anyone may see
		return fmt.Errorf("%w: boost of a %s status", ErrInvalid, target.Visibility)
	}
	uri := s.remoteURL(str2(act, "id"))
	if uri == "" {
		return fmt.Errorf("%w: Announce without a usable id", ErrInvalid)
	}
	vis := addressedVisibility(asStrings(act["to"]), asStrings(act["cc"]), actor.FollowersURL, nil)
	boost := &status.Status{URI: uri, AccountID: actor.ID, ReblogOfID: target.ID, Visibility: vis}
	if t, err := time.Parse(time.RFC3339, str2(act, "published")); err == nil {
		boost.CreatedAt = t.UTC()
	}
	_, _, err = s.statuses.CreateRemote(ctx, boost) // which tells the boosted author
	return err
}

// maxAncestors bounds how far up a thread one incoming note makes Herd fetch.
const maxAncestors = 10

type depthKey struct{}

func ancestorDepth(ctx context.Context) int {
	d, _ := ctx.Value(depthKey{}).(int)
	return d
}

// fetchNote fetches a remote note by URI and stores it with its author.
func (s *Service) fetchNote(ctx context.Context, uri string) (*status.Status, error) {
	doc, err := s.Fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	return s.fetchedNote(ctx, uri, doc)
}

// fetchedNote stores the note doc fetched from uri with its author.
func (s *Service) fetchedNote(ctx context.Context, uri string, doc map[string]any) (*status.Status, error) {
	var err error
	// The document must come from the host of its own id: one naming an id on another
	// host is fetched again from that id, once, as Mastodon does, so that no server
	// can put words in the mouth of another's accounts.
	if id := str2(doc, "id"); !sameHost(id, uri) {
		if id == "" {
			return nil, fmt.Errorf("%w: %s has no id", ErrInvalid, uri)
		}
		if doc, err = s.Fetch(ctx, id); err != nil {
			return nil, err
		}
		if got := str2(doc, "id"); got != id {
			return nil, fmt.Errorf("%w: %s, fetched from %s, names itself %s", ErrInvalid, id, uri, got)
		}
	}
	author, err := s.RemoteAccount(ctx, idAny(doc["attributedTo"]), false)
	if err != nil {
		return nil, err
	}
	return s.storeNote(ctx, author, doc)
}

// ResolveStatus finds the status of a URI: ours, one already known, or fetched now.
func (s *Service) ResolveStatus(ctx context.Context, uri string) (*status.Status, error) {
	st, err := s.localStatus(ctx, uri)
	if errors.Is(err, status.ErrNotFound) && !s.isLocal(uri) {
		return s.fetchNote(ctx, uri)
	}
	return st, err
}
