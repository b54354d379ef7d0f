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
// strings encoded once, for both escapings of HTML.
type statusMemo struct {
	src  memoSource
	head statusHead
	body statusBody
	enc  atomic.Pointer[statusStrings]
}

// statusHead and statusBody are the leading fields as rendered.
type statusHead struct {
	ID, URI, CreatedAt string
	URL, EditedAt      *string
}

type statusBody struct {
	Content, Visibility string
	Sensitive           bool
	SpoilerText         string
}

// statusStrings are the leading strings encoded.
type statusStrings struct {
	id, uri, createdAt, content, spoilerText encodedString
	url, editedAt                            *encodedString
}

// encodedString is a JSON string encoded already, escaping HTML and not.
type encodedString struct{ html, plain []byte }

func encodeString(s string) encodedString {
	html, plain := jwriter.Writer{}, jwriter.Writer{NoEscapeHTML: true}
	html.String(s)
	plain.String(s)
	return encodedString{html: html.Buffer.BuildBytes(), plain: plain.Buffer.BuildBytes()}
}

func encodeOptional(s *string) *encodedString {
	if s == nil {
		return nil
	}
	e := encodeString(*s)
	return &e
}

// MarshalEasyJSON writes the string as encoded for w; the zero encodedString is "".
func (e encodedString) MarshalEasyJSON(w *jwriter.Writer) {
	b := e.html
	if w.NoEscapeHTML {
		b = e.plain
	}
	if len(b) == 0 {
		w.RawString(`""`)
		return
	}
	w.Buffer.AppendBytes(b)
}

// MarshalJSON is encoding/json's view of the same string, without escaping HTML,
// which encoding/json escapes or not as asked.
func (e encodedString) MarshalJSON() ([]byte, error) {
	if len(e.plain) == 0 {
		return []byte(`""`), nil
	}
	return e.plain, nil
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

// strings returns the memo's encoded strings, encoding them the first time, or nil
// when v's leading fields are not the memo's (or there is no memo).
func (m *statusMemo) strings(v *Status) *statusStrings {
	if m == nil || !m.holds(v) {
		return nil
	}
	if e := m.enc.Load(); e != nil {
		return e
	}
	h, b := &m.head, &m.body
	e := &statusStrings{id: encodeString(h.ID), uri: encodeString(h.URI), createdAt: encodeString(h.CreatedAt),
		content: encodeString(b.Content), spoilerText: encodeString(b.SpoilerText), url: encodeOptional(h.URL),
		editedAt: encodeOptional(h.EditedAt)}
	m.enc.Store(e)
	return e
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

// MarshalEasyJSON writes the status as its generated encoder does, its leading
// strings from its memo when they are still the memo's.
func (v Status) MarshalEasyJSON(w *jwriter.Writer) {
	e := v.memo.strings(&v)
	if e == nil {
		statusFields(v).MarshalEasyJSON(w)
		return
	}
	out := statusOut{ID: e.id, URI: e.uri, URL: e.url, CreatedAt: e.createdAt, EditedAt: e.editedAt,
		Account: v.Account, Content: e.content, Visibility: v.Visibility, Sensitive: v.Sensitive,
		SpoilerText: e.spoilerText, MediaAttachments: v.MediaAttachments, Application: v.Application,
		Mentions: v.Mentions, Tags: v.Tags, Emojis: v.Emojis, ReblogsCount: v.ReblogsCount,
		FavouritesCount: v.FavouritesCount, RepliesCount: v.RepliesCount, QuotesCount: v.QuotesCount,
		InReplyToID: v.InReplyToID, InReplyToAccountID: v.InReplyToAccountID, Reblog: v.Reblog, Quote: anyJSON{v.Quote},
		QuoteApproval: v.QuoteApproval, Poll: v.Poll, Card: anyJSON{v.Card}, Language: v.Language, Text: v.Text,
		Favourited: v.Favourited, Reblogged: v.Reblogged, Muted: v.Muted, Bookmarked: v.Bookmarked,
		Pinned: v.Pinned, Filtered: v.Filtered}
	out.MarshalEasyJSON(w)
}

// UnmarshalEasyJSON reads a status as its generated decoder does.
func (v *Status) UnmarshalEasyJSON(l *jlexer.Lexer) {
	(*statusFields)(v).UnmarshalEasyJSON(l)
}
