package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/poll"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// Schedule keeps p to be posted by author at at. The post is checked now as Create
// would check it (status.Prepare: text, poll, reply, attachments, the author's
// defaults filled in), the time and Mastodon's limits too; its attachments are held
// for the status from then on, so that no prune takes them.
func (s *Service) Schedule(ctx context.Context, author shard.ID, p status.Post, at time.Time) (*Scheduled, error) {
	at = at.UTC()
	if sc, err := s.idempotent(ctx, author, p.IdempotencyKey); err != nil || sc != nil {
		return sc, err
	}
	if err := s.checkTime(at); err != nil {
		return nil, err
	}
	if err := s.checkLimits(ctx, author, at, 0); err != nil {
		return nil, err
	}
	id := s.ids.Next()
	statusID, err := s.reserve(ctx, id, at)
	if err != nil {
		return nil, err
	}
	p.ID = statusID
	marks, err := s.statuses.Prepare(ctx, author, &p)
	if err != nil {
		s.unreserve(ctx, statusID)
		return nil, err
	}
	sc := &Scheduled{ID: id, AccountID: author, AtMS: at.UnixMilli(), StatusID: statusID, Params: paramsOf(p)}
	rec, err := record(sc)
	if err != nil {
		s.unreserve(ctx, statusID)
		return nil, err
	}
	muts := append([]store.Mutation{rec, dueMutation(sc)}, marks...)
	if key := p.IdempotencyKey; key != "" {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tIdem, PK: author.Bytes(), CK: []byte(key), Value: id.Bytes()})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		s.unreserve(ctx, statusID)
		return nil, fmt.Errorf("save scheduled status %d: %w", id, err)
	}
	return sc, nil
}

// idempotent returns the status author scheduled with the same Idempotency-Key in
// the last hour, if it is still scheduled, as Mastodon's PostStatusService does.
func (s *Service) idempotent(ctx context.Context, author shard.ID, key string) (*Scheduled, error) {
	if key == "" || len(key) > 256 {
		return nil, nil // a key too long is refused with the post's other checks
	}
	b, err := s.st.Get(ctx, tIdem, author.Bytes(), []byte(key))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check idempotency key: %w", err)
	}
	sc, err := s.Get(ctx, author, shard.FromBytes(b))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return sc, err
}

// Reschedule moves one of account's scheduled statuses to at, under the same rules
// as Schedule; the status gets an id of its new time, so that it takes its place in
// timelines when it is published.
func (s *Service) Reschedule(ctx context.Context, account, id shard.ID, at time.Time) (*Scheduled, error) {
	at = at.UTC()
	if _, err := s.Get(ctx, account, id); err != nil {
		return nil, err
	}
	if err := s.checkTime(at); err != nil {
		return nil, err
	}
	if err := s.checkLimits(ctx, account, at, id); err != nil {
		return nil, err
	}
	release, err := s.hold(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	sc, err := s.Get(ctx, account, id) // as it is now that it is held
	if err != nil {
		return nil, err
	}
	statusID, err := s.reserve(ctx, id, at)
	if err != nil {
		return nil, err
	}
	oldStatus, oldDue := sc.StatusID, times.Delete(sc.ID, sc.At())
	sc.AtMS, sc.StatusID = at.UnixMilli(), statusID
	muts, err := s.remark(ctx, sc, oldStatus)
	if err != nil {
		s.unreserve(ctx, statusID)
		return nil, err
	}
	rec, err := record(sc)
	if err != nil {
		s.unreserve(ctx, statusID)
		return nil, err
	}
	if err := s.st.Batch(ctx, append(muts, rec, oldDue, dueMutation(sc))); err != nil {
		s.unreserve(ctx, statusID)
		return nil, fmt.Errorf("reschedule status %d: %w", id, err)
	}
	s.unreserve(ctx, oldStatus)
	return sc, nil
}

// remark holds sc's attachments for its new status id.
func (s *Service) remark(ctx context.Context, sc *Scheduled, old shard.ID) ([]store.Mutation, error) {
	if len(sc.Params.MediaIDs) == 0 || s.media == nil {
		return nil, nil
	}
	got, err := s.media.GetMany(ctx, sc.Params.MediaIDs)
	if err != nil {
		return nil, err
	}
	var as []*media.Attachment
	for _, id := range sc.Params.MediaIDs {
		if a := got[id]; a != nil && a.StatusID == old {
			as = append(as, a)
		}
	}
	return media.Marks(as, sc.StatusID)
}

// Cancel removes one of account's scheduled statuses; its attachments are let go of,
// kept a day as unattached uploads are.
func (s *Service) Cancel(ctx context.Context, account, id shard.ID) error {
	if _, err := s.Get(ctx, account, id); err != nil {
		return err
	}
	release, err := s.hold(ctx, id)
	if err != nil {
		return err
	}
	defer release()
	sc, err := s.Get(ctx, account, id)
	if err != nil {
		return err
	}
	return s.remove(ctx, sc, true)
}

// remove deletes a scheduled status and its due row, lets go of its reserved id and,
// when it was not published, of its attachments.
func (s *Service) remove(ctx context.Context, sc *Scheduled, releaseMedia bool) error {
	if err := s.st.Batch(ctx, []store.Mutation{
		{Kind: store.Delete, Table: tScheduled, PK: sc.AccountID.Bytes(), CK: sc.ID.Bytes()}, times.Delete(sc.ID, sc.At()),
	}); err != nil {
		return fmt.Errorf("remove scheduled status %d: %w", sc.ID, err)
	}
	s.unreserve(ctx, sc.StatusID)
	if releaseMedia && len(sc.Params.MediaIDs) > 0 && s.media != nil {
		if err := s.media.Release(ctx, sc.Params.MediaIDs, true); err != nil {
			return fmt.Errorf("release the media of scheduled status %d: %w", sc.ID, err)
		}
	}
	return nil
}

// hold claims a scheduled status for a change or a publish, for the lease; a status
// another holds is not found (it is being published, or changed). The function
// returned gives the claim back.
func (s *Service) hold(ctx context.Context, id shard.ID) (func(), error) {
	won, _, err := s.st.PutIfAbsent(ctx, tClaims, id.Bytes(), empty, empty, s.opts.Lease)
	if err != nil {
		return nil, fmt.Errorf("claim scheduled status %d: %w", id, err)
	}
	if !won {
		return nil, fmt.Errorf("scheduled status %d is held: %w", id, ErrNotFound)
	}
	return func() {
		if err := s.st.Delete(context.WithoutCancel(ctx), tClaims, id.Bytes(), empty); err != nil {
			s.opts.Logger.Warn("schedule: give back a claim (it ends with its lease)", "id", id, "err", err)
		}
	}, nil
}

// reserve picks a status id of time at, with random low bits, that no other
// scheduled status holds (ids of one millisecond are many, and times chosen by
// people often fall on the same one).
func (s *Service) reserve(ctx context.Context, id shard.ID, at time.Time) (shard.ID, error) {
	for range 16 {
		cand := shard.At(at)
		won, _, err := s.st.PutIfAbsent(ctx, tReserved, cand.Bytes(), empty, id.Bytes(), 0)
		if err != nil {
			return 0, fmt.Errorf("reserve a status id: %w", err)
		}
		if won {
			return cand, nil
		}
	}
	return 0, fmt.Errorf("schedule: no free status id at %s", at)
}

func (s *Service) unreserve(ctx context.Context, statusID shard.ID) {
	if err := s.st.Delete(context.WithoutCancel(ctx), tReserved, statusID.Bytes(), empty); err != nil {
		s.opts.Logger.Warn("schedule: let go of a reserved id", "status", statusID, "err", err)
	}
}

func (s *Service) checkTime(at time.Time) error {
	if at.Before(s.opts.Now().Add(s.opts.MinLead)) {
		return &Validation{"Scheduled at the specified time must be at least 5 minutes in the future"}
	}
	return nil
}

// checkLimits applies Mastodon's total and daily limits to account's scheduled
// statuses but except.
func (s *Service) checkLimits(ctx context.Context, account shard.ID, at time.Time, except shard.ID) error {
	all, err := s.all(ctx, account)
	if err != nil {
		return err
	}
	total, day := 0, 0
	y, m, d := at.Date()
	for _, sc := range all {
		if sc.ID == except {
			continue
		}
		total++
		if y2, m2, d2 := sc.At().Date(); y2 == y && m2 == m && d2 == d {
			day++
		}
	}
	switch {
	case total >= TotalLimit:
		return &Validation{fmt.Sprintf("You have exceeded the limit of %d scheduled posts", TotalLimit)}
	case day >= DailyLimit:
		return &Validation{fmt.Sprintf("You have exceeded the limit of %d scheduled posts for today", DailyLimit)}
	}
	return nil
}

func record(sc *Scheduled) (store.Mutation, error) {
	b, err := store.Marshal(sc)
	if err != nil {
		return store.Mutation{}, err
	}
	return store.Mutation{Kind: store.Put, Table: tScheduled, PK: sc.AccountID.Bytes(), CK: sc.ID.Bytes(), Value: b}, nil
}

func paramsOf(p status.Post) Params {
	out := Params{Text: p.Text, SpoilerText: p.SpoilerText, Visibility: string(p.Visibility), Language: p.Language,
		InReplyToID: p.InReplyToID, MediaIDs: p.MediaIDs, Idempotency: p.IdempotencyKey, AppName: p.AppName,
		AppWebsite: p.AppWebsite, QuotedStatusID: p.QuotedStatusID, QuotePolicy: string(p.QuotePolicy)}
	if p.Sensitive != nil {
		out.Sensitive = *p.Sensitive
	}
	if p.Poll != nil {
		out.Poll = &Poll{Options: p.Poll.Options, ExpiresIn: int64(p.Poll.ExpiresIn / time.Second),
			Multiple: p.Poll.Multiple, HideTotals: p.Poll.HideTotals}
	}
	return out
}

// permanent reports whether a publish failed for good: the post is no longer valid
// (its reply's parent went away, an attachment is gone), as Mastodon's
// PublishScheduledStatusWorker drops such a status.
func permanent(err error) bool {
	var sv *status.Validation
	var mv *media.Validation
	var pv *poll.Validation
	return errors.As(err, &sv) || errors.As(err, &mv) || errors.As(err, &pv) || errors.Is(err, status.ErrNotFound)
}
