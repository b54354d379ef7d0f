package node

import (
	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/annualreport"
	"github.com/herd-social/herd/asyncrefresh"
	"github.com/herd-social/herd/auth"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/card"
	"github.com/herd-social/herd/collection"
	"github.com/herd-social/herd/conversation"
	"github.com/herd-social/herd/deadletter"
	"github.com/herd-social/herd/delivery"
	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/fanout"
	"github.com/herd-social/herd/filter"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/list"
	"github.com/herd-social/herd/mail"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/notification"
	"github.com/herd-social/herd/push"
	"github.com/herd-social/herd/relay"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/schedule"
	"github.com/herd-social/herd/search/indexer"
	"github.com/herd-social/herd/settings"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/timeline"
	"github.com/herd-social/herd/trends"
	"github.com/herd-social/herd/webhook"
)

// Schema is every table of the domain packages.
func Schema() store.Schema {
	var s store.Schema
	for _, part := range []store.Schema{account.Schema(), auth.Schema(), status.Schema(), activitypub.Schema(), delivery.Schema(),
		timeline.Schema(timeline.Options{}), list.Schema(), conversation.Schema(), hashtag.Schema(), notification.Schema(),
		fanout.Schema(), moderation.Schema(), deadletter.Schema(), media.Schema(), emoji.Schema(), card.Schema(),
		filter.Schema(), schedule.Schema(), announcement.Schema(), annualreport.Schema(), trends.Schema(), push.Schema(), rules.Schema(), settings.Schema(), role.Schema(), webhook.Schema(), relay.Schema(),
		asyncrefresh.Schema(), collection.Schema()} {
		s = append(s, part...)
	}
	return s
}

// Topics is every topic of the event log.
func Topics() []bus.Topic {
	topics := append([]bus.Topic{{Name: status.Topic, Partitions: 16}, {Name: status.FavouriteTopic, Partitions: 4}}, activitypub.Topics()...)
	topics = append(topics, media.Topics()...)
	topics = append(topics, indexer.Topics()...)
	topics = append(topics, push.Topics()...)
	topics = append(topics, moderation.Topics()...)
	topics = append(topics, webhook.Topics()...)
	topics = append(topics, mail.Topics()...)
	topics = append(topics, annualreport.Topics()...)
	return append(topics, delivery.Topics()...)
}
