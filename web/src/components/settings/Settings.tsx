// /web/settings/:section: the profile, filters, muted and blocked accounts, this
// browser's preferences (language, theme), and moving the account. This module and
// those it imports are loaded when a settings page first opens, which keeps them out
// of the script every page loads.
import { NavLink, Navigate, useParams } from "react-router";
import { useT } from "../../i18n";
import { FilterSettings } from "./FilterSettings";
import { MigrationSettings } from "./MigrationSettings";
import { Preferences } from "./Preferences";
import { ProfileSettings } from "./ProfileSettings";
import { BlockedAccounts, MutedAccounts } from "./RelationLists";

const sections = {
  profile: { title: "settings.profile", page: ProfileSettings },
  filters: { title: "settings.filters", page: FilterSettings },
  mutes: { title: "settings.mutes", page: MutedAccounts },
  blocks: { title: "settings.blocks", page: BlockedAccounts },
  preferences: { title: "settings.preferences", page: Preferences },
  migration: { title: "settings.migration", page: MigrationSettings },
} as const;

type Section = keyof typeof sections;

export default function Settings() {
  const t = useT();
  const { section = "profile" } = useParams();
  if (!(section in sections)) return <Navigate to="/web/settings/profile" replace />;
  const Page = sections[section as Section].page;
  return (
    <section aria-label={t("settings.title")}>
      <h1>{t("settings.title")}</h1>
      <nav className="tabs" aria-label={t("settings.title")}>
        {(Object.keys(sections) as Section[]).map((s) => (
          <NavLink key={s} to={`/web/settings/${s}`}>
            {t(sections[s].title)}
          </NavLink>
        ))}
      </nav>
      <Page />
    </section>
  );
}
