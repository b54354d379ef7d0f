package api

import (
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// A status's leading fields (id, uri, url, created_at, edited_at; content,
// visibility, sensitive, spoiler_text) are the same for every viewer and every
// request until the status changes, and its content is most of its bytes: escaping
// it was a tenth of a home read. The server keeps, per status record, those fields
// rendered and, once a response needed them, encoded (statusMemo), shared by every
// renderer; the fields that change without the record (the account, counters, the
// viewer's marks, poll, card, quote) are rendered and encoded per request after them.
//
// A memo is a pure function of values it holds: it is found by the status's id and
// used only when the record's fields it was made from (and its author's names) are
// still the record's, and the encoder uses its bytes only when the entity's fields
// still equal the values they were made from, so an edited status, or an entity
// changed after rendering, falls back to rendering and encoding afresh. Nothing needs
// invalidating, on this node or across nodes: a node that renders a newer record
// makes a new memo.

// statusMemos is how many statuses' memos a server keeps.
const statusMemos = 10_000

// statusMemo is a status's viewer-independent leading fields, rendered, and their
// encodings made once, one per escaping of HTML.
type statusMemo struct {
	src         memoSource
	head        statusHead
	body        statusBody
	html, plain atomic.Pointer[statusSegments]
}

// memoSource is what the leading fields are rendered from, besides the body's own
// values: the record's links and dates, and its author's names.
type memoSource struct {
	uri, url, username, acct string
	local                    bool
	createdAt, editedAt      time.Time
}

func sourceOf(st *status.Status, acc *Account) memoSource {
	return memoSource{uri: st.URI, url: st.URL, username: acc.Username, acct: acc.Acct, local: st.Local,
		createdAt: st.CreatedAt, editedAt: st.EditedAt}
}

func bodyOf(st *status.Status) statusBody {
	return statusBody{Content: st.Content, Visibility: string(st.Visibility), Sensitive: st.Sensitive, SpoilerText: st.SpoilerText}
}

// statusSegments are a memo's encoded fields: head is `{"id":…,"edited_at":…,"account":`
// and body `,"content":…,"spoiler_text":…`, between which the account goes.
type statusSegments struct{ head, body []byte }

func newStatusMemos() *lru.Cache[shard.ID, *statusMemo] {
	c, err := lru.New[shard.ID, *statusMemo](statusMemos)
	if err != nil {
		panic(err) // only for a size below one
	}
	return c
}

// statusMemo returns the memo of st as written by acc, from the server's cache when
// it holds one made from the same values, else made now and kept.
func (s *Server) statusMemo(st *status.Status, acc *Account) *statusMemo {
	src, body := sourceOf(st, acc), bodyOf(st)
	if s.memos != nil {
		if m, ok := s.memos.Get(st.ID); ok && m.src == src && m.body == body {
			return m
		}
	}
	m := &statusMemo{src: src, body: body, head: statusHead{ID: st.ID.String(), URI: st.URI, CreatedAt: datetime(st.CreatedAt)}}
	if st.Local {
		m.head.URI = s.statusURI(acc.Username, st.ID)
		m.head.URL = ptr(s.profileURL(acc.Username) + "/" + m.head.ID)
	} else {
		u, uri := remoteLinks(st.URL, st.URI, s.baseURL()+"/@"+acc.Acct+"/"+m.head.ID)
		m.head.URL, m.head.URI = ptr(u), uri
	}
	if !st.EditedAt.IsZero() {
		m.head.EditedAt = ptr(datetime(st.EditedAt))
	}
	if s.memos != nil {
		s.memos.Add(st.ID, m)
	}
	return m
}

// segments returns the memo's encodings for w, making them the first time, or nil
// when v's leading fields are not the memo's (or there is no memo).
func (m *statusMemo) segments(v *Status, w *jwriter.Writer) *statusSegments {
	if m == nil || !m.holds(v) {
		return nil
	}
	slot := &m.html
	if w.NoEscapeHTML {
		slot = &m.plain
	}
	if seg := slot.Load(); seg != nil {
		return seg
	}
	head := jwriter.Writer{NoEscapeHTML: w.NoEscapeHTML}
	m.head.MarshalEasyJSON(&head)
	body := jwriter.Writer{NoEscapeHTML: w.NoEscapeHTML}
	m.body.MarshalEasyJSON(&body)
	if head.Error != nil || body.Error != nil {
		return nil
	}
	h, b := head.Buffer.BuildBytes(), body.Buffer.BuildBytes()
	seg := &statusSegments{head: append(h[:len(h)-1:len(h)-1], `,"account":`...), body: append([]byte{','}, b[1:len(b)-1]...)}
	slot.Store(seg)
	return seg
}

// holds reports whether v's leading fields are the memo's.
func (m *statusMemo) holds(v *Status) bool {
	h, b := &m.head, &m.body
	return v.ID == h.ID && v.URI == h.URI && v.CreatedAt == h.CreatedAt && samePtr(v.URL, h.URL) &&
		samePtr(v.EditedAt, h.EditedAt) && v.Content == b.Content && v.Visibility == b.Visibility &&
		v.Sensitive == b.Sensitive && v.SpoilerText == b.SpoilerText
}

// samePtr reports whether two optional strings are both absent or equal.
func samePtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a == b || *a == *b
}

// MarshalEasyJSON writes the status as its generated encoder does: its leading fields
// from its memo when they are still the memo's, the rest as generated.
func (v Status) MarshalEasyJSON(w *jwriter.Writer) {
	seg := v.memo.segments(&v, w)
	if seg == nil || w.Error != nil {
		statusFields(v).MarshalEasyJSON(w)
		return
	}
	w.Buffer.AppendBytes(seg.head)
	if v.Account == nil {
		w.RawString("null")
	} else {
		v.Account.MarshalEasyJSON(w)
	}
	w.Buffer.AppendBytes(seg.body)
	tail := statusTail{MediaAttachments: v.MediaAttachments, Application: v.Application, Mentions: v.Mentions,
		Tags: v.Tags, Emojis: v.Emojis, ReblogsCount: v.ReblogsCount, FavouritesCount: v.FavouritesCount,
		RepliesCount: v.RepliesCount, QuotesCount: v.QuotesCount, InReplyToID: v.InReplyToID,
		InReplyToAccountID: v.InReplyToAccountID, Reblog: v.Reblog, Quote: v.Quote, QuoteApproval: v.QuoteApproval,
		Poll: v.Poll, Card: v.Card, Language: v.Language, Text: v.Text, Favourited: v.Favourited,
		Reblogged: v.Reblogged, Muted: v.Muted, Bookmarked: v.Bookmarked, Pinned: v.Pinned, Filtered: v.Filtered}
	t := jwriter.Writer{Flags: w.Flags, NoEscapeHTML: w.NoEscapeHTML}
	tail.MarshalEasyJSON(&t) // {"media_attachments":…}: its brace becomes the comma after spoiler_text
	if t.Error != nil {
		w.Error = t.Error
		return
	}
	w.RawByte(',')
	_, _ = t.DumpTo(&afterBrace{w: w})
}

// afterBrace appends what is written to it to w, but for its first byte, the brace
// that opens the tail's object.
type afterBrace struct {
	w       *jwriter.Writer
	skipped bool
}

func (a *afterBrace) Write(p []byte) (int, error) {
	n := len(p)
	if !a.skipped && len(p) > 0 {
		p, a.skipped = p[1:], true
	}
	a.w.Buffer.AppendBytes(p)
	return n, nil
}

// UnmarshalEasyJSON reads a status as its generated decoder does.
func (v *Status) UnmarshalEasyJSON(l *jlexer.Lexer) {
	(*statusFields)(v).UnmarshalEasyJSON(l)
}
