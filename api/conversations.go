package api

import (
	"context"

	"github.com/herd-social/herd/conversation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// Conversation is Mastodon's Conversation entity.
type Conversation struct {
	ID         string     `json:"id"`
	Unread     bool       `json:"unread"`
	Accounts   []*Account `json:"accounts"`
	LastStatus *Status    `json:"last_status"`
}

// routeConversations registers the conversation endpoints, with Mastodon's scopes.
func (s *Server) routeConversations() {
	s.handle("GET", "/api/v1/conversations", user("read:statuses"), s.getConversations)
	s.handle("DELETE", "/api/v1/conversations/{id}", user("write:conversations"), removeOwn(s.d.Conversations.Remove))
	s.handle("POST", "/api/v1/conversations/{id}/read", user("write:conversations"), s.readConversation)
}

// conversationEntities renders the viewer's conversations: the other participants
// and the last status, through the renderer of every status (a last status the
// viewer may no longer see is null).
func (s *Server) conversationEntities(ctx context.Context, viewer shard.ID, cs []*conversation.Conversation) ([]*Conversation, error) {
	var accIDs, stIDs []shard.ID
	for _, c := range cs {
		accIDs = append(accIDs, c.Participants...)
		stIDs = append(stIDs, c.LastStatusID)
	}
	accs, byID, err := s.accountsAndStatuses(ctx, viewer, accIDs, stIDs, true)
	if err != nil {
		return nil, err
	}
	out := make([]*Conversation, len(cs))
	for i, c := range cs {
		e := &Conversation{ID: c.ID.String(), Unread: c.Unread, Accounts: []*Account{}, LastStatus: byID[c.LastStatusID.String()]}
		for _, id := range c.Participants {
			if a := accs[id]; a != nil {
				e.Accounts = append(e.Accounts, a)
			}
		}
		out[i] = e
	}
	return out, nil
}

// getConversations pages the viewer's conversations by last status, newest first
// (limit 20, at most 40), with Link cursors on last status ids as Mastodon.
func (s *Server) getConversations(r *req) error {
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	cs, err := s.d.Conversations.Page(r.context(), r.viewer, p)
	if err != nil {
		return err
	}
	out, err := s.conversationEntities(r.context(), r.viewer, cs)
	if err != nil {
		return err
	}
	last := make([]shard.ID, len(cs))
	for i, c := range cs {
		last[i] = c.LastStatusID
	}
	r.link(paging.IDs(last))
	return r.json(out)
}

func (s *Server) readConversation(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	c, err := s.d.Conversations.Read(r.context(), r.viewer, id)
	if err != nil {
		return err
	}
	out, err := s.conversationEntities(r.context(), r.viewer, []*conversation.Conversation{c})
	if err != nil {
		return err
	}
	return r.json(out[0])
}
