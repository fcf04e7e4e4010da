import type { Store } from "../../src/store/store.js";

const DAY = 24 * 3600 * 1000;

/**
 * Inserts `count` sessions of `appId` that ended a day before `now` (ids `<prefix>-<n>`), which
 * housekeeping's next pass may delete. Returns how many of them are still stored.
 */
export async function insertEndedSessions(
  store: Store,
  appId: string,
  prefix: string,
  count: number,
  now: number,
): Promise<() => Promise<number>> {
  const rows = Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    app_id: appId,
    user_id: `u-${i}`,
    provider_type: "anon-user",
    external_id: `e-${i}`,
    device_id: "000000000000000000000000",
    created_at: now - 2 * DAY,
    expires_at: now - DAY,
    revoked_at: null,
  }));
  await store.db.insertInto("sessions").values(rows).execute();
  return async () => (await store.db.selectFrom("sessions").select("id").where("id", "like", `${prefix}-%`).execute()).length;
}
