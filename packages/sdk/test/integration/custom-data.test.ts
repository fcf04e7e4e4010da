/**
 * Custom user data: read from the access token with no request, EJSON-decoded, and re-read through a
 * refresh after it changes. Needs server functions (the fixture app writes the data from its
 * on-user-creation and setColour functions).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Credentials, MemoryStorage, type UserChangeEvent } from "../../src/index.ts";
import { FUNCTIONS_APP, recordingFetch, startGatehouse, type TestGatehouse } from "../helpers/server.ts";

type Colourful = { user_id?: string; colour?: string; joined?: Date; visits?: number };

describe("custom user data", async () => {
  const gh: TestGatehouse = await startGatehouse({ apps: [FUNCTIONS_APP] });
  after(() => gh.close());

  it("is in the first token, decoded from EJSON", async () => {
    const user = await gh.app().logIn(Credentials.anonymous());
    const data = user.customData as Colourful;
    assert.equal(data.user_id, user.id);
    assert.equal(data.colour, "blue");
    assert.ok(data.joined instanceof Date, "dates arrive as Date");
    assert.equal(data.joined.getTime(), 0);
    assert.equal(data.visits, 1);
  });

  it("refreshCustomData re-reads it through one refresh; customData alone makes no request", async () => {
    const rec = recordingFetch();
    const user = await gh.app({ fetch: rec.fetch }).logIn(Credentials.anonymous());
    const events: UserChangeEvent[] = [];
    user.addListener((e) => events.push(e));
    await user.functions.setColour("green");
    rec.requests.length = 0;
    assert.equal((user.customData as Colourful).colour, "blue", "the token still carries the old document");
    assert.equal(rec.requests.length, 0);
    const fresh = (await user.refreshCustomData()) as Colourful;
    assert.equal(fresh.colour, "green");
    assert.equal((user.customData as Colourful).colour, "green");
    assert.deepEqual(
      rec.requests.map((r) => `${r.method} ${r.path.replace(/.*v2\.0/, "")}`),
      ["POST /auth/session"],
    );
    assert.deepEqual(events.map((e) => e.type).slice(-2), ["accessTokenRefreshed", "customDataRefreshed"]);
  });

  it("is restored with the cached token on the next start", async () => {
    const storage = new MemoryStorage();
    const user = await gh.app({ storage }).logIn(Credentials.anonymous());
    await user.functions.setColour("red");
    await user.refreshCustomData();
    const rec = recordingFetch();
    const restarted = gh.app({ storage, fetch: rec.fetch });
    assert.equal((restarted.currentUser!.customData as Colourful).colour, "red");
    assert.equal(rec.requests.length, 0);
  });
});
