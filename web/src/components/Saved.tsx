// /web/bookmarks and /web/favourites: the posts the signed-in user saved, newest saved
// first, page by page. Read again each time the page opens, as a post may have been
// saved or unsaved elsewhere since.
import { useT, type MessageKey } from "../i18n";
import { useSavedInfiniteQuery, type SavedKind } from "../saved";
import { StatusItem } from "./StatusItem";

const savedTitles: Record<SavedKind, MessageKey> = { bookmarks: "shell.bookmarks", favourites: "shell.favourites" };

export function SavedPage({ kind }: { kind: SavedKind }) {
  const { data, error, isLoading, hasNextPage, fetchNextPage, isFetchingNextPage } = useSavedInfiniteQuery(kind, {
    refetchOnMountOrArgChange: true,
  });
  const t = useT();
  const statuses = data?.pages.flatMap((p) => p.statuses) ?? [];
  let body;
  if (isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (error) body = <p className="error">{t("profile.postsFailed")}</p>;
  else {
    body = (
      <>
        {statuses.length > 0 ? (
          <ol className="timeline">
            {statuses.map((s) => (
              <StatusItem key={s.id} status={s} />
            ))}
          </ol>
        ) : null}
        {hasNextPage ? (
          <button type="button" className="older" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? t("common.loading") : t("timeline.older")}
          </button>
        ) : (
          <p className="muted">{statuses.length > 0 ? t("timeline.end") : t("timeline.empty")}</p>
        )}
      </>
    );
  }
  return (
    <section aria-label={t(savedTitles[kind])}>
      <h1>{t(savedTitles[kind])}</h1>
      {body}
    </section>
  );
}
