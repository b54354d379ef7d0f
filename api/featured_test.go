package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herd-social/herd/testrig"
)

type featuredTag struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	URL           string  `json:"url"`
	StatusesCount string  `json:"statuses_count"`
	LastStatusAt  *string `json:"last_status_at"`
}

type featuringTag struct {
	Name      string `json:"name"`
	Featuring *bool  `json:"featuring"`
}

// TestFeaturedTags: an account's public and unlisted uses of tags rank its
// suggestions and give its featured tags their counts; a tag is featured once, at
// most ten, removed by its owner only, and the Tag entity says whether the viewer
// features it.
func TestFeaturedTags(t *testing.T) {
	c := testrig.New(t)
	alice, bob := c.Register("alice"), c.Register("bob")
	firstCats := alice.PostStatus("#Cats rule")
	alice.PostStatus("more #cats and #dogs")
	alice.PostStatus("#birds quietly", "visibility", "unlisted")
	alice.PostStatus("#secret things", "visibility", "private")
	names := func(l []featuringTag) []string {
		out := []string{}
		for _, e := range l {
			out = append(out, e.Name)
		}
		return out
	}
	suggestions := func() []string {
		var l []featuringTag
		c.Must(alice.Do("GET", "/api/v1/featured_tags/suggestions", nil), 200).JSON(t, &l)
		return names(l)
	}
	testrig.Eventually(t, "suggestions from alice's uses", func() error {
		if got := suggestions(); !slices.Equal(got, []string{"Cats", "birds", "dogs"}) {
			return fmt.Errorf("suggestions %v", got)
		}
		return nil
	})

	var cats featuredTag
	c.Must(alice.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"#Cats"}}), 200).JSON(t, &cats)
	today := time.Now().UTC().Format("2006-01-02")
	if cats.Name != "Cats" || cats.StatusesCount != "2" || cats.LastStatusAt == nil || *cats.LastStatusAt != today ||
		!strings.HasSuffix(cats.URL, "/@alice/tagged/cats") {
		t.Fatalf("featured cats: %+v", cats)
	}
	// A deleted status is taken back from the count.
	alice.Delete(firstCats.ID)
	testrig.Eventually(t, "the count after a delete", func() error {
		var l []featuredTag
		c.Must(alice.Do("GET", "/api/v1/featured_tags", nil), 200).JSON(t, &l)
		if len(l) != 1 || l[0].StatusesCount != "1" {
			return fmt.Errorf("featured %+v", l)
		}
		return nil
	})
	var again featuredTag
	c.Must(alice.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"cats"}}), 200).JSON(t, &again)
	if again.ID != cats.ID {
		t.Fatalf("featured twice: %+v and %+v", cats, again)
	}
	var dogs featuringTag
	c.Must(alice.Do("POST", "/api/v1/tags/dogs/feature", nil), 200).JSON(t, &dogs)
	if dogs.Featuring == nil || !*dogs.Featuring {
		t.Fatalf("tag after feature: %+v", dogs)
	}
	var bobsView featuringTag
	c.Must(bob.Do("GET", "/api/v1/tags/dogs", nil), 200).JSON(t, &bobsView)
	if bobsView.Featuring == nil || *bobsView.Featuring {
		t.Fatalf("bob's view of dogs: %+v", bobsView)
	}
	if got := suggestions(); !slices.Equal(got, []string{"birds"}) {
		t.Fatalf("suggestions once featured %v", got)
	}
	var mine, shown []featuredTag
	c.Must(alice.Do("GET", "/api/v1/featured_tags", nil), 200).JSON(t, &mine)
	c.Must(c.Do("GET", "/api/v1/accounts/"+alice.ID+"/featured_tags", "", nil), 200).JSON(t, &shown)
	if len(mine) != 2 || mine[0].Name != "Cats" || mine[1].Name != "dogs" || mine[1].StatusesCount != "1" ||
		len(shown) != 2 || shown[0].ID != mine[0].ID || shown[1].ID != mine[1].ID {
		t.Fatalf("featured tags %+v, on the profile %+v", mine, shown)
	}

	for _, bad := range []string{"", "#", "!!"} {
		if r := alice.Do("POST", "/api/v1/featured_tags", url.Values{"name": {bad}}); r.Code != 422 {
			t.Fatalf("name %q: %d %s", bad, r.Code, r.Body)
		}
	}
	for i := range 8 {
		c.Must(alice.Do("POST", "/api/v1/featured_tags", url.Values{"name": {fmt.Sprintf("tag%d", i)}}), 200)
	}
	if r := alice.Do("POST", "/api/v1/featured_tags", url.Values{"name": {"eleventh"}}); r.Code != 422 ||
		!strings.Contains(string(r.Body), "maximum number of hashtags") {
		t.Fatalf("an eleventh: %d %s", r.Code, r.Body)
	}
	if r := bob.Do("DELETE", "/api/v1/featured_tags/"+cats.ID, nil); r.Code != 404 {
		t.Fatalf("bob removes alice's featured tag: %d", r.Code)
	}
	c.Must(alice.Do("DELETE", "/api/v1/featured_tags/"+cats.ID, nil), 200)
	c.Must(alice.Do("POST", "/api/v1/tags/dogs/unfeature", nil), 200).JSON(t, &dogs)
	if dogs.Featuring == nil || *dogs.Featuring {
		t.Fatalf("tag after unfeature: %+v", dogs)
	}
	c.Must(alice.Do("GET", "/api/v1/featured_tags", nil), 200).JSON(t, &mine)
	if len(mine) != 8 || slices.ContainsFunc(mine, func(f featuredTag) bool { return f.Name == "cats" || f.Name == "dogs" }) {
		t.Fatalf("featured tags left %+v", mine)
	}
}
