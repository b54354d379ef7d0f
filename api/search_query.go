package api

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/shard"
)

// queryTerm is one term of a search query as Mastodon's parser reads it: a word or a
// "quoted phrase", either after an operator (op:) and a leading - (negated) or +.
type queryTerm struct {
	neg    bool
	op     string // lower case, "" for none
	val    string
	quoted bool
	raw    string // the term as written, for an operator that is not one
}

// queryTerms splits q into terms; an unclosed quote runs to the end.
func queryTerms(q string) []queryTerm {
	var out []queryTerm
	r := []rune(q)
	for i := 0; i < len(r); {
		if unicode.IsSpace(r[i]) {
			i++
			continue
		}
		start := i
		var t queryTerm
		if (r[i] == '-' || r[i] == '+') && i+1 < len(r) && !unicode.IsSpace(r[i+1]) {
			t.neg = r[i] == '-'
			i++
		}
		if r[i] != '"' { // a word, or an operator and its value
			j := i
			for j < len(r) && !unicode.IsSpace(r[j]) && r[j] != ':' && r[j] != '"' {
				j++
			}
			if j < len(r) && r[j] == ':' && j > i && j+1 < len(r) && !unicode.IsSpace(r[j+1]) {
				t.op, i = strings.ToLower(string(r[i:j])), j+1
			}
		}
		if i < len(r) && r[i] == '"' {
			j := i + 1
			for j < len(r) && r[j] != '"' {
				j++
			}
			t.val, t.quoted, i = string(r[i+1:j]), true, min(j+1, len(r))
		} else {
			j := i
			for j < len(r) && !unicode.IsSpace(r[j]) {
				j++
			}
			t.val, i = string(r[i:j]), j
		}
		t.raw = string(r[start:i])
		out = append(out, t)
	}
	return out
}

// statusQuery turns q into a query: words, "quoted phrases", and Mastodon's operators
// (from:, has:, is:, language:, before:, after:, during:, in:), each negated by a
// leading -. ok is false when the query can find nothing (from: an unknown account).
func (s *Server) statusQuery(ctx context.Context, viewer shard.ID, q string) (sq search.StatusQuery, ok bool, err error) {
	var words []string
	for _, t := range queryTerms(q) {
		if t.op == "from" {
			id, found, err := s.fromAccount(ctx, viewer, t.val)
			switch {
			case err != nil:
				return sq, false, err
			case t.neg && found:
				sq.ExcludeAccounts = append(sq.ExcludeAccounts, uint64(id))
			case !t.neg && !found:
				return sq, false, nil
			case !t.neg:
				sq.Accounts = append(sq.Accounts, uint64(id))
			}
			continue
		}
		if t.op != "" && applyOperator(&sq, t) {
			continue
		}
		val := t.val
		if t.op != "" { // not an operator: searched as written
			val = strings.TrimLeft(t.raw, "-+")
		}
		switch {
		case strings.TrimSpace(val) == "":
		case t.neg:
			sq.Exclude = append(sq.Exclude, val)
		case t.quoted && t.op == "":
			sq.Phrases = append(sq.Phrases, val)
		default:
			words = append(words, val)
		}
	}
	sq.Text = strings.Join(words, " ")
	return sq, true, nil
}

// applyOperator applies the operator term t to sq; false when t is no operator.
func applyOperator(sq *search.StatusQuery, t queryTerm) bool {
	yes, no := true, false
	flag := &yes
	if t.neg {
		flag = &no
	}
	val := strings.ToLower(t.val)
	switch {
	case t.op == "has" && val == "media":
		sq.Media = flag
	case t.op == "has" && val == "poll":
		sq.Poll = flag
	case t.op == "has" && val == "link":
		sq.Link = flag
	case t.op == "has" && val == "embed":
		sq.Embed = flag
	case t.op == "is" && val == "reply":
		sq.Reply = flag
	case t.op == "is" && val == "sensitive":
		sq.Sensitive = flag
	case t.op == "language" && t.neg:
		sq.ExcludeLanguages = append(sq.ExcludeLanguages, val)
	case t.op == "language":
		sq.Language = val
	case t.op == "in" && val == "library" && !t.neg:
		sq.LibraryOnly = true
	case t.op == "in" && val == "public" && !t.neg:
		sq.PublicOnly = true
	case t.op == "before" || t.op == "after" || t.op == "during":
		return applyDate(sq, t)
	default:
		return false
	}
	return true
}

// applyDate applies before:, after: and during: (a day, UTC) and their negations
// (-before: is from that day on, -after: until its end, -during: drops the day).
// False when the value is no date.
func applyDate(sq *search.StatusQuery, t queryTerm) bool {
	day, err := time.Parse(time.DateOnly, t.val)
	if err != nil {
		return false
	}
	end := day.Add(24*time.Hour - time.Millisecond) // the day's last millisecond
	switch {
	case t.op == "during" && t.neg:
		sq.ExcludeDays = append(sq.ExcludeDays, day)
	case t.op == "during":
		sq.After, sq.Before = day.Add(-time.Millisecond), end.Add(time.Millisecond)
	case (t.op == "before") != t.neg: // before:, or -after:
		if t.neg {
			sq.Before = end.Add(time.Millisecond)
		} else {
			sq.Before = day
		}
	default: // after:, or -before:
		if t.neg {
			sq.After = day.Add(-time.Millisecond)
		} else {
			sq.After = end
		}
	}
	return true
}

// fromAccount resolves the account of from: (me, user, @user, user@domain) locally.
func (s *Server) fromAccount(ctx context.Context, viewer shard.ID, v string) (shard.ID, bool, error) {
	if v == "me" {
		return viewer, viewer != 0, nil
	}
	user, domain, _ := strings.Cut(strings.TrimPrefix(v, "@"), "@")
	if strings.EqualFold(domain, s.d.Instance.Domain) {
		domain = ""
	}
	a, err := s.d.Accounts.Lookup(ctx, user, strings.ToLower(domain))
	if err != nil {
		return 0, false, nil
	}
	return a.ID, true, nil
}
