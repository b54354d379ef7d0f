// The compose box rendered to markup (react-dom/server) from a store that holds the
// signed-in account: it starts from the account's posting defaults, and a redraft
// starts from the deleted post.
import { renderToStaticMarkup } from "react-dom/server";
import { Provider } from "react-redux";
import { describe, expect, it } from "vitest";
import { api } from "../api";
import { redraftOf } from "../editSlice";
import type { CredentialAccount } from "../entities";
import { account, status } from "../fixtures";
import { makeStore } from "../store";
import { Compose } from "./Compose";

const me = (source: CredentialAccount["source"]): CredentialAccount => ({ ...account("1", "ada"), source });

async function render(source: CredentialAccount["source"], props: Parameters<typeof Compose>[0]) {
  const store = makeStore("token");
  await store.dispatch(api.util.upsertQueryData("me", undefined, me(source)));
  return renderToStaticMarkup(
    <Provider store={store}>
      <Compose {...props} />
    </Provider>,
  );
}

describe("the compose box", () => {
  it("starts with the account's default visibility and posting language", async () => {
    const html = await render({ note: "", fields: [], privacy: "private", language: "de" }, { maxCharacters: 500 });
    expect(html).toContain('<option value="private" selected="">Followers only</option>');
    expect(html).toMatch(/<option value="de" selected="">/);
    expect(html).toContain('Post at (optional)<input type="datetime-local" value=""/>');
    expect(html).toContain("<summary>Scheduled posts</summary>");
  });

  it("starts public and in the posting language the server picks when the account chose none", async () => {
    const html = await render({ note: "", fields: [] }, { maxCharacters: 500 });
    expect(html).toContain('<option value="public" selected="">Public</option>');
    expect(html).toContain('<option value="" selected="">My posting language</option>');
  });

  it("answers no more openly than the post answered, whatever the default", async () => {
    const parent = status("9", { visibility: "private" });
    const html = await render({ note: "", fields: [], privacy: "public" }, { maxCharacters: 500, replyTo: { status: parent, myAcct: "ada" } });
    expect(html).toContain('<option value="private" selected="">Followers only</option>');
  });

  it("starts a redraft from the deleted post: text as written, warning, visibility, language and poll", async () => {
    const deleted = status("5", {
      text: "cats or dogs",
      spoiler_text: "pets",
      visibility: "unlisted",
      language: "fr",
      poll: { id: "2", expires_at: null, expired: false, multiple: true, votes_count: 3, voters_count: 3, options: [{ title: "cats", votes_count: 2 }, { title: "dogs", votes_count: 1 }] },
    });
    const html = await render({ note: "", fields: [], privacy: "private" }, { maxCharacters: 500, edit: redraftOf(deleted) });
    expect(html).toContain('aria-label="Redraft the post"');
    expect(html).toContain("Redrafting a deleted post");
    expect(html).toContain(">cats or dogs</textarea>");
    expect(html).toContain('value="pets"');
    expect(html).toContain('<option value="unlisted" selected="">');
    expect(html).toMatch(/<option value="fr" selected="">/);
    expect(html).toContain('aria-label="Option 1" placeholder="Option 1" value="cats"');
    expect(html).toContain('aria-label="Option 2" placeholder="Option 2" value="dogs"');
    // A redraft is a new post: its visibility may change, unlike an edit's.
    expect(html).not.toMatch(/<select aria-label="Visibility" disabled/);
    expect(html).not.toContain("<summary>Scheduled posts</summary>");
  });
});
