// The announcements and custom emoji pages, as steps of e2e.mjs run after the admin
// steps (admin.mjs), by the same moderator. Announcements: one is written as an
// all-day event and kept unpublished (people do not see it), published (they do),
// edited, withdrawn (gone again) and removed, each checked on the server. Custom emoji:
// a picture too large is refused in the page, a file that is no picture by the server
// (its message shows), a PNG is uploaded into a category and is in the public list,
// hidden from the picker and disabled (out of it), enabled, moved to another category
// and removed. A second announcement is scheduled an hour ahead (people do not see it,
// the list says from when), then given a time already past (published at once). With
// `herd admin` at hand (HERD_ADMIN_COMMAND), 201 emoji are added from the shell and the
// page shows 200 of them, then the last on asking for more. axe-core checks both pages.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { accessible } from "./axe.mjs";

/** Console errors for the answers a step expects to be refused; any other fails it. */
function onlyRefusals(problems, expect, status) {
  const rest = problems.filter((p) => !p.includes(`status of ${status}`));
  expect(rest.length === 0, rest.join("\n"));
  problems.length = 0;
}

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export async function contentSteps({ page, people, nonce, shots, step, must, until, expect, noProblems, problems, token, command }) {
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

  const later = `Upgrade ${nonce}`;
  await step("an announcement is scheduled an hour ahead (people do not see it yet), then for a time past (published at once)", async () => {
    const form = page.getByRole("form", { name: "Write an announcement" });
    await form.getByRole("textbox", { name: "Text" }).fill(later);
    const hour = localTime(Date.now() + 3_600_000);
    await form.getByLabel("Publish at (optional)").fill(hour);
    expect((await form.getByRole("checkbox", { name: /^Publish now/ }).count()) === 0, "a scheduled announcement offers to publish now");
    await form.getByRole("button", { name: "Add announcement" }).click();
    const list = page.getByRole("list", { name: "Announcements" });
    const item = list.locator("li", { hasText: later });
    await item.getByText("Scheduled", { exact: true }).waitFor();
    await item.getByText(/^published from /).waitFor();
    const made = await held(later);
    expect(made && !made.published && made.scheduled_at && new Date(made.scheduled_at).getTime() === new Date(hour).getTime(),
      `the server has ${JSON.stringify(made)} for ${hour}`);
    expect(!(await seen(later)), "people see an announcement scheduled an hour ahead");
    await page.screenshot({ path: shots + "admin-announcements-scheduled.png" });

    const mine = list.locator(`li[data-announcement="${made.id}"]`);
    await mine.getByRole("button", { name: `Edit the announcement ${later}` }).click();
    const edit = page.getByRole("form", { name: `Edit the announcement ${later}` });
    const field = edit.getByLabel(/^Publish at/);
    expect((await field.inputValue()) === hour, `the edit form shows ${await field.inputValue()}, not ${hour}`);
    await field.fill(localTime(Date.now() - 120_000));
    await edit.getByRole("button", { name: "Save announcement" }).click();
    await mine.getByText("Published", { exact: true }).waitFor();
    await until("people see the announcement whose time has passed", () => seen(later));
    await mine.getByRole("button", { name: `Remove the announcement ${later}` }).click();
    await mine.getByRole("group", { name: `Confirm removing ${later}` }).getByRole("button", { name: "Yes, remove it" }).click();
    await mine.waitFor({ state: "detached" });
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

  if (!command) {
    console.log("skip the paging of custom emoji: no HERD_ADMIN_COMMAND to add 201 of them (run.sh sets it)");
    return;
  }
  await step("the custom emoji page shows 200 emoji, and the 201st on asking for more", async () => {
    const category = `Paged ${nonce}`;
    const picture = fileURLToPath(new URL("../../mediaproc/testdata/alpha.png", import.meta.url));
    const codes = Array.from({ length: 201 }, (_, i) => `pg${nonce}_${String(i).padStart(3, "0")}`);
    await herdAdminAll(command, codes.map((c) => ["emoji", "add", "--category", category, c, picture]));
    const list = page.getByRole("list", { name: `Custom emoji: ${category}` });
    await page.getByRole("searchbox", { name: "Find by shortcode" }).fill(`pg${nonce}_`);
    await list.locator(`li[data-emoji="${codes[199]}"]`).waitFor();
    const shown = await list.locator("li").count();
    expect(shown === 200, `the first page shows ${shown} emoji`);
    await page.getByRole("button", { name: "More custom emoji (200 shown)" }).click();
    await list.locator(`li[data-emoji="${codes[200]}"]`).waitFor();
    expect((await list.locator("li").count()) === 201, "the next page did not add the last emoji");
    expect((await page.getByRole("button", { name: /^More custom emoji/ }).count()) === 0, "more is offered after the last page");
    await herdAdminAll(command, codes.map((c) => ["emoji", "remove", c]));
    noProblems();
  });
}

/** An instant as a datetime-local field takes it, in the browser's (and this process's) time. */
function localTime(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Runs `herd admin` once for each argument list, a few at a time (each is a process of its own). */
async function herdAdminAll(command, argLists, width = 8) {
  const [bin, ...flags] = command;
  const run = promisify(execFile);
  let next = 0;
  const worker = async () => {
    while (next < argLists.length) {
      const args = argLists[next++];
      await run(bin, ["admin", args[0], args[1], ...flags, ...args.slice(2)]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}
