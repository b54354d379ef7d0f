package api

import (
	"cmp"
	"errors"
	"runtime"
	"slices"
	"strconv"

	"github.com/herd-social/herd/account"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// dimensionLimit is how many items a dimension lists without limit, and at most.
const dimensionLimit, maxDimensionLimit = 10, 100

// adminDimensions answers the dimensions Herd keeps data for: software_versions
// and languages (the locales of the users last active in the period, as Mastodon
// groups users by their last sign-in).
func (s *Server) adminDimensions(r *req) error {
	from, to, err := analyticsRange(r.p)
	if err != nil {
		return err
	}
	limit := dimensionLimit
	if n, err := strconv.Atoi(r.p.str("limit")); err == nil && n >= 0 {
		limit = min(n, maxDimensionLimit)
	}
	out := []*Dimension{}
	for _, key := range r.p.list("keys") {
		switch key {
		case "software_versions":
			v := runtime.Version()
			out = append(out, &Dimension{Key: key, Data: []DimensionPoint{
				{Key: "herd", HumanKey: "Herd", Value: s.d.Instance.Version, HumanValue: s.d.Instance.Version},
				{Key: "go", HumanKey: "Go", Value: v, HumanValue: v},
			}})
		case "languages":
			last, err := s.lastActive(r.context(), from)
			if err != nil {
				return err
			}
			count := map[string]int{}
			for id, d := range last {
				if d.After(to) {
					continue
				}
				u, err := s.d.Accounts.User(r.context(), id)
				if errors.Is(err, account.ErrNotFound) {
					continue // gone since
				}
				if err != nil {
					return err
				}
				if u.Locale != "" {
					count[u.Locale]++
				}
			}
			out = append(out, &Dimension{Key: key, Data: ranked(count, limit)})
		case "instance_accounts":
			domain, err := dashDomain(r, key)
			if err != nil {
				return err
			}
			d, err := s.instanceAccountsDimension(r.context(), domain, limit)
			if err != nil {
				return err
			}
			out = append(out, d)
		default:
			d, ok, err := s.dashDimension(r, key, from, to, limit)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, d)
			}
		}
	}
	return r.json(out)
}

// ranked lists the counted locales, most counted first, at most limit of them.
func ranked(count map[string]int, limit int) []DimensionPoint {
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b)) })
	out := []DimensionPoint{}
	for _, k := range keys[:min(limit, len(keys))] {
		human := k
		if t, err := language.Parse(k); err == nil {
			if name := display.English.Languages().Name(t); name != "" {
				human = name
			}
		}
		out = append(out, DimensionPoint{Key: k, HumanKey: human, Value: strconv.Itoa(count[k])})
	}
	return out
}
