// /web/bookmarks and /web/favourites: the posts the signed-in user saved, newest saved
// first, page by page. Read again each time the page opens, as a post may have been
// saved or unsaved elsewhere since.
import { useSavedInfiniteQuery, type SavedKind } from "../saved";
import { StatusItem } from "./StatusItem";

export const savedTitles: Record<SavedKind, string> = { bookmarks: "Bookmarks", favourites: "Favourites" };

export function SavedPage({ kind }: { kind: SavedKind }) {
  const { data, error, isLoading, hasNextPage, fetchNextPage, isFetchingNextPage } = useSavedInfiniteQuery(kind, {
    refetchOnMountOrArgChange: true,
  });
  const statuses = data?.pages.flatMap((p) => p.statuses) ?? [];
  let body;
  if (isLoading) body = <p className="muted">Loading…</p>;
  else if (error) body = <p className="error">The posts could not be loaded.</p>;
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
            {isFetchingNextPage ? "Loading…" : "Load older posts"}
          </button>
        ) : (
          <p className="muted">{statuses.length > 0 ? "That is all." : "Nothing here yet."}</p>
        )}
      </>
    );
  }
  return (
    <section aria-label={savedTitles[kind]}>
      <h1>{savedTitles[kind]}</h1>
      {body}
    </section>
  );
}
