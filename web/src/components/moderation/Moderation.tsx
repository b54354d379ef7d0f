// /web/moderation/:section(/:id): reports, accounts, domain blocks and allows, relays,
// server and content rules, announcements, custom emoji, webhooks and the dashboard, as far as the signed-in user's
// role allows (the tabs it shows; the server refuses the rest). Like the settings, this
// module and those it imports are a chunk loaded on first use.
import { NavLink, Navigate, useParams } from "react-router";
import { moderationPath, permissionsOf, sectionTitles, sectionsFor, type Section } from "../../admin";
import { useMeQuery } from "../../api";
import { useT } from "../../i18n";
import { AccountPage, AccountsPage } from "./Accounts";
import { Announcements } from "./Announcements";
import { CustomEmojis } from "./CustomEmojis";
import { Dashboard } from "./Dashboard";
import { DomainAllows } from "./DomainAllows";
import { DomainBlocks } from "./DomainBlocks";
import { Relays } from "./Relays";
import { ReportPage, ReportsPage } from "./Reports";
import { Rules } from "./Rules";
import { Webhooks } from "./Webhooks";

export default function Moderation() {
  const t = useT();
  const { section, id } = useParams();
  const { data: me, isLoading } = useMeQuery();
  if (isLoading || !me) return <p className="muted">{t("common.loading")}</p>;
  const allowed = sectionsFor(permissionsOf(me));
  if (allowed.length === 0) {
    return (
      <section aria-label={t("shell.moderation")}>
        <h1>{t("shell.moderation")}</h1>
        <p className="error">{t("moderation.notAllowed")}</p>
      </section>
    );
  }
  const first = allowed[0] as Section;
  if (!section || !(allowed as string[]).includes(section)) return <Navigate to={moderationPath(first)} replace />;
  let page;
  if (section === "reports") page = id ? <ReportPage key={id} id={id} /> : <ReportsPage />;
  else if (section === "accounts") page = id ? <AccountPage key={id} id={id} /> : <AccountsPage />;
  else if (section === "domain_blocks") page = <DomainBlocks />;
  else if (section === "domain_allows") page = <DomainAllows />;
  else if (section === "relays") page = <Relays />;
  else if (section === "rules") page = <Rules />;
  else if (section === "announcements") page = <Announcements />;
  else if (section === "custom_emojis") page = <CustomEmojis />;
  else if (section === "webhooks") page = <Webhooks />;
  else page = <Dashboard />;
  return (
    <section aria-label={t("shell.moderation")}>
      <h1>{t("shell.moderation")}</h1>
      <nav className="tabs" aria-label={t("shell.moderation")}>
        {allowed.map((s) => (
          <NavLink key={s} to={moderationPath(s)}>
            {t(sectionTitles[s])}
          </NavLink>
        ))}
      </nav>
      {page}
    </section>
  );
}
