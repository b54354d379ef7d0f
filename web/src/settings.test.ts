import { describe, expect, it } from "vitest";
import { credentialsForm, profileDraft } from "./credentials";
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

describe("mutes", () => {
  it("say how long they last", () => {
    const now = Date.parse("2026-12-07T00:00:00.000Z");
    expect(muteLeft("2026-12-07T00:30:00.000Z", now)).toBe("30 more minutes");
    expect(muteLeft("2026-12-07T06:00:00.000Z", now)).toBe("6 more hours");
    expect(muteLeft("2026-12-10T00:00:00.000Z", now)).toBe("3 more days");
  });
});
