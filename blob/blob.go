// Package blob owns the contract of Herd's media storage: named binary objects (the
// originals and derivatives of uploaded media) that every engine stores alike, on a
// local file system (blob/fs) or on an S3-compatible object store (blob/s3).
//
// The interface holds only what both do well: put a whole object from a stream, read
// one whole or by byte range, stat it, delete it, list keys under a prefix (to prune)
// and name the public URL of an object when the operator serves them from one (a
// CDN). It must not learn about media kinds, images or accounts, and it must not grow
// metadata beyond the content type, appends, renames or listings in an order.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	// ErrNotFound is returned by Open and Stat when no object has the key.
	ErrNotFound = errors.New("blob: not found")
	// ErrBadKey is returned for a key (or list prefix) that CheckKey refuses.
	ErrBadKey = errors.New("blob: bad key")
	// ErrBadContentType is returned for a content type CheckContentType refuses.
	ErrBadContentType = errors.New("blob: bad content type")
	// ErrBadRange is returned by Open for a range that does not start inside the
	// object (HTTP's 416).
	ErrBadRange = errors.New("blob: range not satisfiable")
	// ErrSize is returned by Put when the reader yields more or fewer bytes than the
	// size it was given; nothing is stored then.
	ErrSize = errors.New("blob: size does not match the content")
)

// Limits of keys and content types, which every engine can hold: S3 takes keys of up
// to 1,024 bytes, file systems names of up to 255.
const (
	// MaxKeyLen bounds a key, in bytes.
	MaxKeyLen = 512
	// MaxSegmentLen bounds one slash-separated segment of a key, in bytes.
	MaxSegmentLen = 255
	// MaxContentTypeLen bounds a content type, in bytes.
	MaxContentTypeLen = 200
	// DefaultContentType is stored for an object put without a content type.
	DefaultContentType = "application/octet-stream"
)

// Info describes a stored object.
type Info struct {
	// Key names the object.
	Key string
	// Size is the length of the whole object in bytes, whatever range was read.
	Size int64
	// ContentType is the type it was put with. List leaves it empty.
	ContentType string
	// ModTime is when it was last put, as the engine's clock says (S3 keeps seconds).
	ModTime time.Time
}

// Range selects the bytes of an object Open reads. The zero Range is the whole object.
type Range struct {
	// Offset is the first byte read; it must be inside the object unless the Range is
	// zero (an empty object read whole).
	Offset int64
	// Length is how many bytes are read at most (fewer when the object ends first);
	// zero reads to the end.
	Length int64
}

// Check refuses a negative offset or length.
func (r Range) Check() error {
	if r.Offset < 0 || r.Length < 0 {
		return fmt.Errorf("%w: offset %d, length %d", ErrBadRange, r.Offset, r.Length)
	}
	return nil
}

// Clip returns the offset and length r reads of an object of size bytes, or
// ErrBadRange when r starts at or past its end.
func (r Range) Clip(size int64) (offset, length int64, err error) {
	if err := r.Check(); err != nil {
		return 0, 0, err
	}
	if r == (Range{}) {
		return 0, size, nil
	}
	if r.Offset >= size {
		return 0, 0, fmt.Errorf("%w: offset %d of %d bytes", ErrBadRange, r.Offset, size)
	}
	length = size - r.Offset
	if r.Length > 0 && r.Length < length {
		length = r.Length
	}
	return r.Offset, length, nil
}

// Store is a set of named binary objects. Keys are slash-separated paths
// ("media/original/117…/file.jpg") that CheckKey accepts; on a file system a key is
// a file and its leading segments directories, so a key must not be another's
// directory ("a" and "a/b" cannot both be stored). Every method is safe for
// concurrent use.
type Store interface {
	// Put stores the size bytes r yields under key, replacing any object there, or
	// nothing at all: readers see the old object or the whole new one. A size of -1
	// reads r to its end; otherwise r must yield exactly size bytes (else ErrSize).
	// An empty content type stores DefaultContentType.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open reads the object's bytes inside rng. The caller closes the reader; Info
	// describes the whole object. Errors: ErrNotFound, ErrBadRange.
	Open(ctx context.Context, key string, rng Range) (io.ReadCloser, Info, error)
	// Stat describes the object, or returns ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the object; deleting a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn with the key, size and modification time of every object whose
	// key starts with prefix ("" lists all), in no promised order, and stops at the
	// first error fn returns, returning it. Objects put or deleted during a listing
	// may or may not be seen.
	List(ctx context.Context, prefix string, fn func(Info) error) error
	// URL returns the public URL of key when the store is served from one (a CDN, a
	// public bucket), and false otherwise: then the objects are served through Open.
	URL(key string) (string, bool)
	// Close releases what the store holds (a directory handle); the store is not used
	// afterwards.
	Close() error
}

// CheckKey reports whether key can name an object in every engine: 1 to MaxKeyLen
// bytes of valid UTF-8 without control characters or backslashes, made of non-empty
// slash-separated segments of at most MaxSegmentLen bytes, none "." or "..", so
// without a leading or trailing slash.
func CheckKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return fmt.Errorf("%w: %d bytes, not 1 to %d", ErrBadKey, len(key), MaxKeyLen)
	}
	if err := checkChars(key); err != nil {
		return err
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg == "." || seg == ".." || len(seg) > MaxSegmentLen {
			return fmt.Errorf("%w: %q has an empty, dot or over-long segment", ErrBadKey, key)
		}
	}
	return nil
}

// CheckPrefix reports whether prefix can select keys to List: empty, or the start of
// a key CheckKey accepts (it may end with a slash or inside a segment).
func CheckPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	// "x" completes a prefix ending with a slash, or with a dot that would be
	// refused only as a whole segment, into a key.
	if err := CheckKey(prefix + "x"); err != nil {
		return fmt.Errorf("prefix %q: %w", prefix, err)
	}
	return nil
}

// checkChars refuses invalid UTF-8, control characters and backslashes.
func checkChars(key string) error {
	if !utf8.ValidString(key) {
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrBadKey, key)
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%w: %q has a control character or a backslash", ErrBadKey, key)
		}
	}
	return nil
}

// ContentType returns the content type Put stores for ct: DefaultContentType for an
// empty one, ct itself if it is printable ASCII of at most MaxContentTypeLen bytes,
// and ErrBadContentType otherwise.
func ContentType(ct string) (string, error) {
	if ct == "" {
		return DefaultContentType, nil
	}
	if len(ct) > MaxContentTypeLen {
		return "", fmt.Errorf("%w: %d bytes, more than %d", ErrBadContentType, len(ct), MaxContentTypeLen)
	}
	for i := range len(ct) {
		if ct[i] < 0x20 || ct[i] > 0x7e {
			return "", fmt.Errorf("%w: %q is not printable ASCII", ErrBadContentType, ct)
		}
	}
	return ct, nil
}

// PublicURL returns the URL of key under base, a URL ending with a slash or not, each
// segment of the key escaped as a path segment; "" when base is empty. Engines
// implement URL with it.
func PublicURL(base, key string) string {
	if base == "" {
		return ""
	}
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.Join(segs, "/")
}

// CheckPublicURL reports whether base can be a public base URL: absolute http or
// https with a host, without query or fragment.
func CheckPublicURL(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("blob: public URL %q: %w", base, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("blob: public URL %q must be http(s)://host[/path]", base)
	}
	return nil
}

// ExactReader returns a reader of r that fails with ErrSize, instead of ending, when r
// yields fewer than size bytes, and as soon as it yields a byte past size: an engine
// reading through it stores nothing when the size was wrong. A size of -1 returns r.
func ExactReader(r io.Reader, size int64) io.Reader {
	if size < 0 {
		return r
	}
	return &exact{r: r, left: size}
}

type exact struct {
	r    io.Reader
	left int64
	err  error // ErrSize, once found
}

func (e *exact) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.left == 0 {
		return 0, e.atEnd()
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	switch {
	case errors.Is(err, io.EOF) && e.left > 0:
		e.err = fmt.Errorf("%w: %d bytes short", ErrSize, e.left)
		return n, e.err
	case e.left == 0 && (err == nil || errors.Is(err, io.EOF)):
		// Checked now, not on the next Read: a reader of exactly size bytes (an HTTP
		// request body) never makes one.
		return n, e.atEnd()
	}
	return n, err
}

// atEnd returns io.EOF if r has nothing past size, ErrSize if it has.
func (e *exact) atEnd() error {
	var one [1]byte
	for {
		n, err := e.r.Read(one[:])
		if n > 0 {
			e.err = fmt.Errorf("%w: more bytes than the size", ErrSize)
			return e.err
		}
		if err != nil {
			return err
		}
	}
}

// CheckPut checks the arguments of a Put (the key, the content type and a size of at
// least -1) and returns the content type to store.
func CheckPut(key, contentType string, size int64) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	if size < -1 {
		return "", fmt.Errorf("blob: put %q: size %d", key, size)
	}
	return ContentType(contentType)
}
