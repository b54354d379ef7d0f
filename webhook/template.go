package webhook

import (
	"encoding/json"
	"regexp"
	"strings"
)

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)

// renderTemplate makes a webhook's body from its template and Mastodon's payload, as
// Mastodon's Webhooks::PayloadRenderer: every {{path}} (dotted keys into the payload,
// such as object.account.username) becomes the value there. A string is JSON-escaped
// without its quotes, so that templates quote it; any other value is its JSON; a
// missing one is empty.
func renderTemplate(tmpl string, body []byte) []byte {
	var root any
	if err := json.Unmarshal(body, &root); err != nil {
		return body
	}
	out := placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		path := placeholder.FindStringSubmatch(m)[1]
		v := root
		for _, k := range strings.Split(path, ".") {
			obj, ok := v.(map[string]any)
			if !ok {
				return ""
			}
			if v, ok = obj[k]; !ok {
				return ""
			}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		if _, ok := v.(string); ok {
			return string(b[1 : len(b)-1])
		}
		return string(b)
	})
	return []byte(out)
}
