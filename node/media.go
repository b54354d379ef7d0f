package node

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/blob"
	blobfs "github.com/herd-social/herd/blob/fs"
	blobs3 "github.com/herd-social/herd/blob/s3"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
)

// Media store names, as media.store takes them.
const (
	MediaFS = "fs"
	MediaS3 = "s3"
)

// MediaConfig is the [media] table: where media files (uploads and what is made of
// them) are stored. Nothing serves media yet; the node opens the store and holds it
// (Node.Media) for the media service to come.
type MediaConfig struct {
	// Store is "fs" (default: files under Dir) or "s3" (a bucket of an S3-compatible
	// object store). The nodes of a cluster need "s3", or a Dir they all share.
	Store string `toml:"store" help:"media storage: fs or s3 (default fs)"`
	// Dir is the directory of the fs store; default <data>/media.
	Dir string `toml:"dir" help:"directory of the fs media store (default <data>/media)"`
	// PublicURL, if set, is the base URL media files are served from (a CDN, or a
	// public bucket), a file's URL being it and the file's key; by default the node
	// serves them.
	PublicURL string `toml:"public_url" help:"base URL media files are served from (a CDN), if not the node"`
	// S3Endpoint is the URL of the S3 API, http(s)://host[:port]; addressed
	// path-style. Required when store is "s3".
	S3Endpoint string `toml:"s3_endpoint" help:"S3 API URL, http(s)://host[:port] (path-style)"`
	// S3Bucket holds the media files. Required when store is "s3".
	S3Bucket string `toml:"s3_bucket" help:"S3 bucket of the media files"`
	// S3Region is the bucket's region; default us-east-1.
	S3Region string `toml:"s3_region" help:"S3 region (default us-east-1)"`
	// S3AccessKey and S3SecretKey sign the requests.
	S3AccessKey string `toml:"s3_access_key" help:"S3 access key id"`
	S3SecretKey string `toml:"s3_secret_key" help:"S3 secret access key" secret:"true"`
	// S3CreateBucket creates the bucket at start when it is missing.
	S3CreateBucket bool `toml:"s3_create_bucket" help:"create the S3 bucket at start if missing"`
	// CacheDays is how many days the cached files of remote attachments are kept
	// before the sweep removes them (they are then fetched again when viewed),
	// as Mastodon's `tootctl media remove --days`; 0 keeps them.
	CacheDays int `toml:"cache_days" help:"days remote media files are kept cached (0: always)"`
	// NoCache leaves the files of remote attachments at their servers.
	NoCache bool `toml:"no_cache" help:"do not fetch and keep the files of remote media"`
}

// mediaDefaults fills the media store's zero fields.
func (c Config) mediaDefaults() Config {
	if c.Media.Store == "" {
		c.Media.Store = MediaFS
	}
	if c.Media.Store == MediaFS && c.Media.Dir == "" {
		c.Media.Dir = filepath.Join(c.Data, "media")
	}
	if c.Media.Store == MediaS3 && c.Media.S3Region == "" {
		c.Media.S3Region = "us-east-1"
	}
	return c
}

// validateMedia reports the media store's unusable settings.
func (c Config) validateMedia() []error {
	var errs []error
	m := c.Media
	switch m.Store {
	case MediaFS:
		if m.Dir == "" {
			errs = append(errs, fmt.Errorf("media.store %q needs media.dir", m.Store))
		}
	case MediaS3:
		if m.S3Endpoint == "" || m.S3Bucket == "" {
			errs = append(errs, fmt.Errorf("media.store %q needs media.s3_endpoint and media.s3_bucket", m.Store))
		} else if err := m.s3Options().Validate(); err != nil {
			errs = append(errs, fmt.Errorf("media: %w", err))
		}
	default:
		errs = append(errs, fmt.Errorf("media.store %q must be %s or %s", m.Store, MediaFS, MediaS3))
	}
	if m.PublicURL != "" {
		if err := blob.CheckPublicURL(m.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("media.public_url: %w", err))
		}
	}
	return errs
}

func (m MediaConfig) s3Options() blobs3.Options {
	return blobs3.Options{Endpoint: m.S3Endpoint, Bucket: m.S3Bucket, Region: m.S3Region, AccessKey: m.S3AccessKey,
		SecretKey: m.S3SecretKey, CreateBucket: m.S3CreateBucket, PublicURL: m.PublicURL}
}

// openMedia opens the media store the configuration names: a directory, or a bucket
// (checked, or created with media.s3_create_bucket).
func openMedia(ctx context.Context, cfg Config, log *slog.Logger) (blob.Store, error) {
	if cfg.Media.Store == MediaS3 {
		return blobs3.Open(ctx, cfg.Media.s3Options())
	}
	if cfg.Clustered() {
		log.Warn("node: media files are stored in a directory of this node; the other nodes see them only if "+
			"media.dir is shared: use media.store = \"s3\"", "dir", cfg.Media.Dir)
	}
	return blobfs.Open(blobfs.Options{Dir: cfg.Media.Dir, NoSync: cfg.NoSync, PublicURL: cfg.Media.PublicURL})
}

// OpenMedia opens the media store cfg names, for tools and tests that use one without
// a node. The caller closes it.
func OpenMedia(cfg Config, log *slog.Logger) (blob.Store, error) {
	cfg = cfg.WithDefaults()
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	return openMedia(ctx, cfg, log)
}

// buildMedia makes the media service, which fetches remote media through the guarded
// client of fed (given a minute, the time a large file may take) unless
// media.no_cache, and not from the domains whose media are rejected.
func (n *Node) buildMedia(fed fedBase, ids *shard.Generator) (*media.Service, error) {
	cfg := n.cfg
	opts := media.Options{DeadLetters: n.Services.DeadLetters, FilesURL: cfg.Scheme + "://" + cfg.Domain + "/system/",
		UserAgent: "Herd/" + SoftwareVersion + " (+" + cfg.Scheme + "://" + cfg.Domain + "/)", RejectMedia: n.Services.Domains.RejectsMedia}
	if !cfg.Media.NoCache {
		client := fed.opts.Client
		client.Timeout = time.Minute
		var err error
		if opts.HTTP, err = activitypub.NewHTTPClient(client); err != nil {
			return nil, fmt.Errorf("node: %w", err)
		}
	}
	s, err := media.New(n.store, n.files, n.bus, ids, opts)
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	return s, nil
}

// mediaSweep is how often a worker removes the uploads no status took.
const mediaSweep = time.Hour

// sweepMedia removes the uploads that no status took within a day, and the cached
// files of remote media older than media.cache_days, every mediaSweep
// (with jitter, so that the nodes of a cluster do not sweep together), until ctx is
// done.
func (n *Node) sweepMedia(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(mediaSweep/2 + rand.N(mediaSweep)):
		}
		if k, err := n.Media.PruneUnattached(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("node: prune unattached media", "err", err)
		} else if k > 0 {
			n.log.Info("node: unattached media removed", "count", k)
		}
		if days := n.cfg.Media.CacheDays; days > 0 {
			if k, err := n.Media.PruneCache(ctx, time.Duration(days)*24*time.Hour); err != nil && ctx.Err() == nil {
				n.log.Error("node: prune cached remote media", "err", err)
			} else if k > 0 {
				n.log.Info("node: cached remote media removed", "count", k)
			}
		}
	}
}

// MediaUsage is the size of one kind of media file.
type MediaUsage struct {
	// Kind names the files: local attachments, cached remote attachments, avatars…
	Kind  string
	Files int64
	Bytes int64
}

// mediaKinds names the key prefixes of the media files (media/upload.go,
// media/picture.go); remote media are cached under "cache/".
var mediaKinds = []struct{ prefix, kind string }{
	{"media_attachments/", "local attachments"},
	{"cache/media_attachments/", "cached remote attachments"},
	{"accounts/avatars/", "local avatars"},
	{"accounts/headers/", "local headers"},
	{"cache/accounts/avatars/", "cached remote avatars"},
	{"cache/accounts/headers/", "cached remote headers"},
	{"custom_emojis/", "custom emoji"},
}

// AdminMediaUsage lists the media store once and sums its files by kind, as
// Mastodon's `tootctl media usage`; files under no known prefix count as "other".
func (n *Node) AdminMediaUsage(ctx context.Context) ([]MediaUsage, error) {
	usage := make([]MediaUsage, len(mediaKinds)+1)
	for i, k := range mediaKinds {
		usage[i].Kind = k.kind
	}
	usage[len(mediaKinds)].Kind = "other"
	err := n.files.List(ctx, "", func(f blob.Info) error {
		i := len(mediaKinds)
		for j, k := range mediaKinds {
			if strings.HasPrefix(f.Key, k.prefix) {
				i = j
			}
		}
		usage[i].Files++
		usage[i].Bytes += f.Size
		return nil
	})
	return usage, err
}
