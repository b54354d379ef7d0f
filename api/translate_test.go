package api_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/testrig"
)

// TestTranslateStatus: with a LibreTranslate service configured (testrig's, which
// upper-cases what it may translate), a public status's content, content warning,
// poll options and media description are translated in one request, its mentions
// and hashtags left alone; the instance says translation is enabled and lists the
// service's languages. Private statuses, pairs the service lacks and a failing
// service are refused as Mastodon refuses them.
func TestTranslateStatus(t *testing.T) {
	lt := testrig.LibreTranslate(t)
	c := testrig.New(t, testrig.Config(func(cfg *node.Config) { cfg.Translation.LibreEndpoint = lt.URL }))
	alice, bob := c.Register("alice"), c.Register("bob")
	r := upload(c, alice, "/api/v1/media", "a.png", testdata(t, "alpha.png"), url.Values{"description": {"a red cup"}})
	var m struct{ ID string }
	c.Must(r, 200).JSON(t, &m)
	var st struct {
		ID   string
		Poll struct{ ID string }
	}
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"tea with @bob #teatime"}, "spoiler_text": {"drinks"},
		"language": {"en"}, "poll[options][]": {"green", "black"}, "poll[expires_in]": {"3600"}}), 200).JSON(t, &st)
	var pic struct{ ID string }
	c.Must(alice.Do("POST", "/api/v1/statuses", url.Values{"status": {"my cup"}, "language": {"en"}, "media_ids[]": {m.ID}}), 200).JSON(t, &pic)

	var tr struct {
		Content, SpoilerText, DetectedSourceLanguage, Language, Provider string
		Poll                                                             struct {
			ID      string
			Options []struct{ Title string }
		}
		MediaAttachments []struct{ ID, Description string } `json:"media_attachments"`
	}
	c.Must(bob.Do("POST", "/api/v1/statuses/"+st.ID+"/translate", url.Values{"lang": {"fr"}}), 200).JSON(t, &tr)
	if !strings.HasPrefix(tr.Content, "<p>TEA WITH ") || !strings.Contains(tr.Content, ">@<span>bob</span></a>") ||
		!strings.Contains(tr.Content, ">#<span>teatime</span></a>") {
		t.Errorf("content %s: want the words translated, the mention and hashtag kept", tr.Content)
	}
	raw := c.Must(bob.Do("POST", "/api/v1/statuses/"+st.ID+"/translate", url.Values{"lang": {"fr"}}), 200).Body
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	if string(fields["spoiler_text"]) != `"DRINKS"` || string(fields["detected_source_language"]) != `"en"` ||
		string(fields["language"]) != `"fr"` || string(fields["provider"]) != `"LibreTranslate"` {
		t.Errorf("translation %s", raw)
	}
	if tr.Poll.ID != st.Poll.ID || len(tr.Poll.Options) != 2 || tr.Poll.Options[0].Title != "GREEN" || tr.Poll.Options[1].Title != "BLACK" {
		t.Errorf("poll %+v, want %s with GREEN, BLACK", tr.Poll, st.Poll.ID)
	}
	if lt.Calls.Load() != 1 {
		t.Errorf("%d calls to the service for two translations of one status, want 1 (kept a day)", lt.Calls.Load())
	}
	c.Must(bob.Do("POST", "/api/v1/statuses/"+pic.ID+"/translate", url.Values{"lang": {"de"}}), 200).JSON(t, &tr)
	if len(tr.MediaAttachments) != 1 || tr.MediaAttachments[0].ID != m.ID || tr.MediaAttachments[0].Description != "A RED CUP" {
		t.Errorf("media %+v", tr.MediaAttachments)
	}

	// Bob reads English: without lang, the status is already in his language.
	c.Must(bob.Do("POST", "/api/v1/statuses/"+st.ID+"/translate", nil), 403)
	c.Must(bob.Do("POST", "/api/v1/statuses/"+st.ID+"/translate", url.Values{"lang": {"ja"}}), 403)
	alice.Follow(bob)
	private := bob.PostStatus("for my followers", "visibility", "private", "language", "en")
	c.Must(alice.Do("POST", "/api/v1/statuses/"+private.ID+"/translate", url.Values{"lang": {"fr"}}), 403)
	c.Must(c.Do("POST", "/api/v1/statuses/"+st.ID+"/translate", "", url.Values{"lang": {"fr"}}), 401)
	lt.Status.Store(429)
	c.Must(bob.Do("POST", "/api/v1/statuses/"+pic.ID+"/translate", url.Values{"lang": {"fr"}}), 503)

	var inst struct {
		Configuration struct{ Translation struct{ Enabled bool } }
	}
	c.Must(c.Do("GET", "/api/v2/instance", "", nil), 200).JSON(t, &inst)
	if !inst.Configuration.Translation.Enabled {
		t.Error("configuration.translation.enabled is false with a service")
	}
	langs := c.Must(c.Do("GET", "/api/v1/instance/translation_languages", "", nil), 200).Body
	if want := `{"en":["fr","de"],"fr":["en"],"und":["de","en","fr"]}`; strings.TrimSpace(string(langs)) != want {
		t.Errorf("translation_languages %s, want %s", langs, want)
	}
}

// TestTranslateWithoutService: without a service, translating answers 404 as on
// Mastodon, and the instance says so.
func TestTranslateWithoutService(t *testing.T) {
	c := testrig.New(t)
	alice := c.Register("alice")
	st := alice.PostStatus("hello", "language", "en")
	c.Must(alice.Do("POST", "/api/v1/statuses/"+st.ID+"/translate", url.Values{"lang": {"fr"}}), 404)
}
