// /web/conversations: direct messages. A box writes a new one (visible only to those
// it mentions); the conversations follow, newest first, live through the "direct"
// stream, unread ones marked. Opening one marks it read and opens its thread, where
// it is answered; removing one hides it for the viewer until a new post comes.
import { useNavigate } from "react-router";
import { useInstanceQuery } from "../api";
import { participants, useConversationsQuery, useReadConversationMutation, useRemoveConversationMutation } from "../conversations";
import type { Conversation } from "../entities";
import { formatDateTime, useT } from "../i18n";
import { Compose } from "./Compose";
import { threadPath } from "./StatusItem";

export function ConversationsPage() {
  const { data: instance } = useInstanceQuery();
  const t = useT();
  const { data, error, isLoading, refetch } = useConversationsQuery(undefined, { refetchOnMountOrArgChange: true });
  let body;
  if (isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (error || !data) {
    body = (
      <p className="error" role="alert">
        {t("conversations.failed")}{" "}
        <button type="button" onClick={() => void refetch()}>
          {t("common.retry")}
        </button>
      </p>
    );
  } else if (data.length === 0) body = <p className="muted">{t("conversations.empty")}</p>;
  else {
    body = (
      <ol className="conversations" aria-label={t("conversations.label")}>
        {data.map((c) => (
          <ConversationItem key={c.id} c={c} />
        ))}
      </ol>
    );
  }
  return (
    <section aria-label={t("shell.directMessages")}>
      <h1>{t("shell.directMessages")}</h1>
      <Compose maxCharacters={instance?.configuration.statuses.max_characters ?? 500} direct />
      {body}
    </section>
  );
}

function ConversationItem({ c }: { c: Conversation }) {
  const navigate = useNavigate();
  const t = useT();
  const [read] = useReadConversationMutation();
  const [remove, { isLoading }] = useRemoveConversationMutation();
  const last = c.last_status;
  const open = () => {
    if (c.unread) void read(c.id);
    if (last) void navigate(threadPath(last.id));
  };
  return (
    <li className={c.unread ? "conversation unread" : "conversation"} data-id={c.id}>
      <div className="byline">
        {c.accounts.slice(0, 3).map((a) => (
          <img key={a.id} className="avatar" src={a.avatar} alt="" width={32} height={32} loading="lazy" />
        ))}
        <strong className="name">{participants(c)}</strong>
        {c.unread ? <span className="badge">{t("conversations.new")}</span> : null}
        {last ? (
          <time className="muted" dateTime={last.created_at}>
            {formatDateTime(last.created_at)}
          </time>
        ) : null}
      </div>
      {last ? (
        <div className="content">
          <span className="muted">{last.account.display_name || last.account.username}: </span>
          {last.spoiler_text ? <span>{last.spoiler_text}</span> : <span dangerouslySetInnerHTML={{ __html: last.content }} />}
        </div>
      ) : null}
      <div className="actions">
        <button type="button" onClick={open} disabled={!last}>
          {t("conversations.open")}
        </button>
        <button type="button" disabled={isLoading} onClick={() => void remove(c.id)}>
          {t("compose.remove")}
        </button>
      </div>
    </li>
  );
}
