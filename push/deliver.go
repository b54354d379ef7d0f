package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/text"
)

// event is a message of Topic: a notification and its recipient.
type event struct {
	To           shard.ID                  `cbor:"1,keyasint"`
	Notification notification.Notification `cbor:"2,keyasint"`
}

// Notified appends a new notification of `to` to Topic (notification.Pushes), for
// Run to push. Filtered notifications never come here.
func (s *Service) Notified(ctx context.Context, to shard.ID, n notification.Notification) error {
	b, err := store.Marshal(&event{To: to, Notification: n})
	if err != nil {
		return err
	}
	if err := s.bus.Publish(ctx, bus.Message{Topic: Topic, Key: to.Bytes(), Value: b}); err != nil {
		return fmt.Errorf("push: publish notification %d: %w", n.ID, err)
	}
	return nil
}

// Run consumes Topic in Group until ctx is done, pushing each notification to the
// recipient's subscriptions. A failed POST (network, 429, 5xx) fails the message,
// which the bus delivers again with backoff until the dead-letter keeper sets it
// aside; the subscriptions already reached are remembered and not pushed again.
func (s *Service) Run(ctx context.Context) error {
	return s.bus.Consume(ctx, Group, Topic, bus.ConsumeOptions{}, s.opts.DeadLetters.Handler(Group, s.handle))
}

func (s *Service) handle(ctx context.Context, m bus.Message) error {
	var e event
	if err := store.Unmarshal(m.Value, &e); err != nil {
		return fmt.Errorf("push: event: %w", err)
	}
	return s.Push(ctx, e.To, e.Notification)
}

// Push sends n to every subscription of `to` whose alerts and policy take it.
// Applying it again sends only to the subscriptions not reached yet.
func (s *Service) Push(ctx context.Context, to shard.ID, n notification.Notification) error {
	subs, err := s.subscriptions(ctx, to)
	if err != nil || len(subs) == 0 {
		return err
	}
	var m *message
	var errs []error
	for i := range subs {
		sub := &subs[i]
		if !sub.Alerts.wants(n.Type) {
			continue
		}
		if ok, err := s.policyAllows(ctx, sub, to, n.From); err != nil || !ok {
			errs = append(errs, err)
			continue
		}
		if m == nil {
			if m, err = s.message(ctx, to, n); err != nil || m == nil {
				return err
			}
		}
		errs = append(errs, s.deliver(ctx, sub, n.ID, m))
	}
	return errors.Join(errs...)
}

// wants says whether the alerts take a kind of notification.
func (a Alerts) wants(k notification.Kind) bool {
	switch k {
	case notification.Mention:
		return a.Mention
	case notification.Status:
		return a.Status
	case notification.Reblog:
		return a.Reblog
	case notification.Follow:
		return a.Follow
	case notification.FollowRequest:
		return a.FollowRequest
	case notification.Favourite:
		return a.Favourite
	case notification.Poll:
		return a.Poll
	case notification.Update:
		return a.Update
	case notification.Quote:
		return a.Quote
	case notification.QuotedUpdate:
		return a.QuotedUpdate
	case notification.AdminSignUp:
		return a.AdminSignUp
	case notification.AdminReport:
		return a.AdminReport
	}
	return false
}

// policyAllows applies the subscription's policy to the notification's sender.
func (s *Service) policyAllows(ctx context.Context, sub *Subscription, to, from shard.ID) (bool, error) {
	var f *account.Follow
	var err error
	switch sub.Policy {
	case All, "":
		return true, nil
	case Followed:
		f, err = s.accounts.FollowOf(ctx, to, from)
	case Follower:
		f, err = s.accounts.FollowOf(ctx, from, to)
	default:
		return false, nil
	}
	return f != nil, err
}

// message is Mastodon's push payload (Web::NotificationSerializer) but for the
// access token, which is each subscription's own.
type message struct {
	AccessToken      string `json:"access_token"`
	PreferredLocale  string `json:"preferred_locale"`
	NotificationID   uint64 `json:"notification_id"`
	NotificationType string `json:"notification_type"`
	Icon             string `json:"icon"`
	Title            string `json:"title"`
	Body             string `json:"body"`
}

// titles are Mastodon's English notification subjects, by kind; %s is the sender.
var titles = map[notification.Kind]string{
	notification.Mention:       "You were mentioned by %s",
	notification.Status:        "%s just posted",
	notification.Reblog:        "%s boosted your post",
	notification.Follow:        "%s followed you",
	notification.FollowRequest: "Pending follower: %s",
	notification.Favourite:     "%s favorited your post",
	notification.Poll:          "A poll by %s has ended",
	notification.Update:        "%s edited a post",
	notification.Quote:         "%s quoted your post",
	notification.QuotedUpdate:  "%s edited a post you have quoted",
	notification.AdminSignUp:   "%s signed up",
	notification.AdminReport:   "%s submitted a report",
}

// bodyLength is how much of a text a message's body keeps, as Mastodon's 140.
const bodyLength = 140

// message builds the payload of n for its recipient `to`.
func (s *Service) message(ctx context.Context, to shard.ID, n notification.Notification) (*message, error) {
	from, err := s.accounts.Get(ctx, n.From)
	if errors.Is(err, account.ErrNotFound) {
		return nil, nil // the sender is gone: nothing to tell
	}
	if err != nil {
		return nil, fmt.Errorf("push: sender of notification %d: %w", n.ID, err)
	}
	m := &message{NotificationID: uint64(n.ID), NotificationType: string(n.Type), Icon: s.opts.Icon(from),
		PreferredLocale: "en"}
	if u, err := s.accounts.User(ctx, to); err == nil && u.Locale != "" {
		m.PreferredLocale = u.Locale
	}
	name := strings.TrimSpace(from.DisplayName)
	if name == "" {
		name = from.Username
	}
	m.Title = fmt.Sprintf(titles[n.Type], name)
	if n.Type == notification.Poll && n.From == to {
		m.Title = "Your poll has ended"
	}
	body := from.Note
	if n.StatusID != 0 {
		st, err := s.statuses.Get(ctx, n.StatusID)
		if err != nil && !errors.Is(err, status.ErrNotFound) {
			return nil, err
		}
		if st != nil && st.ReblogOfID != 0 {
			if st, err = s.statuses.Get(ctx, st.ReblogOfID); err != nil && !errors.Is(err, status.ErrNotFound) {
				return nil, err
			}
		}
		body = ""
		if st != nil {
			body = st.Content
			if st.SpoilerText != "" {
				body = st.SpoilerText
			}
		}
	}
	m.Body = truncate(text.PlainText(body), bodyLength)
	return m, nil
}

// truncate cuts s to n characters, the last being an ellipsis when cut.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// deliver sends m to sub once: a subscription reached is remembered for a day. A
// revoked token's subscription is removed unsent, and so is one whose push service
// answers 404 or 410 (gone, RFC 8030).
func (s *Service) deliver(ctx context.Context, sub *Subscription, id shard.ID, m *message) error {
	if _, err := s.st.Get(ctx, tSent, id.Bytes(), sub.ID.Bytes()); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if ok, err := s.tokens.Valid(ctx, sub.Token); err != nil {
		return err
	} else if !ok {
		return s.remove(ctx, sub)
	}
	out := *m
	out.AccessToken = sub.Token
	payload, err := json.Marshal(&out)
	if err != nil {
		return err
	}
	send := s.send
	if !sub.Standard {
		send = s.sendLegacy
	}
	code, err := send(ctx, sub, payload)
	if err != nil {
		return fmt.Errorf("push: send notification %d to subscription %d: %w", id, sub.ID, err)
	}
	switch {
	case code == http.StatusNotFound || code == http.StatusGone:
		return s.remove(ctx, sub)
	case code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("push: send notification %d to subscription %d: status %d", id, sub.ID, code)
	case code >= 300:
		// Refused for good (a malformed subscription, say): as Mastodon, not retried.
		s.opts.Logger.Warn("push: push service refused a message", "subscription", sub.ID, "status", code)
	}
	return s.st.Put(ctx, tSent, id.Bytes(), sub.ID.Bytes(), []byte{}, 0)
}

// send POSTs payload, encrypted for sub (RFC 8291, aes128gcm) and signed with the
// instance's VAPID key, to its endpoint, and returns the push service's status.
func (s *Service) send(ctx context.Context, sub *Subscription, payload []byte) (int, error) {
	keys, err := s.vapidKeys(ctx)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	resp, err := webpush.SendNotificationWithContext(ctx, payload,
		&webpush.Subscription{Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256DH, Auth: sub.Auth}},
		&webpush.Options{HTTPClient: s.opts.HTTP, Subscriber: s.opts.Subscriber, VAPIDPublicKey: keys.Public,
			VAPIDPrivateKey: keys.Private, TTL: ttl, Urgency: webpush.UrgencyNormal, RecordSize: recordSize})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

const (
	// ttl is how long a push service keeps an undelivered message, Mastodon's 48 h.
	ttl = 48 * 60 * 60
	// recordSize pads every message to one size (RFC 8291 allows 4,096 at most), so
	// that its length says nothing of its content.
	recordSize = 4096
)
