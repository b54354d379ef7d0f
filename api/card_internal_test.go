package api

import (
	"testing"

	"github.com/herd-social/herd/account"
)

// TestAttributable: an account's attribution domains credit the listed sites and
// their subdomains, as Mastodon's can_be_attributed_from?.
func TestAttributable(t *testing.T) {
	acc := &account.Account{AttributionDomains: []string{"blog.example", "news.example.org"}}
	for host, want := range map[string]bool{"blog.example": true, "www.blog.example": true, "Blog.Example": true,
		"example": false, "other.example": false, "news.example.org": true, "example.org": false} {
		if got := attributable(acc, host); got != want {
			t.Errorf("%s: %v, want %v", host, got, want)
		}
	}
}
