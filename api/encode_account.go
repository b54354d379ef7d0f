package api

import (
	"sync/atomic"

	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"
)

// A page of statuses names few authors many times: a home page of 20 statuses by 5
// people encoded each account 4 times, a sixth of the page's encoding. accountMap
// gives the accounts it renders a memo, so that each is encoded once per page and
// its bytes copied after that. Only accounts rendered for one answer get one: they
// are complete before the answer is encoded and not changed after, which is what
// makes the first encoding good for the rest.

// accountMemo holds an account's encodings, one per escaping of HTML (writeJSON
// escapes it, the streaming frames do not). Atomic, since a streamed event's
// statuses may be encoded for several sockets at once; two encoders that race both
// make the same bytes.
type accountMemo struct {
	html, plain atomic.Pointer[[]byte]
}

// MarshalEasyJSON writes the account as its generated encoder does, from its memo
// when it has one.
func (v Account) MarshalEasyJSON(w *jwriter.Writer) {
	if v.memo == nil || w.Flags != 0 { // a memo holds the encodings without flags
		accountFields(v).MarshalEasyJSON(w)
		return
	}
	slot := &v.memo.html
	if w.NoEscapeHTML {
		slot = &v.memo.plain
	}
	if b := slot.Load(); b != nil {
		w.Raw(*b, nil)
		return
	}
	one := jwriter.Writer{NoEscapeHTML: w.NoEscapeHTML}
	accountFields(v).MarshalEasyJSON(&one)
	b, err := one.BuildBytes()
	if err == nil {
		slot.Store(&b)
	}
	w.Raw(b, err)
}

// UnmarshalEasyJSON reads an account as its generated decoder does.
func (v *Account) UnmarshalEasyJSON(l *jlexer.Lexer) {
	(*accountFields)(v).UnmarshalEasyJSON(l)
}
