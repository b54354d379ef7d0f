package activitypub

import (
	"bytes"
	"context"
	"html/template"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/visibility"
)

// wantsActivity reports whether a request asks for ActivityStreams JSON rather than a
// page, as Mastodon's content negotiation decides.
func wantsActivity(ctx *fasthttp.RequestCtx) bool {
	accept := string(ctx.Request.Header.Peek("Accept"))
	return strings.Contains(accept, "application/activity+json") || strings.Contains(accept, "application/ld+json") ||
		(strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html"))
}

// pagePost is one status on a public page.
type pagePost struct {
	URL, Published, SpoilerText string
	Content                     template.HTML
}

type profilePage struct {
	Title, DisplayName, Handle, Actor, ProfileURL string
	Note                                          template.HTML
	Fields                                        []pageField
	Posts                                         []pagePost
}

type pageField struct {
	Name  string
	Value template.HTML
}

// pageStyle keeps the pages readable without scripts or outside resources.
const pageStyle = `<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#1f232b;background:#fff}
header{border-bottom:1px solid #ddd;padding-bottom:1em}h1{margin:.2em 0}.handle{color:#606984}
article{border-bottom:1px solid #eee;padding:1em 0}time{color:#606984;font-size:.9em}.invisible{display:none}
.ellipsis::after{content:"…"}dl{display:grid;grid-template-columns:auto 1fr;gap:.3em 1em}dt{font-weight:600}
details summary{cursor:pointer;color:#606984}</style>`

// Templates of the public pages. Content and notes are HTML that Herd rendered or
// sanitised when it stored them.
var (
	profileTmpl = template.Must(template.New("profile").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title><link rel="alternate" type="application/activity+json" href="{{.Actor}}">` + pageStyle + `</head>
<body><header><h1>{{.DisplayName}}</h1><div class="handle">{{.Handle}}</div><div>{{.Note}}</div>
{{if .Fields}}<dl>{{range .Fields}}<dt>{{.Name}}</dt><dd>{{.Value}}</dd>{{end}}</dl>{{end}}</header>
<main>{{range .Posts}}<article>{{if .SpoilerText}}<details><summary>{{.SpoilerText}}</summary>{{.Content}}</details>{{else}}{{.Content}}{{end}}
<a href="{{.URL}}"><time>{{.Published}}</time></a></article>{{else}}<p>No public posts yet.</p>{{end}}</main></body></html>`))
	statusTmpl = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title><link rel="alternate" type="application/activity+json" href="{{.Actor}}">` + pageStyle + `</head>
<body><header><a href="{{.ProfileURL}}"><strong>{{.DisplayName}}</strong></a> <span class="handle">{{.Handle}}</span></header>
<main>{{range .Posts}}<article>{{if .SpoilerText}}<details><summary>{{.SpoilerText}}</summary>{{.Content}}</details>{{else}}{{.Content}}{{end}}
<time>{{.Published}}</time></article>{{end}}</main></body></html>`))
	// embedTmpl is the page an oEmbed iframe shows: the status alone, its links
	// opening outside the frame.
	embedTmpl = template.Must(template.New("embed").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title><base target="_blank">` + pageStyle + `<style>body{margin:0 auto;padding:.5em 1em}</style></head>
<body class="embed"><header><a href="{{.ProfileURL}}"><strong>{{.DisplayName}}</strong></a> <span class="handle">{{.Handle}}</span></header>
<main>{{range .Posts}}<article>{{if .SpoilerText}}<details><summary>{{.SpoilerText}}</summary>{{.Content}}</details>{{else}}{{.Content}}{{end}}
<a href="{{.URL}}"><time>{{.Published}}</time></a></article>{{end}}</main></body></html>`))
)

// profile renders the public profile page of a local account with its recent public posts.
func (s *Service) profile(ctx context.Context, username string) ([]byte, error) {
	a, err := s.contentAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	ids, err := s.statuses.ByAccount(ctx, 0, a.ID, paging.Page{Limit: 20}, status.AccountFilter{ExcludeReplies: true, ExcludeReblogs: true})
	if err != nil {
		return nil, err
	}
	sts, err := s.statuses.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	p := profilePage{Title: name + " (@" + a.Username + "@" + s.opts.Domain + ")", DisplayName: name,
		Handle: "@" + a.Username + "@" + s.opts.Domain, Actor: s.ActorURI(a.Username), Note: template.HTML(a.Note)}
	for _, f := range a.Fields {
		p.Fields = append(p.Fields, pageField{Name: f.Name, Value: template.HTML(f.Value)})
	}
	for _, id := range ids {
		if st := sts[id]; st != nil && visibility.Anonymous(st) && visibility.InPublicListings(st) {
			p.Posts = append(p.Posts, s.pagePost(a.Username, st))
		}
	}
	var b bytes.Buffer
	err = profileTmpl.Execute(&b, p)
	return b.Bytes(), err
}

func (s *Service) pagePost(username string, st *status.Status) pagePost {
	return pagePost{URL: s.ProfileURL(username) + "/" + st.ID.String(), Published: st.CreatedAt.UTC().Format("2 Jan 2006, 15:04 UTC"),
		SpoilerText: st.SpoilerText, Content: template.HTML(st.Content)}
}

// statusPage renders the public page of one public or unlisted local status, with
// tmpl: statusTmpl or embedTmpl.
func (s *Service) statusPage(ctx context.Context, username string, id shard.ID, tmpl *template.Template) ([]byte, error) {
	n, err := s.Note(ctx, username, id) // the same visibility rules as the object
	if err != nil {
		return nil, err
	}
	a, err := s.contentAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	st, err := s.statuses.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	p := profilePage{Title: name + ": " + truncate(st.Text, 60), DisplayName: name, ProfileURL: s.ProfileURL(a.Username),
		Handle: "@" + a.Username + "@" + s.opts.Domain, Actor: n.ID, Posts: []pagePost{s.pagePost(a.Username, st)}}
	var b bytes.Buffer
	err = tmpl.Execute(&b, p)
	return b.Bytes(), err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// page answers /@name and /@name/id: HTML for browsers, the AP document for peers.
func (h *Server) page(ctx *fasthttp.RequestCtx) {
	handle := str(ctx, "handle")
	if !strings.HasPrefix(handle, "@") || len(handle) < 2 {
		h.fail(ctx, ErrNotFound)
		return
	}
	username, idStr := handle[1:], str(ctx, "id")
	if wantsActivity(ctx) {
		target := h.s.ActorURI(username)
		if idStr != "" {
			target += "/statuses/" + idStr
		}
		ctx.Redirect(target, 302)
		return
	}
	var body []byte
	var err error
	if idStr == "" {
		body, err = h.s.profile(ctx, username)
	} else {
		var id shard.ID
		if id, err = shard.Parse(idStr); err == nil {
			body, err = h.s.statusPage(ctx, username, id, statusTmpl)
		} else {
			err = ErrNotFound
		}
	}
	if err != nil {
		h.fail(ctx, err)
		return
	}
	ctx.SetContentType("text/html; charset=utf-8")
	ctx.Response.Header.Set("Vary", "Accept")
	ctx.Response.Header.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:")
	ctx.SetBody(body)
}

// embed answers /@name/id/embed, the page an oEmbed iframe shows (GET /api/oembed):
// the status's page that any site may frame.
func (h *Server) embed(ctx *fasthttp.RequestCtx) {
	handle := str(ctx, "handle")
	id, err := shard.Parse(str(ctx, "id"))
	if err != nil || !strings.HasPrefix(handle, "@") || len(handle) < 2 {
		h.fail(ctx, ErrNotFound)
		return
	}
	body, err := h.s.statusPage(ctx, handle[1:], id, embedTmpl)
	if err != nil {
		h.fail(ctx, err)
		return
	}
	ctx.SetContentType("text/html; charset=utf-8")
	ctx.Response.Header.Set("Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors *")
	ctx.SetBody(body)
}
