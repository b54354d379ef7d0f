// The web client's pages beyond the timelines, threads and profiles, as steps of
// e2e.mjs (which passes its page, people and helpers): search finds a post and a
// user; a hashtag's timeline shows a tagged post and takes another live, and the tag
// is followed; the bookmarks page pages by the Link header and the favourites page
// lists a favourite; a list takes a member and shows his post live, and once made
// exclusive (replies from its members only) keeps his next post out of home. Run after ada
// bookmarked bob's mention and follows bob.

import { accessible } from "./axe.mjs";

export async function pageSteps({ page, people, nonce, base, shots, step, must, until, expect, noProblems }) {
  const findable = `zebra${nonce}`;
  await step("search finds a post by a word and a user by name, and opens the thread and the profile", async () => {
    const post = await must("POST", "/api/v1/statuses", people.bob.token, { status: `a rare word: ${findable}`, visibility: "public" });
    // The search index takes the post a moment after it is made.
    await until("the post is indexed", async () =>
      (await must("GET", `/api/v2/search?type=statuses&q=${findable}`, people.ada.token)).statuses.some((s) => s.id === post.id),
    );
    const box = page.getByRole("searchbox", { name: "Search" });
    await box.fill(findable);
    await box.press("Enter");
    await page.waitForURL((u) => u.pathname === "/web/search" && u.searchParams.get("q") === findable);
    const found = page.getByRole("region", { name: "Posts" }).locator(".status", { hasText: findable });
    await found.waitFor();
    await page.screenshot({ path: shots + "search.png" });
    await accessible(page, "search", shots);
    await found.locator(".content").click();
    await page.waitForURL((u) => u.pathname === `/web/statuses/${post.id}`);
    await box.fill(people.bob.username);
    await box.press("Enter");
    const person = page.getByRole("region", { name: "People" }).getByRole("link", { name: `Bob ${nonce}` });
    await person.click();
    await page.waitForURL((u) => u.pathname === `/web/accounts/${people.bob.id}`);
    await page.getByRole("region", { name: "Profile" }).getByRole("heading", { name: `Bob ${nonce}` }).waitFor();
    noProblems();
  });

  const tag = `herd${nonce}`;
  await step("a hashtag in a post opens its timeline, live; the tag is followed; search finds it", async () => {
    const first = await must("POST", "/api/v1/statuses", people.bob.token, { status: `tagged #${tag}`, visibility: "public" });
    await page.goto(`${base}/web/statuses/${first.id}`);
    await page.locator(".status.focused .content a.hashtag").click();
    await page.waitForURL((u) => u.pathname === `/web/tags/${tag}`);
    await page.getByRole("heading", { name: `#${tag}` }).waitFor();
    await page.locator(".status", { hasText: `tagged #${tag}` }).waitFor();
    await page.getByRole("button", { name: "Follow tag" }).click();
    await page.getByRole("button", { name: "Unfollow tag" }).waitFor();
    expect((await must("GET", `/api/v1/tags/${tag}`, people.ada.token)).following === true, "the server does not say ada follows the tag");
    const second = `again #${tag}`;
    await must("POST", "/api/v1/statuses", people.bob.token, { status: second, visibility: "public" });
    await page.getByRole("button", { name: "1 new post", exact: true }).click();
    await page.locator(".status", { hasText: second }).waitFor();
    const first_ = await page.locator(".status").first().textContent();
    expect(first_?.includes(second), `the new tagged post is not at the top: ${first_}`);
    await page.screenshot({ path: shots + "hashtag.png" });
    await page.getByRole("button", { name: "Unfollow tag" }).click();
    await page.getByRole("button", { name: "Follow tag" }).waitFor();
    await until("the tag is searchable", async () =>
      (await must("GET", `/api/v2/search?type=hashtags&q=${tag}`, people.ada.token)).hashtags.some((t) => t.name === tag),
    );
    const box = page.getByRole("searchbox", { name: "Search" });
    await box.fill(`#${tag}`);
    await box.press("Enter");
    await page.getByRole("region", { name: "Hashtags" }).getByRole("link", { name: `#${tag}` }).click();
    await page.waitForURL((u) => u.pathname === `/web/tags/${tag}`);
    await page.locator(".status", { hasText: second }).waitFor();
    noProblems();
  });

  await step("the bookmarks and favourites pages list the saved posts, paged by the Link header", async () => {
    // ada bookmarked bob's mention from his profile; she bookmarks 21 of his fillers
    // (more than a page of 20) and favourites one post here.
    const fillers = (await must("GET", `/api/v1/accounts/${people.bob.id}/statuses?limit=40`, people.ada.token)).filter((s) =>
      s.content.includes("filler"),
    );
    expect(fillers.length >= 21, `bob has ${fillers.length} fillers`);
    for (const s of fillers.slice(0, 21)) await must("POST", `/api/v1/statuses/${s.id}/bookmark`, people.ada.token);
    const starred = await must("POST", "/api/v1/statuses", people.bob.token, { status: `worth a star ${nonce}`, visibility: "public" });
    await must("POST", `/api/v1/statuses/${starred.id}/favourite`, people.ada.token);
    await page.getByRole("link", { name: "Bookmarks", exact: true }).click();
    const saved = page.getByRole("region", { name: "Bookmarks" });
    await saved.locator(".status").first().waitFor();
    expect((await saved.locator(".status").count()) === 20, `the first page shows ${await saved.locator(".status").count()}`);
    const older = saved.getByRole("button", { name: "Load older posts" });
    for (let i = 0; i < 5 && (await saved.getByText("That is all.").count()) === 0; i++) {
      const before = await saved.locator(".status").count();
      await older.click();
      await until("the next page", async () =>
        (await saved.getByText("That is all.").count()) > 0 || ((await older.count()) > 0 && (await saved.locator(".status").count()) > before),
      );
    }
    await saved.locator(".status", { hasText: `what a thread ${nonce}` }).waitFor();
    expect((await saved.locator(".status").count()) === 22, `the bookmarks show ${await saved.locator(".status").count()}, want 22`);
    await page.screenshot({ path: shots + "bookmarks.png" });
    await page.getByRole("link", { name: "Favourites", exact: true }).click();
    const faves = page.getByRole("region", { name: "Favourites" });
    await faves.locator(".status", { hasText: `worth a star ${nonce}` }).waitFor();
    await faves.locator(`button[aria-pressed="true"]`, { hasText: "Favourite" }).waitFor();
    noProblems();
  });

  await step("a list is made, bob is added from those ada follows, his post shows in its timeline live; made exclusive, his next post is not in home; it is renamed and deleted", async () => {
    await page.getByRole("link", { name: "Lists", exact: true }).click();
    await page.getByRole("heading", { name: "Lists" }).waitFor();
    await page.getByRole("textbox", { name: "New list's title" }).fill(`Friends ${nonce}`);
    await page.getByRole("button", { name: "Make list" }).click();
    await page.getByRole("link", { name: `Friends ${nonce}` }).click();
    await page.getByRole("heading", { name: `Friends ${nonce}` }).waitFor();
    const listId = new URL(page.url()).pathname.split("/").pop();
    await page.locator(".members summary").click();
    await page.getByRole("searchbox", { name: "Add someone you follow" }).fill(people.bob.username);
    await page.getByRole("list", { name: "People you follow" }).getByRole("button", { name: "Add" }).click();
    await page.getByRole("list", { name: "Members" }).getByText(`Bob ${nonce}`).waitFor();
    const members = await must("GET", `/api/v1/lists/${listId}/accounts`, people.ada.token);
    expect(members.length === 1 && members[0].id === people.bob.id, `the list's members: ${JSON.stringify(members.map((a) => a.acct))}`);
    const news = `for the list ${nonce}`;
    await must("POST", "/api/v1/statuses", people.bob.token, { status: news, visibility: "public" });
    await page.getByRole("button", { name: "1 new post", exact: true }).click();
    await page.locator(".status", { hasText: news }).waitFor();
    await page.screenshot({ path: shots + "list.png" });
    await page.reload();
    await page.locator(".status", { hasText: news }).waitFor();
    await page.getByRole("checkbox", { name: "Hide these posts from home" }).check();
    await page.getByRole("radiogroup", { name: "Show replies to" }).getByRole("radio", { name: "Members of the list" }).check();
    const saved = await until("the list's settings are saved", async () => {
      const l = await must("GET", `/api/v1/lists/${listId}`, people.ada.token);
      return l.exclusive === true && l.replies_policy === "list" && l;
    });
    expect(saved.title === `Friends ${nonce}`, `saving the settings changed the title: ${JSON.stringify(saved)}`);
    await page.reload();
    expect(await page.getByRole("checkbox", { name: "Hide these posts from home" }).isChecked(), "the page does not show the list as exclusive");
    expect(await page.getByRole("radio", { name: "Members of the list" }).isChecked(), "the page does not show the replies policy");
    const hidden = `only in the list ${nonce}`;
    await must("POST", "/api/v1/statuses", people.bob.token, { status: hidden, visibility: "public" });
    await until("bob's post reaches the list", async () =>
      (await must("GET", `/api/v1/timelines/list/${listId}`, people.ada.token)).some((s) => s.content.includes(hidden)),
    );
    const home = await must("GET", "/api/v1/timelines/home?limit=40", people.ada.token);
    expect(!home.some((s) => s.content.includes(hidden)), "the exclusive list's member's new post is in home");
    await page.reload();
    await page.locator(".status", { hasText: hidden }).waitFor();
    await page.screenshot({ path: shots + "list-settings.png" });
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByRole("textbox", { name: "List title" }).fill(`Pals ${nonce}`);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: `Pals ${nonce}` }).waitFor();
    await page.getByRole("button", { name: "All lists" }).click();
    const row = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: `Pals ${nonce}` }) });
    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByRole("button", { name: "Delete for good" }).click();
    await page.getByText("No lists yet.").waitFor();
    const left = await must("GET", "/api/v1/lists", people.ada.token);
    expect(left.length === 0, `lists left: ${JSON.stringify(left)}`);
    noProblems();
  });
}
