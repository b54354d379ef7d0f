// A hashtag: whether the signed-in user follows it, and following or unfollowing it
// (a followed tag's public posts come into home), added to the one API. Its timeline
// is one of the timelines (api.ts, kind "tag:name").
import { api } from "./api";
import type { Tag } from "./entities";

export const tagsApi = api.injectEndpoints({
  endpoints: (build) => ({
    tag: build.query<Tag, string>({ query: (name) => `api/v1/tags/${encodeURIComponent(name)}` }),
    followTag: build.mutation<Tag, { name: string; follow: boolean }>({
      query: ({ name, follow }) => ({
        url: `api/v1/tags/${encodeURIComponent(name)}/${follow ? "follow" : "unfollow"}`,
        method: "POST",
      }),
      async onQueryStarted({ name }, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(tagsApi.util.upsertQueryData("tag", name, data));
      },
    }),
  }),
});

export const { useTagQuery, useFollowTagMutation } = tagsApi;
