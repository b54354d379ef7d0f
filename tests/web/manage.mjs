// Direct messages, editing and deleting, muting and blocking, filters and profile
// settings, as steps of e2e.mjs (which passes its page, people and helpers), run
// while ada is signed in: bob writes to ada directly and the conversation arrives
// live, unread; she opens it, answers from the conversations page, and removes it.
// She edits her post with an image (a warning added, the image kept) and her poll
// (the poll kept), reads the edit history, and deletes a post after confirming;
// bob's edit and deletion reach her page live. She mutes dee for an hour (not his
// notifications), finds and unmutes him in settings, blocks and unblocks him. She
// makes a filter that warns of a word: bob's post with it arrives collapsed under the
// filter's title until shown anyway; she edits the filter and deletes it. Last, she
// changes her profile (name, bio, a field, avatar, locked, discoverable).

// A 1×1 PNG.
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

import { accessible } from "./axe.mjs";

export async function manageSteps({ page, people, nonce, base, shots, step, must, until, expect, noProblems, form }) {
  const { ada, bob, dee } = people;
  const newPosts = () => page.getByRole("button", { name: /^\d+ new posts?$/ });

  await step("bob's direct message arrives live as an unread conversation; opening it reads it and shows its thread", async () => {
    await page.goto(`${base}/web/home`);
    await page.locator(".live.open").waitFor();
    await must("POST", "/api/v1/statuses", bob.token, { status: `@${ada.username} just between us ${nonce}`, visibility: "direct" });
    await page.getByRole("link", { name: "Direct messages 1 unread" }).click();
    await page.getByRole("heading", { name: "Direct messages" }).waitFor();
    const item = page.locator(".conversation.unread", { hasText: `just between us ${nonce}` });
    await item.waitFor();
    await page.screenshot({ path: shots + "conversations.png" });
    await item.getByRole("button", { name: "Open", exact: true }).click();
    await page.locator(".status.focused", { hasText: `just between us ${nonce}` }).waitFor();
    await until("the conversation is read on the server", async () => {
      const list = await must("GET", "/api/v1/conversations", ada.token);
      return list.length === 1 && list[0].unread === false;
    });
    await page.getByRole("link", { name: "Direct messages", exact: true }).waitFor();
    noProblems();
  });

  await step("a direct message written on the conversations page joins the conversation live; Remove hides it", async () => {
    await page.getByRole("link", { name: "Direct messages", exact: true }).click();
    const box = page.getByRole("form", { name: "New direct message" });
    expect((await box.getByRole("combobox", { name: "Visibility" }).inputValue()) === "direct", "the box is not set to direct");
    await box.getByRole("textbox", { name: "@someone your message" }).fill(`@${bob.username} my answer ${nonce}`);
    await box.getByRole("button", { name: "Send" }).click();
    const item = page.locator(".conversation", { hasText: `my answer ${nonce}` });
    await item.waitFor();
    const count = await page.locator(".conversation").count();
    expect(count === 1, `${count} conversations show, want 1`);
    const sent = (await must("GET", `/api/v1/accounts/${ada.id}/statuses`, ada.token)).find((s) => s.content.includes(`my answer ${nonce}`));
    expect(sent?.visibility === "direct", `the server has ${JSON.stringify(sent?.visibility)}`);
    await item.getByRole("button", { name: "Remove" }).click();
    await page.getByText("No direct messages yet.").waitFor();
    expect((await must("GET", "/api/v1/conversations", ada.token)).length === 0, "the conversation is still listed on the server");
    noProblems();
  });

  const pictured = `a picture from ada ${nonce}`;
  await step("editing her post with an image: its text as written, a warning added, the image kept; 'Edited' opens the history", async () => {
    await page.goto(`${base}/web/accounts/${ada.id}`);
    const item = page.locator(".status", { hasText: pictured });
    await item.getByRole("button", { name: "Edit", exact: true }).click();
    const box = page.getByRole("form", { name: "Edit post" });
    const text = box.getByRole("textbox", { name: "What's on your mind?" });
    expect((await text.inputValue()) === pictured, `the box starts with ${await text.inputValue()}`);
    await box.getByText(`a red dot on white ${nonce}`).waitFor();
    expect(await box.getByRole("combobox", { name: "Visibility" }).isDisabled(), "the visibility can change in an edit");
    await text.fill(`${pictured}, edited`);
    await box.getByRole("checkbox", { name: "Content warning" }).check();
    await box.getByRole("textbox", { name: "Content warning" }).fill(`picture warning ${nonce}`);
    await box.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("form", { name: "New post" }).waitFor();
    const edited = page.locator(".status", { hasText: `picture warning ${nonce}` });
    await edited.getByRole("button", { name: "Show more" }).click();
    await edited.getByText(`${pictured}, edited`).waitFor();
    // A warning makes the post sensitive: its image is hidden until shown.
    await edited.getByRole("button", { name: "Sensitive content: show" }).click();
    await edited.locator(`img[alt="a red dot on white ${nonce}"]`).waitFor();
    await edited.getByRole("button", { name: "Edited" }).click();
    const history = edited.getByRole("list", { name: "Edit history" });
    await history.locator("li").nth(1).waitFor();
    expect((await history.locator("li").count()) === 2, `the history has ${await history.locator("li").count()} versions`);
    await history.locator("li").last().getByText(pictured, { exact: true }).waitFor();
    await page.screenshot({ path: shots + "edit-history.png" });
    const id = await edited.getAttribute("data-id");
    const s = await must("GET", `/api/v1/statuses/${id}`, ada.token);
    expect(
      s.spoiler_text === `picture warning ${nonce}` && s.edited_at && s.media_attachments.length === 1 && s.media_attachments[0].description === `a red dot on white ${nonce}`,
      `the server has ${JSON.stringify({ cw: s.spoiler_text, edited: s.edited_at, media: s.media_attachments })}`,
    );
    noProblems();
  });

  await step("editing her poll's text keeps the poll and bob's vote in it", async () => {
    const item = page.locator(".status", { hasText: `tea or coffee ${nonce}` });
    await item.getByRole("button", { name: "Edit", exact: true }).click();
    const box = page.getByRole("form", { name: "Edit post" });
    await box.getByText("The poll (tea, coffee, water) is kept as it is.").waitFor();
    await box.getByRole("textbox", { name: "What's on your mind?" }).fill(`tea or coffee, or water ${nonce}`);
    await box.getByRole("button", { name: "Save", exact: true }).click();
    const edited = page.locator(".status", { hasText: `tea or coffee, or water ${nonce}` });
    await edited.getByRole("form", { name: "Poll" }).waitFor();
    const s = await must("GET", `/api/v1/statuses/${await edited.getAttribute("data-id")}`, ada.token);
    expect(s.poll?.options.map((o) => o.title).join() === "tea,coffee,water" && s.poll.votes_count === 1, `the server has ${JSON.stringify(s.poll)}`);
    noProblems();
  });

  await step("deleting her post asks first, then takes it off the page and the server", async () => {
    const doomed = await must("POST", "/api/v1/statuses", ada.token, { status: `ada's mistake ${nonce}`, visibility: "public" });
    await page.reload();
    const item = page.locator(".status", { hasText: `ada's mistake ${nonce}` });
    await item.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = item.getByRole("group", { name: "Confirm deletion" });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect((await must("GET", `/api/v1/statuses/${doomed.id}`, ada.token)).id === doomed.id, "cancelled, yet deleted");
    await item.getByRole("button", { name: "Delete", exact: true }).click();
    await confirm.getByRole("button", { name: "Yes, delete" }).click();
    await item.waitFor({ state: "detached" });
    await until("the server forgets the post", async () => {
      const res = await fetch(`${base}/api/v1/statuses/${doomed.id}`, { headers: { Authorization: `Bearer ${ada.token}` } });
      return res.status === 404;
    });
    noProblems();
  });

  await step("bob's edit reaches ada's home live, with its 'Edited' mark; his deletion takes his post off it", async () => {
    await page.goto(`${base}/web/home`);
    await page.locator(".live.open").waitFor();
    const post = await must("POST", "/api/v1/statuses", bob.token, { status: `bob's first words ${nonce}`, visibility: "public" });
    await newPosts().click();
    const item = page.locator(`.status[data-id="${post.id}"]`);
    await item.getByText(`bob's first words ${nonce}`).waitFor();
    await must("PUT", `/api/v1/statuses/${post.id}`, bob.token, { status: `bob's second thoughts ${nonce}` });
    await item.getByText(`bob's second thoughts ${nonce}`).waitFor();
    await item.getByRole("button", { name: "Edited" }).waitFor();
    await must("DELETE", `/api/v1/statuses/${post.id}`, bob.token);
    await item.waitFor({ state: "detached" });
    noProblems();
  });

  await step("muting dee for an hour, not his notifications, from his profile; settings list him and unmute him", async () => {
    await page.goto(`${base}/web/accounts/${dee.id}`);
    await page.getByRole("button", { name: "Mute", exact: true }).click();
    const ask = page.getByRole("form", { name: `Mute @${dee.username}` });
    await ask.getByRole("combobox", { name: "Mute duration" }).selectOption({ label: "1 hour" });
    await ask.getByRole("checkbox", { name: "Hide their notifications" }).uncheck();
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith(`/api/v1/accounts/${dee.id}/mute`)),
      ask.getByRole("button", { name: `Mute @${dee.username}` }).click(),
    ]);
    const sent = request.postDataJSON();
    expect(sent.duration === 3600 && sent.notifications === false, `the page asked for ${JSON.stringify(sent)}`);
    await page.getByRole("button", { name: "Unmute" }).waitFor();
    const rel = (await must("GET", `/api/v1/accounts/relationships?id[]=${dee.id}`, ada.token))[0];
    expect(rel.muting && !rel.muting_notifications, `ada's relationship to dee: ${JSON.stringify(rel)}`);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: "Muted accounts" }).click();
    const list = page.getByRole("list", { name: "Muted accounts" });
    await list.getByText(`@${dee.username}`).waitFor();
    await page.screenshot({ path: shots + "settings-mutes.png" });
    await list.getByRole("button", { name: `Unmute @${dee.username}` }).click();
    await page.getByText("You have not muted anyone.").waitFor();
    expect(!(await must("GET", `/api/v1/accounts/relationships?id[]=${dee.id}`, ada.token))[0].muting, "dee is still muted");
    noProblems();
  });

  await step("blocking dee asks first; the blocked list has him; Unblock on his profile ends it", async () => {
    await page.goto(`${base}/web/accounts/${dee.id}`);
    await page.getByRole("button", { name: "Block", exact: true }).click();
    await page.getByRole("group", { name: `Block @${dee.username}` }).getByRole("button", { name: `Block @${dee.username}` }).click();
    await page.getByRole("button", { name: "Unblock" }).waitFor();
    expect((await must("GET", `/api/v1/accounts/relationships?id[]=${dee.id}`, ada.token))[0].blocking, "dee is not blocked");
    await page.goto(`${base}/web/settings/blocks`);
    await page.getByRole("list", { name: "Blocked accounts" }).getByText(`@${dee.username}`).waitFor();
    await page.goto(`${base}/web/accounts/${dee.id}`);
    await page.getByRole("button", { name: "Unblock" }).click();
    await page.getByRole("button", { name: "Block", exact: true }).waitFor();
    expect(!(await must("GET", `/api/v1/accounts/relationships?id[]=${dee.id}`, ada.token))[0].blocking, "dee is still blocked");
    noProblems();
  });

  const word = `cabbage${nonce}`;
  await step("a filter made in settings (whole word, home, warn, a day) collapses bob's post under its title until shown anyway", async () => {
    await page.goto(`${base}/web/settings/filters`);
    await page.getByRole("button", { name: "New filter" }).click();
    const f = page.getByRole("form", { name: "New filter" });
    await f.getByRole("textbox", { name: "Title" }).fill(`Brassicas ${nonce}`);
    await f.getByRole("textbox", { name: "Keyword 1" }).fill(word);
    await f.getByRole("checkbox", { name: "Public timelines" }).uncheck();
    await f.getByRole("combobox", { name: "Expires" }).selectOption({ label: "1 day" });
    await page.screenshot({ path: shots + "settings-filter.png" });
    await f.getByRole("button", { name: "Save filter" }).click();
    await page.getByRole("list", { name: "Filters" }).getByText(`Brassicas ${nonce}`).waitFor();
    const filters = await must("GET", "/api/v2/filters", ada.token);
    const made = filters.find((x) => x.title === `Brassicas ${nonce}`);
    const hours = made?.expires_at ? (Date.parse(made.expires_at) - Date.now()) / 3600000 : 0;
    expect(
      made && made.context.join() === "home" && made.filter_action === "warn" && made.keywords.length === 1 && made.keywords[0].whole_word && hours > 23 && hours <= 24,
      `the server has ${JSON.stringify(made)}`,
    );
    await page.getByRole("link", { name: "Home" }).click();
    await page.locator(".live.open").waitFor();
    await must("POST", "/api/v1/statuses", bob.token, { status: `I grow ${word} at home`, visibility: "public" });
    await newPosts().click();
    const item = page.locator(".status.filtered", { hasText: `Filtered: Brassicas ${nonce}` });
    await item.waitFor();
    expect((await page.getByText(`I grow ${word} at home`).count()) === 0, "the filtered post's text shows");
    await item.getByRole("button", { name: "Show anyway" }).click();
    await page.locator(".status", { hasText: `I grow ${word} at home` }).waitFor();
    noProblems();
  });

  await step("the filter is edited (title, a second keyword) and deleted after a confirmation", async () => {
    await page.goto(`${base}/web/settings/filters`);
    await page.getByRole("button", { name: `Edit filter Brassicas ${nonce}` }).click();
    const f = page.getByRole("form", { name: `Edit filter Brassicas ${nonce}` });
    await f.getByRole("textbox", { name: "Title" }).fill(`Greens ${nonce}`);
    await f.getByRole("button", { name: "Add keyword" }).click();
    await f.getByRole("textbox", { name: "Keyword 2" }).fill(`kale${nonce}`);
    await f.getByRole("checkbox", { name: "Whole word" }).nth(1).uncheck();
    await f.getByRole("button", { name: "Save filter" }).click();
    await page.getByRole("list", { name: "Filters" }).getByText(`Greens ${nonce}`).waitFor();
    const [edited] = await must("GET", "/api/v2/filters", ada.token);
    const kws = edited.keywords.map((k) => `${k.keyword}:${k.whole_word}`).sort().join();
    expect(kws === `${word}:true,kale${nonce}:false` && edited.expires_at, `the server has ${JSON.stringify(edited)}`);
    await page.getByRole("button", { name: `Delete filter Greens ${nonce}` }).click();
    await page.getByRole("group", { name: "Confirm deletion" }).getByRole("button", { name: "Yes, delete" }).click();
    await page.getByText("No filters yet.").waitFor();
    expect((await must("GET", "/api/v2/filters", ada.token)).length === 0, "the filter is still on the server");
    noProblems();
  });

  await step("profile settings save the name, bio, a field, an avatar, locked and discoverable", async () => {
    await page.goto(`${base}/web/settings/profile`);
    const f = page.getByRole("form", { name: "Edit profile" });
    await f.getByRole("textbox", { name: "Display name" }).fill(`Ada ${nonce}`);
    await f.getByRole("textbox", { name: "Bio" }).fill(`ada's bio ${nonce}`);
    await f.getByRole("textbox", { name: "Field 1 label" }).fill("Garden");
    await f.getByRole("textbox", { name: "Field 1 content" }).fill(`kale ${nonce}`);
    await f.getByLabel("Choose avatar").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png });
    await f.getByRole("img", { name: "Avatar preview" }).waitFor();
    await f.getByRole("checkbox", { name: "Approve followers by hand" }).check();
    await f.getByRole("checkbox", { name: "Suggest my account to others" }).check();
    await f.getByRole("button", { name: "Save profile" }).click();
    await f.getByRole("status").getByText("Saved.").waitFor();
    await page.screenshot({ path: shots + "settings-profile.png" });
    await accessible(page, "settings-profile", shots);
    const me = await must("GET", "/api/v1/accounts/verify_credentials", ada.token);
    expect(
      me.display_name === `Ada ${nonce}` &&
        me.source.note === `ada's bio ${nonce}` &&
        me.fields[0]?.name === "Garden" &&
        me.locked &&
        me.discoverable &&
        !me.avatar.endsWith("missing.png") &&
        me.avatar !== "",
      `the server has ${JSON.stringify({ n: me.display_name, note: me.source.note, f: me.fields, l: me.locked, d: me.discoverable, a: me.avatar })}`,
    );
    await page.goto(`${base}/web/accounts/${ada.id}`);
    await page.getByRole("region", { name: "Profile" }).getByRole("heading", { name: `Ada ${nonce}` }).waitFor();
    await page.getByRole("region", { name: "Profile" }).getByText(`kale ${nonce}`).waitFor();
    await form("PATCH", "/api/v1/accounts/update_credentials", ada.token, { locked: "false" });
    noProblems();
  });
}
