// Posting defaults and delete-and-redraft, as steps of e2e.mjs run while ada is signed
// in. In the settings' preferences she saves her posting defaults (followers only,
// German, media marked sensitive): the compose box starts from them and her post with
// an image is so on the server; she puts them back. Then she deletes a post of hers
// with a warning and a poll to redraft it: the compose box starts from its text,
// warning, visibility, language and poll, and posts it anew. Last, she schedules a
// post an hour ahead from the compose box, finds it under "Scheduled posts" and
// cancels it there. And she reports a post of bob's as spam from under it.

// A 1×1 PNG.
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

export async function postingSteps({ page, people, nonce, base, step, must, until, expect, noProblems }) {
  const { ada, bob } = people;
  const box = () => page.getByRole("form", { name: "New post" });
  const mine = async (text) => (await must("GET", `/api/v1/accounts/${ada.id}/statuses?limit=40`, ada.token)).find((s) => s.content.includes(text));

  await step("posting defaults saved in preferences (followers only, German, media sensitive) are what a new post starts with", async () => {
    await page.goto(`${base}/web/settings/preferences`);
    const prefs = page.getByRole("form", { name: "Posting defaults" });
    await prefs.getByLabel("Visibility of new posts").selectOption("private");
    await prefs.getByLabel("Language of new posts").selectOption("de");
    await prefs.getByRole("checkbox", { name: "Always mark media as sensitive" }).check();
    await prefs.getByRole("button", { name: "Save posting defaults" }).click();
    await prefs.getByRole("status").getByText("Saved.").waitFor();
    const me = await must("GET", "/api/v1/accounts/verify_credentials", ada.token);
    expect(me.source.privacy === "private" && me.source.language === "de" && me.source.sensitive === true, `the server has ${JSON.stringify(me.source)}`);

    await page.goto(`${base}/web/home`);
    // The account is read again after the reload: the box takes its defaults once it is.
    await until("the compose box starts followers only", async () => (await box().getByLabel("Visibility").inputValue()) === "private");
    await until("the compose box starts in German", async () => (await box().getByLabel("Language of the post").inputValue()) === "de");
    const text = `Guten Morgen ${nonce}`;
    await box().getByRole("textbox", { name: "What's on your mind?" }).fill(text);
    await box().getByLabel("Add media").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: png });
    await box().getByRole("button", { name: "Post", exact: true }).click();
    await until("the post is on the server", () => mine(text));
    const s = await mine(text);
    expect(s.visibility === "private" && s.language === "de" && s.sensitive === true, `the server has ${JSON.stringify({ v: s.visibility, l: s.language, s: s.sensitive })}`);

    await page.goto(`${base}/web/settings/preferences`);
    await prefs.getByLabel("Visibility of new posts").selectOption("public");
    await prefs.getByLabel("Language of new posts").selectOption("");
    await prefs.getByRole("checkbox", { name: "Always mark media as sensitive" }).uncheck();
    await prefs.getByRole("button", { name: "Save posting defaults" }).click();
    await prefs.getByRole("status").getByText("Saved.").waitFor();
    const back = (await must("GET", "/api/v1/accounts/verify_credentials", ada.token)).source;
    expect(back.privacy === "public" && !back.language && back.sensitive === false, `the server has ${JSON.stringify(back)}`);
    noProblems();
  });

  await step("delete and redraft: the compose box starts from the deleted post (warning, text, visibility, language, poll) and posts it anew", async () => {
    const old = await must("POST", "/api/v1/statuses", ada.token, {
      status: `cats or dogs ${nonce}`,
      spoiler_text: `pets ${nonce}`,
      visibility: "unlisted",
      language: "fr",
      poll: { options: ["cats", "dogs"], expires_in: 3600, multiple: true },
    });
    await page.goto(`${base}/web/accounts/${ada.id}`);
    const item = page.locator(`.status[data-id="${old.id}"]`);
    await item.getByRole("button", { name: "Delete and redraft" }).click();
    await item.getByRole("group", { name: "Confirm deletion" }).getByRole("button", { name: "Delete and redraft" }).click();
    await item.waitFor({ state: "detached" });
    const redraft = page.getByRole("form", { name: "Redraft the post" });
    await redraft.getByText("Redrafting a deleted post").waitFor();
    expect((await redraft.getByRole("textbox", { name: "What's on your mind?" }).inputValue()) === `cats or dogs ${nonce}`, "the text is not the deleted post's");
    expect((await redraft.getByRole("textbox", { name: "Content warning" }).inputValue()) === `pets ${nonce}`, "the warning is not the deleted post's");
    expect((await redraft.getByLabel("Visibility").inputValue()) === "unlisted", "the visibility is not the deleted post's");
    expect((await redraft.getByLabel("Language of the post").inputValue()) === "fr", "the language is not the deleted post's");
    expect((await redraft.getByRole("textbox", { name: "Option 2" }).inputValue()) === "dogs", "the poll is not the deleted post's");
    await redraft.getByRole("textbox", { name: "What's on your mind?" }).fill(`cats or dogs, again ${nonce}`);
    await redraft.getByRole("button", { name: "Post", exact: true }).click();
    await box().waitFor();
    await until("the redrafted post is on the server", () => mine(`cats or dogs, again ${nonce}`));
    const s = await mine(`cats or dogs, again ${nonce}`);
    expect(
      s.id !== old.id && s.spoiler_text === `pets ${nonce}` && s.visibility === "unlisted" && s.language === "fr" && s.poll?.multiple && s.poll.options.map((o) => o.title).join() === "cats,dogs",
      `the server has ${JSON.stringify({ cw: s.spoiler_text, v: s.visibility, l: s.language, poll: s.poll })}`,
    );
    const gone = await fetch(`${base}/api/v1/statuses/${old.id}`, { headers: { Authorization: `Bearer ${ada.token}` } });
    expect(gone.status === 404, `the deleted post answers ${gone.status}`);
    noProblems();
  });

  await step("a post scheduled an hour ahead from the compose box is listed under 'Scheduled posts' and cancelled there", async () => {
    await page.goto(`${base}/web/home`);
    const text = `see you later ${nonce}`;
    await box().getByRole("textbox", { name: "What's on your mind?" }).fill(text);
    const d = new Date(Date.now() + 3_600_000);
    const two = (n) => String(n).padStart(2, "0");
    const local = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
    await box().getByLabel("Post at (optional)").fill(local);
    await box().getByRole("button", { name: "Schedule", exact: true }).click();
    await box().getByRole("status").getByText(/^Scheduled for /).waitFor();
    expect((await box().getByRole("textbox", { name: "What's on your mind?" }).inputValue()) === "", "the box keeps the scheduled text");
    const held = async () => (await must("GET", "/api/v1/scheduled_statuses", ada.token)).find((s) => s.params.text === text);
    const kept = await held();
    expect(kept && new Date(kept.scheduled_at).getTime() === new Date(local).getTime(), `the server has ${JSON.stringify(kept)} for ${local}`);
    expect(!(await mine(text)), "the scheduled post is already posted");

    await box().getByText("Scheduled posts", { exact: true }).click();
    const item = box().getByRole("list", { name: "Scheduled posts" }).locator(`li[data-scheduled="${kept.id}"]`);
    await item.getByText(text).waitFor();
    await item.getByRole("button", { name: `Cancel the scheduled post ${text}` }).click();
    await item.waitFor({ state: "detached" });
    expect(!(await held()), "the cancelled post is still scheduled on the server");
    noProblems();
  });

  await step("reporting bob's post from under it: a category and a comment are sent to the moderators", async () => {
    const post = await must("POST", "/api/v1/statuses", bob.token, { status: `cheap watches ${nonce}`, visibility: "public" });
    await page.goto(`${base}/web/accounts/${bob.id}`);
    const item = page.locator(`.status[data-id="${post.id}"]`);
    await item.getByRole("button", { name: "Report", exact: true }).click();
    const report = item.getByRole("form", { name: `Report @${bob.username}` });
    await report.getByRole("radio", { name: "It is spam" }).check();
    await report.getByRole("textbox", { name: /^Anything the moderators should know/ }).fill(`watches again ${nonce}`);
    const answered = page.waitForResponse((r) => r.url().endsWith("/api/v1/reports") && r.request().method() === "POST");
    await report.getByRole("button", { name: "Send report" }).click();
    const res = await answered;
    const sent = res.request().postDataJSON();
    expect(res.status() === 200, `the server answered ${res.status()}`);
    expect(
      sent.account_id === bob.id && sent.status_ids?.join() === post.id && sent.category === "spam" && sent.comment === `watches again ${nonce}`,
      `the report sent ${JSON.stringify(sent)}`,
    );
    await item.getByRole("status").getByText(`Thanks: the moderators have your report about @${bob.username}.`).waitFor();
    noProblems();
  });
}
