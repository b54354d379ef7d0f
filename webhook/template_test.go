package webhook

import "testing"

func TestRenderTemplate(t *testing.T) {
	body := []byte(`{"event":"status.created","object":{"id":"12","content":"<p>\"hi\"</p>","sensitive":false,` +
		`"media_attachments":[{"url":"https://x/a.png"}],"account":{"username":"carol"}}}`)
	for _, tc := range []struct{ tmpl, want string }{
		{`{"e":"{{event}}"}`, `{"e":"status.created"}`},
		{`{"u":"@{{object.account.username}}","id":{{object.id}}}`, `{"u":"@carol","id":12}`},
		{`{"c":"{{object.content}}"}`, `{"c":"<p>\"hi\"</p>"}`},
		{`{"s":{{object.sensitive}},"a":{{object.account}}}`, `{"s":false,"a":{"username":"carol"}}`},
		{`{{object.media_attachments.0.url}}`, `https://x/a.png`},
		{`{{object.media_attachments.3.url}} {{object.nothing}} {{event.deeper}}`, `null null null`},
		{`{{ event }} {{}} plain`, `{{ event }} {{}} plain`},
	} {
		if got := string(renderTemplate(tc.tmpl, body)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.tmpl, got, tc.want)
		}
	}
}
