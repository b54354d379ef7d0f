import { describe, expect, it } from "vitest";
import { credentialsForm, languageName, postingDefaults, postingForm, postingLanguages, profileDraft } from "./credentials";
import type { CredentialAccount } from "./entities";
import { account } from "./fixtures";
import { muteLeft } from "./relations";

describe("profile settings", () => {
  const me: CredentialAccount = {
    ...account("1", "ada"),
    display_name: "Ada",
    locked: true,
    discoverable: true,
    note: "<p>rendered</p>",
    source: { note: "as written", fields: [{ name: "Pronouns", value: "she/her" }] },
  };

  it("start from what the account wrote, with four fields", () => {
    const d = profileDraft(me);
    expect([d.displayName, d.note, d.locked, d.discoverable]).toEqual(["Ada", "as written", true, true]);
    expect(d.fields).toEqual([
      { name: "Pronouns", value: "she/her" },
      { name: "", value: "" },
      { name: "", value: "" },
      { name: "", value: "" },
    ]);
  });

  it("send every field, the pictures only when picked", () => {
    const d = profileDraft(me);
    d.locked = false;
    let form = credentialsForm(d);
    expect(form.get("note")).toBe("as written");
    expect(form.get("fields_attributes[0][name]")).toBe("Pronouns");
    expect(form.get("fields_attributes[3][value]")).toBe("");
    expect([form.get("locked"), form.get("discoverable")]).toEqual(["false", "true"]);
    expect(form.has("avatar") || form.has("header")).toBe(false);
    d.avatar = new File([new Uint8Array([1])], "me.png", { type: "image/png" });
    form = credentialsForm(d);
    expect((form.get("avatar") as File).name).toBe("me.png");
  });
});

describe("posting defaults", () => {
  it("start from the account's source: public, no language and media not sensitive unless it says otherwise", () => {
    expect(postingDefaults(undefined)).toEqual({ privacy: "public", language: "", sensitive: false });
    const me: CredentialAccount = { ...account("1", "ada"), source: { note: "", fields: [], privacy: "unlisted", language: "de", sensitive: true } };
    expect(postingDefaults(me)).toEqual({ privacy: "unlisted", language: "de", sensitive: true });
  });

  it("are sent as the source part of update_credentials alone (an empty language clears it)", () => {
    const form = postingForm({ privacy: "private", language: "", sensitive: true });
    expect([...form.keys()].sort()).toEqual(["source[language]", "source[privacy]", "source[sensitive]"]);
    expect([form.get("source[privacy]"), form.get("source[language]"), form.get("source[sensitive]")]).toEqual(["private", "", "true"]);
  });

  it("offer the common languages, and the account's own when it is another, named in the app's language", () => {
    expect(postingLanguages()).toContain("fr");
    expect(postingLanguages("fr")).toEqual(postingLanguages());
    expect(postingLanguages("kab").at(-1)).toBe("kab");
    expect(languageName("de", "en")).toBe("German");
    expect(languageName("de", "fr")).toBe("allemand");
  });
});

describe("mutes", () => {
  it("say how long they last", () => {
    const now = Date.parse("2026-12-07T00:00:00.000Z");
    expect(muteLeft("2026-12-07T00:30:00.000Z", now)).toBe("30 more minutes");
    expect(muteLeft("2026-12-07T06:00:00.000Z", now)).toBe("6 more hours");
    expect(muteLeft("2026-12-10T00:00:00.000Z", now)).toBe("3 more days");
  });
});
