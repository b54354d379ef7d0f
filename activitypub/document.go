package activitypub

import (
	"encoding/json"

	"github.com/herd-social/herd/text"
)

// decodeDocument decodes a JSON document from another server (a fetched object, a
// WebFinger answer, an activity from the inbox) with every name and string cleaned
// by text.CleanRemote: no string of a remote document reaches the store with a NUL or
// invalid UTF-8 in it, whatever field it lands in.
func decodeDocument(b []byte) (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	cleaned, _ := cleanValue(doc).(map[string]any)
	return cleaned, nil
}

// cleanValue cleans the strings of a decoded JSON value, in place where it can.
func cleanValue(v any) any {
	switch t := v.(type) {
	case string:
		return text.CleanRemote(t)
	case []any:
		for i := range t {
			t[i] = cleanValue(t[i])
		}
	case map[string]any:
		for k, val := range t {
			if ck := text.CleanRemote(k); ck != k {
				delete(t, k)
				k = ck
			}
			t[k] = cleanValue(val)
		}
	}
	return v
}
