// The announcements and custom emoji pages, as steps of e2e.mjs run after the admin
// steps (admin.mjs), by the same moderator. Announcements: one is written as an
// all-day event and kept unpublished (people do not see it), published (they do),
// edited, withdrawn (gone again) and removed, each checked on the server. Custom emoji:
// a picture too large is refused in the page, a file that is no picture by the server
// (its message shows), a PNG is uploaded into a category and is in the public list,
// hidden from the picker and disabled (out of it), enabled, moved to another category
// and removed. axe-core checks both pages.
import { readFileSync } from "node:fs";
import { accessible } from "./axe.mjs";

/** Console errors for the answers a step expects to be refused; any other fails it. */
function onlyRefusals(problems, expect, status) {
  const rest = problems.filter((p) => !p.includes(`status of ${status}`));
  expect(rest.length === 0, rest.join("\n"));
  problems.length = 0;
}

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export async function contentSteps({ page, people, nonce, shots, step, must, until, expect, noProblems, problems, token }) {
  const tabs = page.getByRole("navigation", { name: "Moderation" });
  const reader = people.dee.token;
  const seen = async (text) => (await must("GET", "/api/v1/announcements", reader)).some((a) => a.content.includes(text));
  const held = async (text) => (await must("GET", "/api/v1/admin/announcements", token)).find((a) => a.text.startsWith(text));

  const text = `Maintenance ${nonce}`;
  await step("an announcement is written as an all-day event unpublished, published, edited, withdrawn and removed", async () => {
    await tabs.getByRole("link", { name: "Announcements" }).click();
    await page.waitForURL((u) => u.pathname === "/web/moderation/announcements");
    const form = page.getByRole("form", { name: "Write an announcement" });
    await form.getByRole("textbox", { name: "Text" }).fill(text);
    await form.getByRole("checkbox", { name: "All day" }).check();
    await form.getByLabel("Starts (optional)").fill(day(0));
    await form.getByLabel("Ends (optional)").fill(day(2));
    await form.getByRole("checkbox", { name: /^Publish now/ }).uncheck();
    await form.getByRole("button", { name: "Add announcement" }).click();
    const list = page.getByRole("list", { name: "Announcements" });
    const item = list.locator("li", { hasText: text });
    await item.getByText("Not published", { exact: true }).waitFor();
    await item.getByText(/, all day$/).waitFor();
    const made = await held(text);
    expect(made && !made.published && made.all_day && made.starts_at && made.ends_at, `the server has ${JSON.stringify(made)}`);
    expect(!(await seen(text)), "an unpublished announcement is shown to people");

    const mine = list.locator(`li[data-announcement="${made.id}"]`);
    await mine.getByRole("button", { name: "Publish" }).click();
    await mine.getByText("Published", { exact: true }).waitFor();
    await until("people see the published announcement", () => seen(text));

    await mine.getByRole("button", { name: `Edit the announcement ${text}` }).click();
    const edit = page.getByRole("form", { name: `Edit the announcement ${text}` });
    await edit.getByRole("textbox", { name: "Text" }).fill(`${text}, moved`);
    await edit.getByRole("button", { name: "Save announcement" }).click();
    await mine.getByText(`${text}, moved`, { exact: true }).waitFor();
    expect((await held(text))?.text === `${text}, moved`, "the edit is not on the server");
    await page.screenshot({ path: shots + "admin-announcements.png" });
    await accessible(page, "admin-announcements", shots);

    await mine.getByRole("button", { name: "Withdraw" }).click();
    await mine.getByText("Not published", { exact: true }).waitFor();
    await until("people no longer see the withdrawn announcement", async () => !(await seen(text)));

    await mine.getByRole("button", { name: `Remove the announcement ${text}, moved` }).click();
    await mine.getByRole("group", { name: `Confirm removing ${text}, moved` }).getByRole("button", { name: "Yes, remove it" }).click();
    await mine.waitFor({ state: "detached" });
    expect(!(await held(text)), "the announcement is still on the server");
    noProblems();
  });

  const code = `herd_${nonce}`;
  const name = `:${code}:`;
  const listed = async () => (await must("GET", "/api/v1/custom_emojis", null)).find((e) => e.shortcode === code);
  const emojiOf = async () => (await must("GET", "/api/v1/admin/custom_emojis?local=true&limit=200", token)).find((e) => e.shortcode === code);
  await step("a custom emoji: too large and not a picture are refused, a PNG is uploaded, hidden, disabled, enabled, moved and removed", async () => {
    await tabs.getByRole("link", { name: "Custom emoji" }).click();
    await page.waitForURL((u) => u.pathname === "/web/moderation/custom_emojis");
    const form = page.getByRole("form", { name: "Upload a custom emoji" });
    const upload = form.getByRole("button", { name: "Upload" });
    await form.getByRole("textbox", { name: "Shortcode" }).fill(code);
    await form.getByRole("textbox", { name: "Category" }).fill(`Tests ${nonce}`);
    const picture = form.getByLabel("Picture");
    await picture.setInputFiles({ name: "big.png", mimeType: "image/png", buffer: Buffer.alloc(256 * 1024) });
    await form.getByText("The picture must be less than 256 KB.").waitFor();
    expect(await upload.isDisabled(), "a picture of 256 KB may be sent");
    await picture.setInputFiles({ name: "fake.png", mimeType: "image/png", buffer: Buffer.from("no picture at all") });
    await upload.click();
    await form.getByRole("alert").getByText("The custom emoji was not uploaded: Validation failed: Image content type is invalid").waitFor();
    onlyRefusals(problems, expect, 422);
    expect(!(await emojiOf()), "a refused emoji is on the server");

    const png = readFileSync(new URL("../../mediaproc/testdata/alpha.png", import.meta.url));
    await picture.setInputFiles({ name: "alpha.png", mimeType: "image/png", buffer: png });
    await upload.click();
    const item = page.getByRole("list", { name: `Custom emoji: Tests ${nonce}` }).locator(`li[data-emoji="${code}"]`);
    await item.getByRole("img", { name }).waitFor();
    await until("the emoji is in the public list", listed);
    await page.screenshot({ path: shots + "admin-custom-emoji.png" });
    await accessible(page, "admin-custom-emoji", shots);

    await item.getByRole("button", { name: `Hide from picker: ${name}` }).click();
    await item.getByText("Hidden from the picker").waitFor();
    expect((await emojiOf())?.visible_in_picker === false && !(await listed()), "a hidden emoji is in the picker");
    await item.getByRole("button", { name: `Show in picker: ${name}` }).click();
    await item.getByRole("button", { name: `Disable ${name}` }).click();
    await item.getByRole("button", { name: `Enable ${name}` }).waitFor();
    expect((await emojiOf())?.disabled === true && !(await listed()), "a disabled emoji is in the public list");
    await item.getByRole("button", { name: `Enable ${name}` }).click();
    await item.getByRole("button", { name: `Disable ${name}` }).waitFor();
    await until("the enabled emoji is in the public list again", listed);

    const moveForm = item.getByRole("form", { name: `Category of ${name}` });
    await moveForm.getByRole("textbox", { name: "Category" }).fill(`Moved ${nonce}`);
    await moveForm.getByRole("button", { name: "Move" }).click();
    const moved = page.getByRole("list", { name: `Custom emoji: Moved ${nonce}` }).locator(`li[data-emoji="${code}"]`);
    await moved.waitFor();
    expect((await emojiOf())?.category === `Moved ${nonce}`, "the category did not change on the server");

    await moved.getByRole("button", { name: `Remove ${name}` }).click();
    await moved.getByRole("group", { name: `Confirm removing ${name}` }).getByRole("button", { name: "Yes, remove it" }).click();
    await moved.waitFor({ state: "detached" });
    expect(!(await emojiOf()) && !(await listed()), "the removed emoji is still on the server");
    noProblems();
  });
}
