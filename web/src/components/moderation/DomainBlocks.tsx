// /web/moderation/domain_blocks: the domains the server limits or refuses, newest
// first, each removed after a confirmation; and the form that adds one (severity,
// rejecting media or reports, a public and a private comment).
import { useState, type FormEvent } from "react";
import { useDraft } from "./useDraft";
import {
  adminErrorText,
  domainBlockReady,
  newDomainBlock,
  severityLabels,
  useBlockDomainMutation,
  useDomainBlocksInfiniteQuery,
  useUnblockDomainMutation,
  type DomainBlockDraft,
} from "../../admin";
import type { AdminDomainBlock, DomainBlockSeverity } from "../../entities";
import { formatDate, useT } from "../../i18n";

export function DomainBlocks() {
  const t = useT();
  const q = useDomainBlocksInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const blocks = q.data?.pages.flatMap((p) => p.items) ?? [];
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("domainBlocks.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (blocks.length === 0) body = <p className="muted">{t("domainBlocks.none")}</p>;
  else {
    body = (
      <ul className="domain-blocks" aria-label={t("domainBlocks.blocked")}>
        {blocks.map((b) => (
          <BlockItem key={b.id} block={b} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("moderation.domainBlocks")}>
      <BlockForm />
      <h2>{t("domainBlocks.blocked")}</h2>
      {body}
      {q.hasNextPage && blocks.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? t("common.loading") : t("relationLists.more")}
        </button>
      ) : null}
    </section>
  );
}

function BlockItem({ block: b }: { block: AdminDomainBlock }) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const [remove, { isLoading, error }] = useUnblockDomainMutation();
  const extras = [b.reject_media ? t("domainBlocks.mediaRejected") : "", b.reject_reports ? t("domainBlocks.reportsRejected") : ""].filter(Boolean);
  return (
    <li className="domain-block" data-domain={b.domain}>
      <strong>{b.domain}</strong>
      <span className="muted">
        {t(severityLabels[b.severity])}
        {extras.length > 0 ? ` · ${extras.join(", ")}` : ""} · {t("moderation.since", { when: formatDate(b.created_at) })}
      </span>
      {b.public_comment ? <span>{t("domainBlocks.public", { text: b.public_comment })}</span> : null}
      {b.private_comment ? <span className="muted">{t("domainBlocks.private", { text: b.private_comment })}</span> : null}
      <span className="spacer" />
      {confirming ? (
        <span role="group" aria-label={t("moderation.confirmRemoving", { name: b.domain })}>
          {t("domainBlocks.liftQuestion", { domain: b.domain })}{" "}
          <button type="button" className="danger" disabled={isLoading} onClick={() => void remove(b.id)}>
            {t("domainBlocks.liftYes")}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t("common.cancel")}
          </button>
        </span>
      ) : (
        <button type="button" aria-label={t("domainBlocks.remove", { domain: b.domain })} onClick={() => setConfirming(true)}>
          {t("compose.remove")}
        </button>
      )}
      {error ? (
        <span className="error" role="alert">
          {t("moderation.notRemovedReason", { reason: adminErrorText(error) })}
        </span>
      ) : null}
    </li>
  );
}

function BlockForm() {
  const [block, { isLoading, error, reset }] = useBlockDomainMutation();
  const [d, change, setD] = useDraft<DomainBlockDraft>(newDomainBlock, reset);
  const t = useT();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!domainBlockReady(d)) return;
    const out = await block(d);
    if ("data" in out) setD(newDomainBlock());
  };
  return (
    <form className="settings-form" aria-label={t("domainBlocks.blockADomain")} onSubmit={(e) => void submit(e)}>
      <h2>{t("domainBlocks.blockADomain")}</h2>
      <label>
        {t("domainBlocks.domain")}
        <input type="text" value={d.domain} placeholder="example.com" onChange={(e) => change({ domain: e.target.value })} />
      </label>
      <label>
        {t("domainBlocks.severity")}
        <select value={d.severity} onChange={(e) => change({ severity: e.target.value as DomainBlockSeverity })}>
          {(Object.keys(severityLabels) as DomainBlockSeverity[]).map((s) => (
            <option key={s} value={s}>
              {t(severityLabels[s])}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={d.rejectMedia} onChange={(e) => change({ rejectMedia: e.target.checked })} /> {t("domainBlocks.rejectMedia")}
      </label>
      <label>
        <input type="checkbox" checked={d.rejectReports} onChange={(e) => change({ rejectReports: e.target.checked })} /> {t("domainBlocks.rejectReports")}
      </label>
      <label>
        {t("domainBlocks.publicComment")}
        <input type="text" value={d.publicComment} onChange={(e) => change({ publicComment: e.target.value })} />
      </label>
      <label>
        {t("domainBlocks.privateComment")}
        <input type="text" value={d.privateComment} onChange={(e) => change({ privateComment: e.target.value })} />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !domainBlockReady(d)}>
          {isLoading ? t("domainBlocks.blocking") : t("domainBlocks.blockDomain")}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {t("domainBlocks.notBlocked", { reason: adminErrorText(error) })}
        </p>
      ) : null}
    </form>
  );
}
