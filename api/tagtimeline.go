package api

import (
	"slices"
	"strings"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/text"
)

// tagsPerMode is Mastodon's TagFeed::LIMIT_PER_MODE: any[] (counting the hashtag
// of the path), all[] and none[] each take their first four names and silently
// drop the rest.
const tagsPerMode = 4

// tagNames takes the first tagsPerMode distinct names of raw, as Mastodon does,
// then normalises them, dropping those that are no valid hashtag name (Mastodon
// finds no tag for them).
func tagNames(raw []string) []string {
	var distinct, out []string
	for _, n := range raw {
		if len(distinct) == tagsPerMode {
			break
		}
		if !slices.Contains(distinct, n) {
			distinct = append(distinct, n)
		}
	}
	for _, n := range distinct {
		if n = text.NormalizeTag(strings.TrimPrefix(n, "#")); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// tagTimeline is a hashtag timeline; any[] adds the statuses of up to three more
// hashtags (merged from their own timelines), all[] keeps those also carrying every
// tag named and none[] those carrying none of them. all[] and none[] check the tags
// of the loaded statuses: like the viewer's filters, they may leave a page shorter
// than its limit, and its Link still pages by the statuses read.
func (s *Server) tagTimeline(r *req) error {
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	name := text.NormalizeTag(strings.TrimPrefix(r.pathStr("tag"), "#"))
	if name == "" {
		return errNotFound
	}
	tags := tagNames(append([]string{name}, r.p.list("any")...))
	ids, err := s.d.Timelines.TagAny(r.context(), tags, scopeOf(r.p), r.p.boolean("only_media"), p)
	if err != nil {
		return err
	}
	out, err := s.statusesByID(r.context(), r.viewer, ids, false)
	if err != nil {
		return err
	}
	if out, err = s.publicView(r, out); err != nil {
		return err
	}
	all, none := tagNames(r.p.list("all")), tagNames(r.p.list("none"))
	if len(all) > 0 || len(none) > 0 {
		kept := out[:0]
		for _, st := range out {
			if carriesTags(st, all, true) && !carriesTags(st, none, false) {
				kept = append(kept, st)
			}
		}
		out = kept
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

// carriesTags reports whether st carries every name (every) or any of them.
func carriesTags(st *Status, names []string, every bool) bool {
	for _, n := range names {
		has := slices.ContainsFunc(st.Tags, func(t Tag) bool { return t.Name == n })
		if has != every {
			return has
		}
	}
	return every
}
