// /web/moderation/domain_allows: the domains that may federate when the server is in
// limited-federation mode (the page says whether it is), newest first; one is added
// (typed or pasted) and removed after a confirmation.
import { useState, type FormEvent } from "react";
import { adminErrorText, cleanDomain, domainReady } from "../../admin";
import { useInstanceQuery } from "../../api";
import { formatDate, useT } from "../../i18n";
import { useAllowDomainMutation, useDisallowDomainMutation, useDomainAllowsInfiniteQuery, type AdminDomainAllow } from "../../serverAdmin";
import { Confirm } from "./Confirm";

export function DomainAllows() {
  const t = useT();
  const q = useDomainAllowsInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const limited = useInstanceQuery().data?.configuration.limited_federation;
  const allows = q.data?.pages.flatMap((p) => p.items) ?? [];
  let body;
  if (q.isLoading) body = <p className="muted">{t("common.loading")}</p>;
  else if (q.error) body = <p className="error">{t("domainAllows.failed", { reason: adminErrorText(q.error) })}</p>;
  else if (allows.length === 0) body = <p className="muted">{t("domainAllows.none")}</p>;
  else {
    body = (
      <ul className="admin-items" aria-label={t("domainAllows.allowed")}>
        {allows.map((a) => (
          <AllowItem key={a.id} allow={a} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label={t("moderation.domainAllows")}>
      <p className="muted">
        {limited ? t("domainAllows.limited") : t("domainAllows.open")}
      </p>
      <AllowForm />
      <h2>{t("domainAllows.allowed")}</h2>
      {body}
      {q.hasNextPage && allows.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? t("common.loading") : t("relationLists.more")}
        </button>
      ) : null}
    </section>
  );
}

export function AllowItem({ allow: a }: { allow: AdminDomainAllow }) {
  const [remove, { isLoading, error }] = useDisallowDomainMutation();
  const t = useT();
  return (
    <li className="admin-item" data-domain={a.domain}>
      <strong className="admin-item-main">{a.domain}</strong>
      <span className="muted">{t("moderation.since", { when: formatDate(a.created_at) })}</span>
      <Confirm
        label={t("domainAllows.remove", { domain: a.domain })}
        group={t("moderation.confirmRemoving", { name: a.domain })}
        question={t("domainAllows.question", { domain: a.domain })}
        yes={t("moderation.yesRemove")}
        busy={isLoading}
        error={error}
        failed={t("moderation.notRemoved")}
        onConfirm={() => void remove(a.id)}
      />
    </li>
  );
}

function AllowForm() {
  const [domain, setDomain] = useState("");
  const [allow, { isLoading, error, reset }] = useAllowDomainMutation();
  const t = useT();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!domainReady(domain)) return;
    const out = await allow(cleanDomain(domain));
    if (out.data) setDomain("");
  };
  return (
    <form className="row-form" aria-label={t("domainAllows.allowADomain")} onSubmit={(e) => void submit(e)}>
      <input
        type="text"
        aria-label={t("domainAllows.domainToAllow")}
        placeholder="example.com"
        value={domain}
        onChange={(e) => {
          reset();
          setDomain(e.target.value);
        }}
      />
      <button type="submit" className="primary" disabled={isLoading || !domainReady(domain)}>
        {t("domainAllows.allowDomain")}
      </button>
      {error ? (
        <span className="error" role="alert">
          {t("domainAllows.notAllowed", { reason: adminErrorText(error) })}
        </span>
      ) : null}
    </form>
  );
}
