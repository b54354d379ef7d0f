package api

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzParams feeds arbitrary query strings and bodies, in each content type clients
// use, through parameter parsing and pagination: they must never panic, and a page
// that parses must have a limit within bounds.
func FuzzParams(f *testing.F) {
	f.Add("max_id=1&limit=20", "application/json", []byte(`{"status":"hi","poll":{"options":["a","b"]}}`))
	f.Add("since_id=123&min_id=4", "application/x-www-form-urlencoded", []byte("status=hi&media_ids[]=1&media_ids[]=2"))
	f.Add("limit=-5", "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n"))
	f.Add("limit=99999999999999999999", "application/json", []byte(`[[[[[[[[[[[[1]]]]]]]]]]]]`))
	f.Add("id[]=1&id[]=x", "application/json", []byte(`{"a":{"b":{"c":null}},"fields_attributes":[{"name":"x","value":1.5e300}]}`))
	f.Fuzz(func(t *testing.T, query, contentType string, body []byte) {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI("/api/v1/statuses?" + query)
		ctx.Request.Header.SetContentType(contentType)
		ctx.Request.SetBody(body)
		p, err := parseParams(&ctx)
		if err != nil {
			return
		}
		_ = p.list("media_ids")
		_ = p.optBool("sensitive")
		_, _ = profileFields(p)
		r := &req{ctx: &ctx, p: p}
		pg, err := r.page(20, 40)
		if err == nil && (pg.Limit < 1 || pg.Limit > 40) {
			t.Fatalf("limit %d out of bounds", pg.Limit)
		}
	})
}
