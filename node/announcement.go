package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/shard"
)

// localEmoji is the emoji service as the announcement service asks it about
// reactions: does an enabled local emoji of that shortcode exist?
type localEmoji struct{ e *emoji.Service }

func (l localEmoji) LocalEmoji(ctx context.Context, shortcode string) (bool, error) {
	if !emoji.ValidShortcode(shortcode) {
		return false, nil
	}
	e, err := l.e.Get(ctx, "", shortcode)
	if errors.Is(err, emoji.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !e.Disabled, nil
}

// AdminAddAnnouncement creates an announcement (herd admin announcement add). The
// command line's changes are audited as the admin API's, by the operator.
func (n *Node) AdminAddAnnouncement(ctx context.Context, c announcement.Change) (*announcement.Announcement, error) {
	a, err := n.Announcements.Add(ctx, c)
	if err != nil {
		return nil, err
	}
	return a, n.auditAnnouncement(ctx, "create_announcement", a.ID)
}

func (n *Node) auditAnnouncement(ctx context.Context, action string, id shard.ID) error {
	return n.Reports.Record(ctx, operator, action, "Announcement", id.String())
}

// AdminAnnouncements lists every announcement, listed or not.
func (n *Node) AdminAnnouncements(ctx context.Context) ([]*announcement.Announcement, error) {
	return n.Announcements.All(ctx)
}

// AdminUpdateAnnouncement changes the announcement of id.
func (n *Node) AdminUpdateAnnouncement(ctx context.Context, id string, c announcement.Change) (*announcement.Announcement, error) {
	aid, err := shard.Parse(id)
	if err != nil {
		return nil, fmt.Errorf("announcement %q: %w", id, err)
	}
	a, err := n.Announcements.Update(ctx, aid, c)
	if err != nil {
		return nil, err
	}
	return a, n.auditAnnouncement(ctx, "update_announcement", aid)
}

// AdminRemoveAnnouncement deletes the announcement of id.
func (n *Node) AdminRemoveAnnouncement(ctx context.Context, id string) error {
	aid, err := shard.Parse(id)
	if err != nil {
		return fmt.Errorf("announcement %q: %w", id, err)
	}
	if err := n.Announcements.Remove(ctx, aid); err != nil {
		return err
	}
	return n.auditAnnouncement(ctx, "destroy_announcement", aid)
}
