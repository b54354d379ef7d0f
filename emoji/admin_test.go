package emoji_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// pictures stands for the media service: it keeps keys, and refuses what fetch says.
type pictures struct {
	kept  []string
	fetch error
}

func (p *pictures) StoreEmoji(_ context.Context, shortcode string, _ []byte) (string, string, error) {
	key := shortcode + "-" + string(rune('a'+len(p.kept))) + ".png"
	p.kept = append(p.kept, key)
	return key, "image/png", nil
}

func (p *pictures) FetchEmoji(ctx context.Context, shortcode, _ string) (string, string, error) {
	if p.fetch != nil {
		return "", "", p.fetch
	}
	return p.StoreEmoji(ctx, shortcode, nil)
}

func (p *pictures) DeleteFile(_ context.Context, key string) error {
	p.kept = slices.DeleteFunc(p.kept, func(k string) bool { return k == key })
	return nil
}

type auditLog []string

func (l *auditLog) Record(_ context.Context, _ shard.ID, action, _, target string) error {
	*l = append(*l, action+" "+target)
	return nil
}

// TestAdmin: an upload is refused with every reason Mastodon gives, in its order, and
// leaves nothing; a taken shortcode keeps its emoji; a remote emoji cannot be
// removed, a local one not copied; a copy whose picture cannot be fetched says so and
// keeps nothing; each change is audited.
func TestAdmin(t *testing.T) {
	ctx := context.Background()
	pics, log := &pictures{}, &auditLog{}
	a := emoji.Admin{Emoji: emoji.New(testrig.NewEngines(t).OpenStore(emoji.Schema()...)), Pictures: pics, Audit: log}
	for _, tc := range []struct {
		code    string
		picture []byte
		want    string
	}{
		{"x", nil, "Validation failed: Image can't be blank, Shortcode is invalid, Shortcode is too short (minimum is 2 characters)"},
		{"no-dash", []byte("p"), "Validation failed: Shortcode is invalid"},
	} {
		var v *emoji.Validation
		if _, err := a.Upload(ctx, 1, tc.code, tc.picture, ""); !errors.As(err, &v) || err.Error() != tc.want {
			t.Errorf("upload %q: %v, want %q", tc.code, err, tc.want)
		}
	}
	blob, err := a.Upload(ctx, 1, "blob", []byte("p"), " cats ")
	if err != nil || blob.Category != "cats" || blob.ID() != "blob" {
		t.Fatalf("uploaded %+v, %v", blob, err)
	}
	if _, err := a.Upload(ctx, 1, "blob", []byte("p"), ""); err == nil || err.Error() != "Validation failed: Shortcode has already been taken" {
		t.Fatalf("a taken shortcode: %v", err)
	}
	remote := &emoji.Emoji{Shortcode: "party", Domain: "remote.example", URL: "https://remote.example/party.png"}
	if err := a.Emoji.Record(ctx, remote.Domain, []*emoji.Emoji{remote}); err != nil {
		t.Fatal(err)
	}
	if err := a.Remove(ctx, 1, remote); !errors.Is(err, emoji.ErrRemote) {
		t.Fatalf("removing a remote emoji: %v", err)
	}
	if _, err := a.Copy(ctx, 1, blob); !errors.Is(err, emoji.ErrRemote) {
		t.Fatalf("copying a local emoji: %v", err)
	}
	pics.fetch = errors.New("connection refused")
	var v *emoji.Validation
	if _, err := a.Copy(ctx, 1, remote); !errors.Is(err, pics.fetch) || !errors.As(err, &v) || v.Msg != "Image could not be downloaded" {
		t.Fatalf("a copy that cannot fetch: %v", err)
	}
	pics.fetch = nil
	if _, err := a.Emoji.Get(ctx, "", "party"); !errors.Is(err, emoji.ErrNotFound) {
		t.Fatalf("a failed copy left %v", err)
	}
	if c, err := a.Copy(ctx, 1, remote); err != nil || c.Domain != "" || c.Key == "" {
		t.Fatalf("copied %+v, %v", c, err)
	}
	hidden := false
	if err := a.Update(ctx, 1, blob, emoji.Change{VisibleInPicker: &hidden}); err != nil || !blob.Hidden {
		t.Fatalf("hidden %+v, %v", blob, err)
	}
	if err := a.Update(ctx, 1, blob, emoji.Change{VisibleInPicker: &hidden}); err != nil {
		t.Fatal(err)
	}
	if err := a.Remove(ctx, 1, blob); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pics.kept, []string{"party-b.png"}) {
		t.Fatalf("pictures kept %v", pics.kept)
	}
	want := []string{"create_custom_emoji blob", "create_custom_emoji party", "update_custom_emoji blob", "destroy_custom_emoji blob"}
	if !slices.Equal(*log, want) {
		t.Fatalf("audit log %q, want %q", *log, want)
	}
}
