// Package media owns media attachments: the uploads of local accounts (kept whole in
// the media store, then processed off the request path, through the `media` topic,
// into the files Mastodon serves: the original without metadata, upright, and a small
// preview, with their meta and blurhash; a video as an MP4 and a preview of its first
// frame; audio as an MP3), their description and focus, their
// attachment to one status, the cleaning of uploads never attached, and the
// attachments of remote statuses, recorded by URL, then fetched (through an HTTP
// client it is given) and kept processed as uploads are, until pruned. It stores
// records through the store contract and files through the blob contract; it must not
// know the client API, federation or engines.
package media

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/mediaproc"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

var (
	// ErrNotFound is returned for an attachment that does not exist or is not the
	// asker's (Mastodon answers 404 to both).
	ErrNotFound = errors.New("media: not found")
	// ErrProcessing is returned for the file of an upload not yet processed.
	ErrProcessing = errors.New("media: still processing")
)

// Validation is a user-facing validation failure (Mastodon answers 422).
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

func invalid(format string, args ...any) error {
	return &Validation{Msg: fmt.Sprintf(format, args...)}
}

// Kind is an attachment's type, named as Mastodon's MediaAttachment types.
type Kind string

// The kinds.
const (
	Image   Kind = "image"
	GIFV    Kind = "gifv"
	Video   Kind = "video"
	Audio   Kind = "audio"
	Unknown Kind = "unknown"
)

// File is one stored file of a local attachment.
type File struct {
	Key         string `cbor:"1,keyasint"`
	ContentType string `cbor:"2,keyasint"`
}

// Attachment is one media attachment.
type Attachment struct {
	ID        shard.ID `cbor:"1,keyasint"`
	AccountID shard.ID `cbor:"2,keyasint"`
	// StatusID is the status it is attached to; zero until then.
	StatusID    shard.ID `cbor:"3,keyasint,omitempty"`
	Kind        Kind     `cbor:"4,keyasint"`
	Description string   `cbor:"5,keyasint,omitempty"`
	// Focus is the focal point, if one was given.
	Focus *mediaproc.Focus `cbor:"6,keyasint,omitempty"`
	// Meta is Mastodon's meta object, as JSON (original and small sizes, focus).
	Meta     []byte `cbor:"7,keyasint,omitempty"`
	Blurhash string `cbor:"8,keyasint,omitempty"`
	// Original and Small are the files of a processed local upload.
	Original File `cbor:"9,keyasint,omitempty"`
	Small    File `cbor:"10,keyasint,omitempty"`
	// Processed is set once the files are made; Failed when the upload could not be.
	Processed bool   `cbor:"11,keyasint,omitempty"`
	Failed    string `cbor:"12,keyasint,omitempty"`
	// RemoteURL is a remote attachment's file, where its server serves it.
	RemoteURL string    `cbor:"13,keyasint,omitempty"`
	CreatedAt time.Time `cbor:"14,keyasint"`
	// Upload is the key of the upload as received, until processed.
	Upload string `cbor:"15,keyasint,omitempty"`
	// ReleasedAt is when the status that carried it was deleted.
	ReleasedAt time.Time `cbor:"16,keyasint,omitempty"`
	// Width and Height are the original's, when known.
	Width  int `cbor:"17,keyasint,omitempty"`
	Height int `cbor:"18,keyasint,omitempty"`
	// Refusal is the message a failed upload's uploader is shown, when it was refused
	// with one (a video over the limits).
	Refusal string `cbor:"19,keyasint,omitempty"`
	// Thumbnail is a custom preview its uploader gave (Mastodon's `thumbnail`), shown
	// instead of Small.
	Thumbnail File `cbor:"20,keyasint,omitempty"`
	// CachedAt is when the files of a remote attachment were fetched and made here
	// (Original, Small); zero while it is served from its server. CacheFailed is why
	// they could not be: it is then left at its server.
	CachedAt    time.Time `cbor:"21,keyasint,omitempty"`
	CacheFailed string    `cbor:"22,keyasint,omitempty"`
	// RemoteThumbnail is a remote attachment's custom preview, where its server
	// serves it.
	RemoteThumbnail string `cbor:"23,keyasint,omitempty"`
	// PrunedAt is when the cached files of a remote attachment were last removed
	// (PruneCache); they are fetched again when it is next viewed (Refetch).
	PrunedAt time.Time `cbor:"24,keyasint,omitempty"`
}

// Cached reports whether a remote attachment's files are kept here.
func (a *Attachment) Cached() bool { return !a.Local() && a.Original.Key != "" }

// Pruned reports whether a remote attachment's cached files were removed, and are
// to be fetched again when it is viewed (Refetch): it was cached, then pruned, and no
// fetch since has failed.
func (a *Attachment) Pruned() bool {
	return !a.Local() && !a.Cached() && !a.PrunedAt.IsZero() && a.CacheFailed == ""
}

// idleSince is when the attachment was last without a status: uploaded or released.
func (a *Attachment) idleSince() time.Time {
	if a.ReleasedAt.After(a.CreatedAt) {
		return a.ReleasedAt
	}
	return a.CreatedAt
}

// Local reports whether the attachment was uploaded here.
func (a *Attachment) Local() bool { return a.RemoteURL == "" }

const (
	tMedia      = "media"            // id → Attachment
	tUnattached = "media_unattached" // hour uploaded → id
	tCached     = "media_cached"     // hour cached → id of a remote attachment
)

// Schema lists the tables this package uses.
func Schema() store.Schema {
	return store.Schema{{Name: tMedia}, {Name: tUnattached, TTL: 7 * 24 * time.Hour}, {Name: tCached}}
}

// Topic is the bus topic of processing jobs, keyed by uploader; Group consumes it.
// RemoteTopic holds the jobs that fetch remote attachments' files, keyed by their
// account, apart so that a slow server never delays an upload.
const (
	Topic       = "media"
	RemoteTopic = "media_remote"
	Group       = "media"
)

// Topics lists the bus topics this package uses.
func Topics() []bus.Topic {
	return []bus.Topic{{Name: Topic, Partitions: 16}, {Name: RemoteTopic, Partitions: 16}}
}

// Options configure the service.
type Options struct {
	// MaxPerStatus is how many attachments one status carries; default 4.
	MaxPerStatus int
	// MaxDescription bounds a description, in characters; default 1,500.
	MaxDescription int
	// UnattachedFor is how long an upload no status took is kept; default a day.
	UnattachedFor time.Duration
	// Process configures the processing of images.
	Process mediaproc.Options
	// DeadLetters sets aside the jobs that can never be processed; default a
	// deadletter.Keeper on the service's store.
	DeadLetters DeadLetters
	// HTTP fetches the files of remote attachments, to keep them here (the guarded
	// outbound client); nil: they stay at their servers.
	HTTP *http.Client
	// RejectMedia reports whether the files of a host are not to be fetched (a
	// domain block with reject_media); nil: none is refused.
	RejectMedia func(ctx context.Context, host string) (bool, error)
	// UserAgent is sent with those fetches.
	UserAgent string
	// RemoteMaxBytes bounds a remote file fetched; default the largest upload taken.
	RemoteMaxBytes int64
	// RemoteTimeout bounds one fetch of a remote file; default a minute.
	RemoteTimeout time.Duration
	// FilesURL is the base URL the node serves files under (its /system/); a file's
	// URL is it and the file's key, unless the media store has a public URL of its own.
	FilesURL string
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxPerStatus == 0 {
		o.MaxPerStatus = 4
	}
	if o.MaxDescription == 0 {
		o.MaxDescription = 1500
	}
	if o.UnattachedFor == 0 {
		o.UnattachedFor = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RemoteTimeout == 0 {
		o.RemoteTimeout = time.Minute
	}
	return o
}

// DeadLetters is the part of deadletter.Keeper that the processing worker needs.
type DeadLetters interface {
	Handler(group string, each deadletter.Each) bus.Handler
}

// Service stores attachments and their files.
type Service struct {
	st    store.Store
	files blob.Store
	bus   bus.Bus
	ids   *shard.Generator
	proc  *mediaproc.Processor
	opts  Options
	// refetches are the fetches of pruned attachments' files under way on this node,
	// by id: one at a time each, the views that ask meanwhile waiting for its outcome.
	refetches struct {
		sync.Mutex
		m map[shard.ID]*refetch
	}
}

// New returns a service, or the error of the processing options.
func New(st store.Store, files blob.Store, b bus.Bus, ids *shard.Generator, opts Options) (*Service, error) {
	opts = opts.withDefaults()
	if opts.DeadLetters == nil {
		opts.DeadLetters = deadletter.New(st, deadletter.Options{})
	}
	proc, err := mediaproc.New(opts.Process)
	if err != nil {
		return nil, err
	}
	s := &Service{st: st, files: files, bus: b, ids: ids, proc: proc, opts: opts}
	if s.opts.RemoteMaxBytes == 0 {
		s.opts.RemoteMaxBytes = s.MaxBytes()
	}
	return s, nil
}

// MaxBytes is the largest upload taken, of any kind.
func (s *Service) MaxBytes() int64 {
	video, _, _ := s.proc.VideoLimits()
	return max(s.proc.MaxBytes(), video)
}

// Limits are what the instance configuration publishes of the media limits.
type Limits struct {
	MaxBytes                  int64
	MaxPixels, MaxDescription int
	MaxPerStatus              int
	MaxVideoBytes             int64
	MaxVideoPixels            int
	MaxVideoFrameRate         int
	SupportedTypes            []string
}

// SupportedTypes are the media types of what is taken, as Mastodon names them: those
// whose content Sniff or SniffAV recognise (for video and audio, the containers
// ffmpeg is made to read them with). HEIC and HEIF (heifTypes) are added where
// libheif's heif-convert decodes them (Limits).
var SupportedTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/bmp", "image/tiff",
	"video/webm", "video/mp4", "video/quicktime", "video/ogg",
	"audio/wave", "audio/wav", "audio/x-wav", "audio/x-pn-wave", "audio/vnd.wave", "audio/ogg", "audio/vorbis",
	"audio/mpeg", "audio/mp3", "audio/webm", "audio/flac", "audio/aac", "audio/m4a", "audio/x-m4a", "audio/mp4",
	"audio/3gpp", "video/x-ms-asf"}

// heifTypes are the types of HEIF images, listed after GIF as Mastodon lists them when
// the processor has a decoder for them.
var heifTypes = []string{"image/heic", "image/heif"}

// supportedTypes are SupportedTypes, with HEIC and HEIF where they are decoded.
func (s *Service) supportedTypes() []string {
	if !s.proc.HEIF() {
		return SupportedTypes
	}
	types := make([]string, 0, len(SupportedTypes)+len(heifTypes))
	types = append(types, SupportedTypes[:3]...) // JPEG, PNG, GIF
	types = append(types, heifTypes...)
	return append(types, SupportedTypes[3:]...)
}

// Limits returns the limits uploads are held to.
func (s *Service) Limits() Limits {
	vb, vp, vf := s.proc.VideoLimits()
	return Limits{MaxBytes: s.proc.MaxBytes(), MaxPixels: s.proc.MaxPixels(), MaxDescription: s.opts.MaxDescription,
		MaxPerStatus: s.opts.MaxPerStatus, MaxVideoBytes: vb, MaxVideoPixels: vp, MaxVideoFrameRate: vf,
		SupportedTypes: s.supportedTypes()}
}

// Get returns one attachment.
func (s *Service) Get(ctx context.Context, id shard.ID) (*Attachment, error) {
	b, err := s.st.Get(ctx, tMedia, id.Bytes(), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("attachment %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load attachment %d: %w", id, err)
	}
	var a Attachment
	if err := store.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Own returns one of account's attachments, or ErrNotFound.
func (s *Service) Own(ctx context.Context, account, id shard.ID) (*Attachment, error) {
	a, err := s.Get(ctx, id)
	if err == nil && a.AccountID != account {
		return nil, fmt.Errorf("attachment %d of %d: %w", id, account, ErrNotFound)
	}
	return a, err
}

// GetMany returns the attachments of ids that exist, keyed by id.
func (s *Service) GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*Attachment, error) {
	keys := make([]store.Key, len(ids))
	for i, id := range ids {
		keys[i] = store.Key{PK: id.Bytes(), CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tMedia, keys)
	if err != nil {
		return nil, fmt.Errorf("load attachments: %w", err)
	}
	out := make(map[shard.ID]*Attachment, len(vals))
	for _, v := range vals {
		if v == nil {
			continue
		}
		var a Attachment
		if err := store.Unmarshal(v, &a); err != nil {
			return nil, err
		}
		out[a.ID] = &a
	}
	return out, nil
}

func (s *Service) save(ctx context.Context, a *Attachment) error {
	b, err := store.Marshal(a)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tMedia, a.ID.Bytes(), empty, b, 0); err != nil {
		return fmt.Errorf("save attachment %d: %w", a.ID, err)
	}
	return nil
}

var empty = []byte{}
