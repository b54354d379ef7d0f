// /web/settings/:section: the profile, filters, and muted and blocked accounts. This
// module and those it imports are loaded when a settings page first opens, which
// keeps them out of the script every page loads.
import { NavLink, Navigate, useParams } from "react-router";
import { FilterSettings } from "./FilterSettings";
import { ProfileSettings } from "./ProfileSettings";
import { BlockedAccounts, MutedAccounts } from "./RelationLists";

const sections = {
  profile: { title: "Profile", page: ProfileSettings },
  filters: { title: "Filters", page: FilterSettings },
  mutes: { title: "Muted accounts", page: MutedAccounts },
  blocks: { title: "Blocked accounts", page: BlockedAccounts },
} as const;

type Section = keyof typeof sections;

export default function Settings() {
  const { section = "profile" } = useParams();
  if (!(section in sections)) return <Navigate to="/web/settings/profile" replace />;
  const Page = sections[section as Section].page;
  return (
    <section aria-label="Settings">
      <h1>Settings</h1>
      <nav className="tabs" aria-label="Settings">
        {(Object.keys(sections) as Section[]).map((s) => (
          <NavLink key={s} to={`/web/settings/${s}`}>
            {sections[s].title}
          </NavLink>
        ))}
      </nav>
      <Page />
    </section>
  );
}
