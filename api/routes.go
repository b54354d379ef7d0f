package api

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/filter"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// routes registers every endpoint with who may call it and with which scopes, as
// Mastodon's controllers declare them.
func (s *Server) routes() {
	st := s.d.Statuses
	a := s.d.Accounts

	// Bootstrap, OAuth and instance.
	s.handle("GET", "/health", public, s.health)
	s.handle("GET", "/health/ready", public, s.ready)
	s.handle("GET", missingAvatar, public, s.missingImage)
	s.handle("GET", missingHeader, public, s.missingImage)
	s.handle("POST", "/api/v1/apps", public, s.createApp)
	s.handle("GET", "/api/v1/apps/verify_credentials", anyToken, s.verifyApp)
	s.handle("GET", "/oauth/authorize", public, s.authorizePage)
	s.handle("POST", "/oauth/authorize", public, s.authorizeSubmit)
	s.handle("POST", "/oauth/token", public, s.token)
	s.handle("POST", "/oauth/revoke", public, s.revoke)
	s.handle("GET", "/oauth/userinfo", user("profile"), s.userinfo)
	s.handle("POST", "/oauth/userinfo", user("profile"), s.userinfo)
	s.handle("GET", "/.well-known/oauth-authorization-server", public, s.wellKnownOAuth)
	s.handle("GET", "/api/v1/instance", public, s.instanceV1)
	s.handle("GET", "/api/v2/instance", public, s.instanceV2)
	s.handle("GET", "/api/v1/custom_emojis", public, s.customEmojis)
	s.routeAdminCustomEmojis()
	s.handle("GET", "/api/v1/instance/peers", public, s.instancePeers)
	s.handle("GET", "/api/v1/instance/activity", public, s.instanceActivity)
	s.handle("GET", "/api/v1/instance/extended_description", public, s.extendedDescription)
	s.handle("GET", "/api/v1/instance/privacy_policy", public, s.privacyPolicy)
	s.handle("GET", "/api/v1/instance/terms_of_service", public, s.termsOfService)
	s.handle("GET", "/api/v1/instance/terms_of_service/{date}", public, s.termsOn)
	s.handle("GET", "/api/v1/instance/translation_languages", public, s.translationLanguages)
	s.handle("GET", "/api/v1/preferences", user("read:accounts"), s.preferences)
	s.handle("GET", "/api/v1/markers", user("read:statuses"), s.getMarkers)
	s.handle("POST", "/api/v1/markers", user("write:statuses"), s.setMarkers)
	s.routeReports()
	s.routeEmails()
	s.routeInvites()
	s.routeRules()
	s.routeAdminAccounts()
	s.routeWarningPresets()
	s.routeAccountWarnings()
	s.routeMigration()
	s.routeDomainPolicies()
	s.routeInstanceBlocks()
	s.routeAdminWebhooks()
	s.routeAdminRoles()
	s.routeRelays()
	s.routeRelaySubscribers()
	s.routeRelayAllowList()
	s.routeAdminMeasures()
	s.routeProfile()

	// Accounts.
	s.handle("POST", "/api/v1/accounts", token("write:accounts"), s.register)
	s.handle("GET", "/api/v1/accounts", open("read:accounts"), s.getAccounts)
	s.handle("GET", "/api/v1/accounts/verify_credentials", user("read:accounts", "profile"), s.verifyCredentials)
	s.handle("PATCH", "/api/v1/accounts/update_credentials", user("write:accounts"), s.updateCredentials)
	s.handle("GET", "/api/v1/accounts/relationships", user("read:follows"), s.relationships)
	s.handle("GET", "/api/v1/accounts/lookup", open("read:accounts"), s.lookup)
	s.handle("GET", "/api/v1/accounts/{id}", open("read:accounts"), s.getAccount)
	s.handle("GET", "/api/v1/accounts/{id}/statuses", open("read:statuses"), filtered(filter.Account, true, s.accountStatuses))
	s.handle("GET", "/api/v1/accounts/{id}/followers", open("read:accounts"), s.accountList(
		func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error) {
			return a.Followers(r.context(), owner, p)
		}, 40, 80, false))
	s.handle("GET", "/api/v1/accounts/{id}/following", open("read:accounts"), s.accountList(
		func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error) {
			return a.Following(r.context(), owner, p)
		}, 40, 80, false))
	// Mastodon's require_user! without a scope: any user's token; 422 without one.
	s.handle("GET", "/api/v1/accounts/{id}/identity_proofs", open(), s.identityProofs)
	s.handle("POST", "/api/v1/accounts/{id}/follow", user("write:follows"), s.follow)
	s.handle("POST", "/api/v1/accounts/{id}/unfollow", user("write:follows"), s.between(s.d.Actions.Unfollow))
	s.routeAccountActions()
	s.routeSocial()
	s.routeDiscover()
	s.routeSuggestions()
	s.routeAnnouncements()
	s.routeAnnualReports()
	s.handle("GET", "/api/v1/follow_requests", user("read:follows"), s.accountList(
		func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error) {
			return a.FollowRequests(r.context(), owner, p)
		}, 40, 80, true))
	s.handle("GET", "/api/v1/blocks", user("read:blocks"), s.accountList(
		func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error) {
			return a.Blocks(r.context(), owner, p)
		}, 40, 80, true))
	s.handle("GET", "/api/v1/mutes", user("read:mutes"), s.accountListThen(
		func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error) {
			return a.Mutes(r.context(), owner, p)
		}, 40, 80, true, s.muteEnds))

	// Statuses.
	s.handle("POST", "/api/v1/statuses", user("write:statuses"), s.postStatus)
	s.handle("GET", "/api/v1/statuses", open("read:statuses"), s.getStatuses)
	s.handle("GET", "/api/v1/statuses/{id}", open("read:statuses"), filtered("", false, s.getStatus))
	s.handle("PUT", "/api/v1/statuses/{id}", user("write:statuses"), s.editStatus)
	s.handle("DELETE", "/api/v1/statuses/{id}", user("write:statuses"), s.deleteStatus)
	s.handle("GET", "/api/v1/statuses/{id}/history", open("read:statuses"), s.statusHistory)
	s.handle("GET", "/api/v1/statuses/{id}/source", user("read:statuses"), s.statusSource)
	s.handle("POST", "/api/v1/statuses/{id}/translate", user("read:statuses"), s.translateStatus)
	s.handle("GET", "/api/v1/statuses/{id}/context", open("read:statuses"), filtered(filter.Thread, true, s.statusContext))
	s.handle("GET", "/api/v1_alpha/async_refreshes/{id}", user("read"), s.asyncRefresh)
	s.handle("GET", "/api/v1/statuses/{id}/favourited_by", open("read:accounts"), s.whoList(st.FavouritedBy))
	s.handle("GET", "/api/v1/statuses/{id}/reblogged_by", open("read:accounts"), s.whoList(st.RebloggedBy))
	s.handle("GET", "/api/v1/statuses/{id}/quotes", user("read:statuses"), s.statusQuotes)
	s.handle("POST", "/api/v1/statuses/{id}/quotes/{quoting_status_id}/revoke", user("write:statuses"), s.revokeQuote)
	s.handle("PUT", "/api/v1/statuses/{id}/interaction_policy", user("write:statuses"), s.setQuotePolicy)
	s.handle("POST", "/api/v1/media", user("write:media"), s.uploadMedia(syncWait))
	s.handle("POST", "/api/v2/media", user("write:media"), s.uploadMedia(asyncWait))
	s.handle("GET", "/api/v1/media/{id}", user("write:media"), s.getMedia)
	s.handle("PUT", "/api/v1/media/{id}", user("write:media"), s.updateMedia)
	s.handle("DELETE", "/api/v1/media/{id}", user("write:media"), removeOwn(s.d.Media.Delete))
	s.router.GET(mediaPrefix+"{key:*}", s.serveFile)
	s.handle("GET", mediaProxyPrefix+"{id}", public, s.mediaProxy)
	s.handle("GET", mediaProxyPrefix+"{id}/{style:*}", public, s.mediaProxy)
	s.routeScheduled()
	s.handle("GET", "/api/v1/polls/{id}", open("read:statuses"), s.getPoll)
	s.handle("POST", "/api/v1/polls/{id}/votes", user("write:statuses"), s.vote)
	s.handle("POST", "/api/v1/statuses/{id}/favourite", user("write:favourites"), s.byMe(s.d.Actions.Favourite))
	s.handle("POST", "/api/v1/statuses/{id}/unfavourite", user("write:favourites"), s.byMe(s.d.Actions.Unfavourite))
	s.handle("POST", "/api/v1/statuses/{id}/reblog", user("write:statuses"), s.reblog)
	s.handle("POST", "/api/v1/statuses/{id}/unreblog", user("write:statuses"), s.statusAction(st.Unreblog))
	s.handle("POST", "/api/v1/statuses/{id}/bookmark", user("write:bookmarks"), s.statusAction(st.Bookmark))
	s.handle("POST", "/api/v1/statuses/{id}/unbookmark", user("write:bookmarks"), s.statusAction(st.Unbookmark))
	s.handle("POST", "/api/v1/statuses/{id}/pin", user("write:accounts"), s.byMe(s.d.Actions.Pin))
	s.handle("POST", "/api/v1/statuses/{id}/unpin", user("write:accounts"), s.byMe(s.d.Actions.Unpin))
	s.handle("POST", "/api/v1/statuses/{id}/mute", user("write:mutes"), s.statusAction(muteThread(st, true)))
	s.handle("POST", "/api/v1/statuses/{id}/unmute", user("write:mutes"), s.statusAction(muteThread(st, false)))
	s.handle("GET", "/api/v1/favourites", user("read:favourites"), s.markedList(st.Favourites))
	s.handle("GET", "/api/v1/bookmarks", user("read:bookmarks"), s.markedList(st.Bookmarks))

	s.handle("GET", "/api/v2/search", open("read:search"), s.search)
	s.handle("GET", "/api/oembed", public, s.oembed)

	// Timelines.
	s.handle("GET", "/api/v1/timelines/home", user("read:statuses"), filtered(filter.Home, true, s.home))
	s.handle("GET", "/api/v1/timelines/public", open("read:statuses"), filtered(filter.Public, true, s.public))
	s.handle("GET", "/api/v1/timelines/tag/{tag}", open("read:statuses"), filtered(filter.Public, true, s.tagTimeline))
	s.routeLists()
	s.routeCollections()
	s.routeConversations()
	s.routeTags()
	s.routeTrends()
	s.routePush()
	s.routeFeaturedTags()
	s.routeFilters()

	// Notifications.
	s.handle("GET", "/api/v1/notifications", user("read:notifications"), filtered(filter.Notifications, true, s.listNotifications))
	s.handle("GET", "/api/v1/notifications/unread_count", user("read:notifications"), s.unreadCount)
	s.handle("POST", "/api/v1/notifications/clear", user("write:notifications"), s.clearNotifications)
	s.handle("GET", "/api/v1/notifications/{id}", user("read:notifications"), filtered(filter.Notifications, false, s.getNotification))
	s.handle("POST", "/api/v1/notifications/{id}/dismiss", user("write:notifications"), s.dismissNotification)
	s.handle("GET", "/api/v1/notifications/requests", user("read:notifications"), s.listNotificationRequests)
	s.handle("GET", "/api/v1/notifications/requests/merged", user("read:notifications"), s.requestsMerged)
	s.handle("POST", "/api/v1/notifications/requests/accept", user("write:notifications"), s.settleRequests(true))
	s.handle("POST", "/api/v1/notifications/requests/dismiss", user("write:notifications"), s.settleRequests(false))
	s.handle("GET", "/api/v1/notifications/requests/{id}", user("read:notifications"), s.getNotificationRequest)
	s.handle("POST", "/api/v1/notifications/requests/{id}/accept", user("write:notifications"), s.settleRequest(true))
	s.handle("POST", "/api/v1/notifications/requests/{id}/dismiss", user("write:notifications"), s.settleRequest(false))
	s.handle("GET", "/api/v2/notifications", user("read:notifications"), filtered(filter.Notifications, true, s.listGroupedNotifications))
	s.handle("GET", "/api/v2/notifications/unread_count", user("read:notifications"), s.unreadGroupCount)
	s.handle("GET", "/api/v2/notifications/policy", user("read:notifications"), s.getNotificationPolicy)
	s.handle("PATCH", "/api/v2/notifications/policy", user("write:notifications"), s.updateNotificationPolicy)
	s.handle("GET", "/api/v2/notifications/{group_key}", user("read:notifications"), filtered(filter.Notifications, false, s.getNotificationGroup))
	s.handle("GET", "/api/v2/notifications/{group_key}/accounts", user("read:notifications"), s.notificationGroupAccounts)
	s.handle("POST", "/api/v2/notifications/{group_key}/dismiss", user("write:notifications"), s.dismissNotificationGroup)
	s.routeStreaming()
	s.routeWebApp()
}

func muteThread(st *status.Service, on bool) func(ctx context.Context, viewer, id shard.ID) (*status.Status, error) {
	return func(ctx context.Context, viewer, id shard.ID) (*status.Status, error) {
		return st.MuteThread(ctx, viewer, id, on)
	}
}
