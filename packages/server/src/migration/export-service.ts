import { derivedId } from "../ids.js";
import type { Store } from "../store/store.js";

/** Options of `gatehouse users export`. */
export interface ExportOptions {
  appId: string;
  /** Include each account's password hash and the users' API key hashes (`--with-hashes`). */
  withHashes?: boolean;
  /** Users read per query. Default 1000. */
  pageSize?: number;
}

/** One exported user: the App Services Admin API User object plus the import's extra fields. */
export type ExportedUser = Record<string, unknown>;

/**
 * Streams an app's users in the format `UserImportService` reads (PROTOCOL.md §11.2 User objects, one
 * per line), in id order, one page of users per query, so exporting a million users holds one page in
 * memory. Anonymous users carry their device ids (`devices`), by which a migrated client finds them. With `withHashes`, each email/password user carries `password_hash` (argon2id, or a foreign
 * hash not yet rehashed) and API keys their SHA-256 `key_hash`, so an import elsewhere keeps logins.
 */
export async function* exportUsers(store: Store, options: ExportOptions): AsyncGenerator<ExportedUser> {
  yield* exportUserRows(store, options);
  yield* exportAccountsWithoutUser(store, options);
}

async function* exportUserRows(store: Store, options: ExportOptions): AsyncGenerator<ExportedUser> {
  const db = store.db;
  const pageSize = options.pageSize ?? 1000;
  let after = "";
  for (;;) {
    const users = await db
      .selectFrom("users")
      .selectAll()
      .where("app_id", "=", options.appId)
      .where("id", ">", after)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    if (users.length === 0) return;
    after = users.at(-1)!.id;
    const ids = users.map((u) => u.id);
    const identities = await db.selectFrom("identities").selectAll().where("user_id", "in", ids).orderBy("created_at").execute();
    const accountIds = identities.filter((i) => i.provider_type === "local-userpass").map((i) => i.external_id);
    const accounts = new Map(
      accountIds.length === 0
        ? []
        : (await db.selectFrom("userpass_accounts").selectAll().where("id", "in", accountIds).execute()).map((a) => [a.id, a]),
    );
    const keys = options.withHashes ? await db.selectFrom("api_keys").selectAll().where("user_id", "in", ids).execute() : [];
    // Devices with sessions, and imported ones not claimed yet: an anonymous user is found by either.
    const devices = [
      ...(await db.selectFrom("devices").select(["id", "user_id"]).where("user_id", "in", ids).orderBy("created_at").execute()),
      ...(await db.selectFrom("imported_devices").select(["device_id as id", "user_id"]).where("user_id", "in", ids).execute()),
    ];
    const byUser = new Map<string, typeof identities>();
    for (const identity of identities) {
      const list = byUser.get(identity.user_id) ?? [];
      list.push(identity);
      byUser.set(identity.user_id, list);
    }
    for (const user of users) {
      const own = byUser.get(user.id) ?? [];
      const record: ExportedUser = {
        _id: user.id,
        identities: own.map((i) => ({
          id: i.external_id,
          provider_type: i.provider_type,
          provider_id: derivedId("provider", options.appId, i.provider_name),
          provider_data: JSON.parse(i.provider_data) as unknown,
        })),
        data: JSON.parse(user.data) as unknown,
        type: user.type,
        creation_date: Math.floor(Number(user.created_at) / 1000),
        last_authentication_date: user.last_login_at === null ? 0 : Math.floor(Number(user.last_login_at) / 1000),
        disabled: user.disabled === 1,
      };
      const account = own.map((i) => accounts.get(i.external_id)).find((a) => a !== undefined);
      if (account && account.confirmed !== 1) record.pending_confirmation = true;
      if (options.withHashes && account && account.password_hash !== "") record.password_hash = account.password_hash;
      const userKeys = keys.filter((k) => k.user_id === user.id);
      if (userKeys.length > 0) {
        record.api_keys = userKeys.map((k) => ({ _id: k.id, name: k.name, disabled: k.disabled === 1, key_hash: k.key_hash }));
      }
      // Only an anonymous user is found by its device; the others log in by credential.
      const anonymous = own.length === 1 && own[0]!.provider_type === "anon-user";
      const userDevices = anonymous ? [...new Set(devices.filter((d) => d.user_id === user.id).map((d) => d.id))] : [];
      if (userDevices.length > 0) record.devices = userDevices;
      yield record;
    }
  }
}

/**
 * Email/password accounts that never logged in have no user yet (the first login makes it, as in App
 * Services). They are exported as users whose id is the account id: nothing can refer to a user id
 * nobody was given, and the import then keeps the account, its password and its confirmation state.
 */
async function* exportAccountsWithoutUser(store: Store, options: ExportOptions): AsyncGenerator<ExportedUser> {
  const pageSize = options.pageSize ?? 1000;
  let after = "";
  for (;;) {
    const accounts = await store.db
      .selectFrom("userpass_accounts as a")
      .selectAll("a")
      .where("a.app_id", "=", options.appId)
      .where("a.id", ">", after)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("identities as i")
              .select("i.user_id")
              .where("i.app_id", "=", options.appId)
              .where("i.provider_type", "=", "local-userpass")
              .whereRef("i.external_id", "=", "a.id"),
          ),
        ),
      )
      .orderBy("a.id")
      .limit(pageSize)
      .execute();
    if (accounts.length === 0) return;
    after = accounts.at(-1)!.id;
    for (const account of accounts) {
      const record: ExportedUser = {
        _id: account.id,
        identities: [
          {
            id: account.id,
            provider_type: "local-userpass",
            provider_id: derivedId("provider", options.appId, "local-userpass"),
            provider_data: { email: account.email },
          },
        ],
        data: { email: account.email },
        type: "normal",
        creation_date: Math.floor(Number(account.created_at) / 1000),
        last_authentication_date: 0,
        disabled: false,
      };
      if (account.confirmed !== 1) record.pending_confirmation = true;
      if (options.withHashes && account.password_hash !== "") record.password_hash = account.password_hash;
      yield record;
    }
  }
}
