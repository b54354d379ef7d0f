package account

import "testing"

// A status of unknown language passes any list (a remote status may name none), a
// status in a listed language passes whatever its case, and an empty list passes all.
func TestLanguageShown(t *testing.T) {
	for _, c := range []struct {
		langs []string
		lang  string
		want  bool
	}{
		{nil, "en", true},
		{[]string{"de"}, "", true},
		{[]string{"de", "fr"}, "FR", true},
		{[]string{"de"}, "en", false},
	} {
		if got := LanguageShown(c.langs, c.lang); got != c.want {
			t.Errorf("LanguageShown(%v, %q) = %v", c.langs, c.lang, got)
		}
	}
}

// A user's posts that name no language are in the default posting language, else
// the locale of the sign-up, else the instance's, as Mastodon's
// preferred_posting_language.
func TestPostingLanguage(t *testing.T) {
	for _, c := range []struct {
		u    *User
		want string
	}{
		{nil, InstanceLocale},
		{&User{}, InstanceLocale},
		{&User{Locale: "pt-BR"}, "pt-BR"},
		{&User{Locale: "fr", DefaultLanguage: "de"}, "de"},
	} {
		if got := c.u.PostingLanguage(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.u, got, c.want)
		}
	}
}
