package api

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/mailru/easyjson"
	"github.com/mailru/easyjson/jwriter"
	"github.com/valyala/fasthttp"
)

// The entities that most responses and every streamed event carry are encoded by
// code generated with easyjson rather than by encoding/json's reflection, into its
// pooled buffers: encoding was a sixth of a home read, and its garbage much of
// another sixth. The output is encoding/json's, byte for byte (encode_test.go
// compares the two on filled, empty and random entities, which also catches
// generated code left stale by a change to a type); -no_std_marshalers leaves
// encoding/json itself alone, so every other type still goes through it.
//
// The aliases below name the types to generate for; the generated methods belong
// to the types themselves. To add an entity, alias it here and run go generate.

//go:generate go run github.com/mailru/easyjson/easyjson -no_std_marshalers encode.go

//easyjson:json
type (
	relationshipJSON         = Relationship
	notificationJSON         = Notification
	groupedNotificationsJSON = GroupedNotifications
	conversationJSON         = Conversation
	mediaAttachmentJSON      = MediaAttachment
	pollJSON                 = Poll
	previewCardJSON          = PreviewCard
	customEmojiJSON          = CustomEmoji
	filterResultJSON         = FilterResult
	quoteJSON                = Quote
	shallowQuoteJSON         = ShallowQuote
	quoteApprovalJSON        = QuoteApproval
	wsFrameJSON              = wsFrame
)

// Account's generated methods belong to accountFields, so that Account's own
// (encode_account.go) can reuse an encoding already made.
//
//easyjson:json
type accountFields Account

// Status's generated methods belong to statusFields, so that Status's own
// (encode_status.go) can write its leading strings already encoded: statusOut is
// Status with those strings as encodedString, which writes the bytes it holds.
//
//easyjson:json
type statusFields Status

//easyjson:json
type statusOut struct {
	ID                 encodedString      `json:"id"`
	URI                encodedString      `json:"uri"`
	URL                *encodedString     `json:"url"`
	CreatedAt          encodedString      `json:"created_at"`
	EditedAt           *encodedString     `json:"edited_at"`
	Account            *Account           `json:"account"`
	Content            encodedString      `json:"content"`
	Visibility         string             `json:"visibility"`
	Sensitive          bool               `json:"sensitive"`
	SpoilerText        encodedString      `json:"spoiler_text"`
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
	Quote              anyJSON            `json:"quote"`
	QuoteApproval      *QuoteApproval     `json:"quote_approval"`
	Poll               *Poll              `json:"poll"`
	Card               anyJSON            `json:"card"`
	Language           *string            `json:"language"`
	Text               *string            `json:"text,omitempty"`
	Favourited         *bool              `json:"favourited,omitempty"`
	Reblogged          *bool              `json:"reblogged,omitempty"`
	Muted              *bool              `json:"muted,omitempty"`
	Bookmarked         *bool              `json:"bookmarked,omitempty"`
	Pinned             *bool              `json:"pinned,omitempty"`
	Filtered           []FilterResult     `json:"filtered,omitempty"`
}

// anyJSON is an `any` field of statusOut, written as the generated code writes one,
// but for nil, which it writes itself rather than through encoding/json's reflection
// (most statuses quote nothing and have no card).
type anyJSON struct{ v any }

// MarshalEasyJSON writes the value as easyjson's generated code writes an `any`.
func (a anyJSON) MarshalEasyJSON(w *jwriter.Writer) {
	switch v := a.v.(type) {
	case nil:
		w.RawString("null")
	case easyjson.Marshaler:
		v.MarshalEasyJSON(w)
	case json.Marshaler:
		w.Raw(v.MarshalJSON())
	default:
		w.Raw(json.Marshal(v))
	}
}

// MarshalJSON is encoding/json's view of the same value.
func (a anyJSON) MarshalJSON() ([]byte, error) { return json.Marshal(a.v) }

// The lists that handlers answer with, named so that they have generated encoders.
//
//easyjson:json
type (
	statusList       []*Status
	accountList      []*Account
	relationshipList []*Relationship
	notificationList []*Notification
	conversationList []*Conversation
)

// generated returns the generated encoder of v, or nil when v has none (or is a
// nil pointer, which encoding/json renders as null and a value method cannot).
func generated(v any) easyjson.Marshaler {
	switch v := v.(type) {
	case []*Status:
		return statusList(v)
	case []*Account:
		return accountList(v)
	case []*Relationship:
		return relationshipList(v)
	case []*Notification:
		return notificationList(v)
	case []*Conversation:
		return conversationList(v)
	case easyjson.Marshaler:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil
		}
		if !ownEncoder[reflect.Indirect(rv).Type()] {
			return nil // promoted from an embedded entity: it would drop the outer fields
		}
		return v
	}
	return nil
}

// ownEncoder are the types whose generated methods are their own. A type that embeds
// one of them (an admin's view of a trending status embeds the Status) has the
// embedded type's methods promoted, which encode the embedded fields alone.
var ownEncoder = map[reflect.Type]bool{}

func init() {
	for _, v := range []any{Status{}, Account{}, Relationship{}, Notification{}, GroupedNotifications{},
		Conversation{}, MediaAttachment{}, Poll{}, PreviewCard{}, CustomEmoji{}, FilterResult{}, Quote{}, ShallowQuote{},
		QuoteApproval{}, wsFrame{}, statusOut{}} {
		ownEncoder[reflect.TypeOf(v)] = true
	}
}

// writeJSON answers with v as JSON, HTML escaped as encoding/json does by default.
func writeJSON(ctx *fasthttp.RequestCtx, code int, v any) {
	ctx.SetContentType("application/json; charset=utf-8")
	if m := generated(v); m != nil {
		w := jwriter.Writer{}
		m.MarshalEasyJSON(&w)
		if w.Error == nil {
			ctx.SetStatusCode(code)
			ctx.ResetBody()
			_, _ = w.DumpTo(ctx.Response.BodyWriter())
			if b := ctx.Response.Body(); needsStdEscapes(b, true) {
				ctx.SetBody(stdEscapes(b, true))
			}
			return
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		code, b = 500, []byte(`{"error":"Internal server error"}`)
	}
	ctx.SetStatusCode(code)
	ctx.SetBody(b)
}

// encodeTo writes m as JSON to buf, escaping HTML or not, as encoding/json's
// Encoder does without its trailing newline.
func encodeTo(buf *bytes.Buffer, m easyjson.Marshaler, escapeHTML bool) error {
	w := jwriter.Writer{NoEscapeHTML: !escapeHTML}
	m.MarshalEasyJSON(&w)
	if w.Error != nil {
		return w.Error
	}
	start := buf.Len()
	_, _ = w.DumpTo(buf)
	if b := buf.Bytes()[start:]; needsStdEscapes(b, escapeHTML) {
		fixed := stdEscapes(b, escapeHTML)
		buf.Truncate(start)
		buf.Write(fixed)
	}
	return nil
}

// needsStdEscapes reports whether JSON text b written by easyjson has escapes that
// encoding/json writes otherwise (see stdEscapes). With HTML escaped, every < is
// \u003c, so only backspace and form feed are looked for, in one pass over the
// page from backslash to backslash (an escaped backslash is stepped over with its
// escape), where a search for the whole escape, restarted at each of HTML content's
// many \u003c, cost about a sixth of the page's encoding.
func needsStdEscapes(b []byte, escapeHTML bool) bool {
	if !escapeHTML {
		return bytes.Contains(b, []byte(`\u00`))
	}
	for {
		i := bytes.IndexByte(b, '\\')
		if i < 0 || i+5 >= len(b) {
			return false
		}
		if b[i+1] == 'u' && b[i+2] == '0' && b[i+3] == '0' && b[i+4] == '0' && (b[i+5] == '8' || b[i+5] == 'c') {
			return true
		}
		b = b[i+2:]
	}
}

// stdEscapes returns JSON text b with its escapes as encoding/json writes them:
// backspace and form feed as \b and \f, which easyjson writes as \u0008 and
// \u000c; and, when HTML is not escaped, <, > and & themselves, which a value that
// easyjson hands to encoding/json (one without a generated encoder, in an `any`
// field) comes back escaped as. Backslashes occur only in strings' escapes, so
// reading them in turn finds every escape and nothing else.
func stdEscapes(b []byte, escapeHTML bool) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) {
			var short string
			switch string(b[i+2 : i+6]) {
			case "0008":
				short = `\b`
			case "000c":
				short = `\f`
			case "003c":
				short = "<"
			case "003e":
				short = ">"
			case "0026":
				short = "&"
			}
			if short != "" && (len(short) == 2 || !escapeHTML) {
				out = append(out, short...)
				i += 5
				continue
			}
		}
		out = append(out, c, b[i+1]) // any other escape, kept as it is
		i++
	}
	return out
}
