package webhook

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// placeholder is a {{path}}: a key, then dotted keys or array indexes.
var placeholder = regexp.MustCompile(`(?i)\{\{[a-z_]+(\.([a-z_]+|[0-9]+))*\}\}`)

// renderTemplate makes a webhook's body from its template and Mastodon's payload, as
// Mastodon's Webhooks::PayloadRenderer: every {{path}} (such as
// object.account.username or object.media_attachments.0.url) becomes the value there.
// A string is JSON-escaped without its quotes, so that templates may put it inside
// their own strings; any other value is its JSON, and a missing one is null.
func renderTemplate(tmpl string, body []byte) []byte {
	var root any
	if err := json.Unmarshal(body, &root); err != nil {
		return body
	}
	out := placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		v := lookup(root, strings.Split(m[2:len(m)-2], "."))
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "null"
		}
		s := strings.TrimSuffix(b.String(), "\n")
		if _, ok := v.(string); ok {
			return s[1 : len(s)-1]
		}
		return s
	})
	return []byte(out)
}

// lookup follows path from v: keys into objects, indexes into arrays; nil when the
// path leads nowhere.
func lookup(v any, path []string) any {
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
