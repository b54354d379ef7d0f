// /web/tags/:name: a hashtag's timeline, live through the hashtag's stream (the Shell
// subscribes to it from the address), with a button to follow or unfollow the tag.
import { useParams } from "react-router";
import { tagKind } from "../api";
import { useT } from "../i18n";
import { useFollowTagMutation, useTagQuery } from "../tags";
import { Timeline } from "./Timeline";

export function TagPage() {
  const { name = "" } = useParams();
  const kind = tagKind(name);
  return (
    <>
      <div className="page-head">
        <h1>#{name}</h1>
        <FollowTag name={name} />
      </div>
      <Timeline key={kind} kind={kind} />
    </>
  );
}

function FollowTag({ name }: { name: string }) {
  // A tag no post has used yet is not found: there is nothing to follow until then.
  const { data: tag } = useTagQuery(name);
  const [follow, { isLoading, isError }] = useFollowTagMutation();
  const t = useT();
  if (tag?.following === undefined) return null;
  return (
    <div className="follow">
      {isError ? <span className="error">{t("tag.notSaved")} </span> : null}
      <button
        type="button"
        className={tag.following ? undefined : "primary"}
        disabled={isLoading}
        onClick={() => void follow({ name, follow: !tag.following })}
      >
        {tag.following ? t("tag.unfollow") : t("tag.follow")}
      </button>
    </div>
  );
}
