package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/mediaproc"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Upload is what POST /api/v2/media gives besides the file.
type Upload struct {
	Description string
	// Focus is the focus parameter, "x,y"; one Mastodon would not read is ignored, as
	// Mastodon ignores it.
	Focus string
	// Thumbnail is a custom preview image, as uploaded, or nil.
	Thumbnail []byte
}

// unsupported is Mastodon's answer to a file it does not take.
var unsupported = &Validation{Msg: "File content type is invalid, File is invalid"}

// Upload keeps an upload of account's whole in the media store and queues its
// processing; the attachment it returns is not processed yet (Wait waits for it). The
// type is read from the content, never from what the client says it is.
func (s *Service) Upload(ctx context.Context, account shard.ID, data []byte, u Upload) (*Attachment, error) {
	if err := s.checkDescription(u.Description); err != nil {
		return nil, err
	}
	contentType, limit, err := s.sniff(data)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, invalid("File file size must be less than %d MB", limit>>20)
	}
	now := s.opts.Now().UTC()
	a := &Attachment{ID: s.ids.Next(), AccountID: account, Kind: Image, Description: u.Description, CreatedAt: now}
	if focus, err := mediaproc.ParseFocus(u.Focus); err == nil {
		a.Focus = &focus
	}
	if u.Thumbnail != nil {
		if err := s.thumbnail(ctx, a, u.Thumbnail); err != nil {
			return nil, err
		}
	}
	a.Upload = "media_attachments/uploads/" + a.ID.String()
	if err := s.files.Put(ctx, a.Upload, bytes.NewReader(data), int64(len(data)), contentType); err != nil {
		return nil, fmt.Errorf("keep upload %d: %w", a.ID, err)
	}
	b, err := store.Marshal(a)
	if err != nil {
		return nil, err
	}
	if err := s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Put, Table: tMedia, PK: a.ID.Bytes(), CK: empty, Value: b},
		{Kind: store.Put, Table: tUnattached, PK: hourKey(now), CK: a.ID.Bytes(), Value: empty},
	}); err != nil {
		return nil, fmt.Errorf("save attachment %d: %w", a.ID, err)
	}
	if err := s.bus.Publish(ctx, bus.Message{Topic: Topic, Key: account.Bytes(), Value: a.ID.Bytes()}); err != nil {
		return nil, fmt.Errorf("queue attachment %d: %w", a.ID, err)
	}
	return a, nil
}

// sniff tells an image from a video or audio by its content, and returns the type to
// keep the upload as and the size limit of its kind; anything else is unsupported.
func (s *Service) sniff(data []byte) (string, int64, error) {
	if f, err := mediaproc.Sniff(data); err == nil && (f != mediaproc.FormatHEIF || s.proc.HEIF()) {
		return f.ContentType(), s.proc.MaxBytes(), nil
	}
	if _, err := mediaproc.SniffAV(data); err == nil {
		maxBytes, _, _ := s.proc.VideoLimits()
		return "application/octet-stream", maxBytes, nil
	}
	return "", 0, unsupported
}

func (s *Service) checkDescription(d string) error {
	if n := utf8.RuneCountInString(d); n > s.opts.MaxDescription {
		return invalid("Description is too long (maximum is %d characters)", s.opts.MaxDescription)
	}
	return nil
}

func hourKey(t time.Time) []byte { return binary.BigEndian.AppendUint64(nil, uint64(t.Unix()/3600)) }

// Run processes the queued uploads until ctx is done. A job that can never be done
// (naming no attachment it can decode) is set aside as a dead letter; an upload that
// is no image it can read is marked failed, which its uploader then sees.
func (s *Service) Run(ctx context.Context) error {
	return s.bus.Consume(ctx, Group, Topic, bus.ConsumeOptions{}, s.opts.DeadLetters.Handler(Group, s.handle))
}

func (s *Service) handle(ctx context.Context, m bus.Message) error {
	if len(m.Value) != 8 {
		return bus.Permanent(fmt.Errorf("media: undecodable job %x", m.Value))
	}
	if err := s.Process(ctx, shard.FromBytes(m.Value)); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("media: process %d: %w", shard.FromBytes(m.Value), err)
	}
	return nil
}

// Process makes the files of an upload: the original and small preview that
// mediaproc makes, or for an animated GIF an MP4 (gifv) and its first frame, or for a
// video an MP4 and its first frame, or for audio an MP3; then it drops the upload as
// received. Processing one again changes nothing. An upload refused or that ffmpeg
// cannot read is marked failed; ffmpeg missing is the machine's trouble, retried.
// The job of a remote attachment fetches its file and makes the same files of it
// (cache).
func (s *Service) Process(ctx context.Context, id shard.ID) error {
	a, err := s.Get(ctx, id)
	if err != nil || a.Failed != "" {
		return err
	}
	if !a.Local() {
		return s.cache(ctx, a)
	}
	if a.Processed {
		return nil
	}
	data, err := s.read(ctx, a.Upload)
	if err != nil {
		return err
	}
	return s.derive(ctx, a, data)
}

// derive makes the files of a's content, data.
func (s *Service) derive(ctx context.Context, a *Attachment, data []byte) error {
	if _, err := mediaproc.Sniff(data); err != nil {
		return s.processAV(ctx, a, data)
	}
	res, err := s.proc.Process(data, a.Focus)
	if errors.Is(err, mediaproc.ErrFFmpeg) {
		return err // an AVIF without ffmpeg to decode it: the machine's trouble, retried
	}
	if err != nil {
		return s.refuse(ctx, a, err)
	}
	a.Kind = Image
	original := res.Original
	if res.Animated {
		if original, err = s.proc.GIFV(ctx, res.Original.Data); err != nil {
			return err // ffmpeg failing is the machine's trouble, not the upload's: retried
		}
		a.Kind = GIFV
	}
	return s.finish(ctx, a, original, &res.Small, res.Meta, res.Blurhash)
}

func (s *Service) processAV(ctx context.Context, a *Attachment, data []byte) error {
	res, err := s.proc.Transcode(ctx, data, a.Focus)
	if errors.Is(err, mediaproc.ErrFFmpeg) {
		return err
	}
	if err != nil {
		return s.refuse(ctx, a, err)
	}
	if !res.Video {
		a.Kind = Audio
		if res.Small.Data != nil { // its cover picture
			return s.finish(ctx, a, res.Original, &res.Small, res.Meta, res.Blurhash)
		}
		return s.finish(ctx, a, res.Original, nil, res.Meta, "")
	}
	a.Kind = Video
	return s.finish(ctx, a, res.Original, &res.Small, res.Meta, res.Blurhash)
}

// refuse records why a's files could not be made: a local upload is failed (its
// uploader sees why); a remote attachment stays at its server.
func (s *Service) refuse(ctx context.Context, a *Attachment, err error) error {
	if a.Local() {
		a.Failed, a.Refusal = err.Error(), mediaproc.Refusal(err)
	} else {
		a.CacheFailed = err.Error()
		if err := s.DeleteFile(ctx, a.Thumbnail.Key); err != nil { // its server's stands
			return err
		}
		a.Thumbnail = File{}
	}
	return s.save(ctx, a)
}

// finish stores the files made of an upload, records them with the meta, and drops
// the upload as received; for a remote attachment, it records when they were made,
// for the prune of the cache.
func (s *Service) finish(ctx context.Context, a *Attachment, original mediaproc.File, small *mediaproc.File, meta any, blurhash string) error {
	id := a.ID.String()
	dir := "media_attachments/files/" + id
	if !a.Local() {
		dir = "cache/" + dir
	}
	var err error
	if a.Original, err = s.store(ctx, dir+"/original/"+id+original.Extension, original); err != nil {
		return err
	}
	if small != nil {
		if a.Small, err = s.store(ctx, dir+"/small/"+id+small.Extension, *small); err != nil {
			return err
		}
	}
	custom := a.Meta
	if a.Meta, err = json.Marshal(meta); err != nil {
		return err
	}
	if a.Thumbnail.Key != "" { // the custom preview's size and blurhash stand
		a.Meta, blurhash = keepThumbnail(a.Meta, custom), a.Blurhash
	}
	if blurhash == "" && !a.Local() { // audio: the blurhash its server gave stands
		blurhash = a.Blurhash
	}
	upload := a.Upload
	a.Blurhash, a.Processed, a.Upload = blurhash, true, ""
	a.Width, a.Height = original.Width, original.Height
	if !a.Local() {
		return s.cached(ctx, a)
	}
	if err := s.save(ctx, a); err != nil {
		return err
	}
	return s.files.Delete(ctx, upload)
}

func (s *Service) read(ctx context.Context, key string) ([]byte, error) {
	r, _, err := s.files.Open(ctx, key, blob.Range{})
	if err != nil {
		return nil, fmt.Errorf("read upload %s: %w", key, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, s.MaxBytes()+1))
	if err != nil {
		return nil, fmt.Errorf("read upload %s: %w", key, err)
	}
	return data, nil
}

func (s *Service) store(ctx context.Context, key string, f mediaproc.File) (File, error) {
	if err := s.files.Put(ctx, key, bytes.NewReader(f.Data), int64(len(f.Data)), f.ContentType); err != nil {
		return File{}, fmt.Errorf("store %s: %w", key, err)
	}
	return File{Key: key, ContentType: f.ContentType}, nil
}

// Wait returns the attachment once processed (or failed), or as it stands when d has
// passed: POST /api/v1/media answers only with a processed attachment.
func (s *Service) Wait(ctx context.Context, id shard.ID, d time.Duration) (*Attachment, error) {
	deadline := time.Now().Add(d)
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		a, err := s.Get(ctx, id)
		if err != nil || a.Processed || a.Failed != "" || time.Now().After(deadline) {
			return a, err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
