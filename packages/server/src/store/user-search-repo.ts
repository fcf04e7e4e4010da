import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from "kysely";
import type { Dialect } from "./connect.js";
import { toIdentity, toUser } from "./rows.js";
import type { UserRecord } from "./records.js";
import type { Database } from "./schema.js";

/**
 * One page of an app's users. Every filter is optional and they combine (AND). Times are milliseconds.
 * `emailKeyPrefix` is already in the app's stored form (lower-cased for case-insensitive apps).
 */
export interface UserQuery {
  appId: string;
  emailKeyPrefix?: string;
  idPrefix?: string;
  providerType?: string;
  disabled?: boolean;
  createdAfter?: number;
  createdBefore?: number;
  lastLoginAfter?: number;
  lastLoginBefore?: number;
  /** The last user id of the previous page. */
  after?: string;
  desc?: boolean;
  limit: number;
}

/** The order a page is read in: an index's order, so a page costs `limit` index steps, not a sort. */
export type UserOrder = "id" | "email" | "created" | "last_login" | "provider";

type Db = Kysely<Database>;
type Query = SelectQueryBuilder<any, any, any>;

/** The upper end of a prefix range: every string starting with `prefix` sorts below it, bytewise. */
const prefixEnd = (prefix: string) => `${prefix}\u{10FFFF}`;

/**
 * Keyset-paginated listing and search of users. The driving index is chosen from the filters (email,
 * then creation time, then last login, then provider, else the id); the other filters are checked on the
 * rows it yields. The cursor is a user id, resolved to its key in the driving order.
 */
export class UserSearchRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  /** The order `search` will use for these filters. */
  static orderOf(q: Omit<UserQuery, "limit" | "appId">): UserOrder {
    if (q.emailKeyPrefix !== undefined) return "email";
    if (q.idPrefix !== undefined) return "id";
    if (q.createdAfter !== undefined || q.createdBefore !== undefined) return "created";
    if (q.lastLoginAfter !== undefined || q.lastLoginBefore !== undefined) return "last_login";
    if (q.providerType !== undefined) return "provider";
    return "id";
  }

  /** One page of users, identities included, in the driving order. */
  async search(q: UserQuery): Promise<{ users: UserRecord[]; order: UserOrder }> {
    const order = UserSearchRepository.orderOf(q);
    const ids = await this.pageIds(q, order);
    return { users: await this.hydrate(q.appId, ids), order };
  }

  private emailKey(column = "a.email_key"): RawBuilder<string> {
    // PostgreSQL compares text by the database's locale; prefix ranges and keyset order need bytes.
    return this.dialect === "postgres" ? sql<string>`${sql.ref(column)} collate "C"` : sql<string>`${sql.ref(column)}`;
  }

  private async pageIds(q: UserQuery, order: UserOrder): Promise<string[]> {
    const { appId } = q;
    let query: Query = this.db.selectFrom("users as u").where("u.app_id", "=", appId);
    const needsAccount = q.emailKeyPrefix !== undefined;
    if (needsAccount) {
      query = query
        .innerJoin("identities as ie", (join) =>
          join.onRef("ie.user_id", "=", "u.id").on("ie.app_id", "=", appId).on("ie.provider_type", "=", "local-userpass"),
        )
        .innerJoin("userpass_accounts as a", (join) => join.onRef("a.id", "=", "ie.external_id").on("a.app_id", "=", appId));
      const prefix = q.emailKeyPrefix!;
      query = query.where(this.emailKey(), ">=", prefix).where(this.emailKey(), "<", prefixEnd(prefix));
    }
    if (q.providerType !== undefined && order !== "provider") {
      const type = q.providerType;
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom("identities as ix")
            .select("ix.user_id")
            .whereRef("ix.user_id", "=", "u.id")
            .where("ix.app_id", "=", appId)
            .where("ix.provider_type", "=", type),
        ),
      );
    }
    if (q.idPrefix !== undefined) query = query.where("u.id", ">=", q.idPrefix).where("u.id", "<", prefixEnd(q.idPrefix));
    if (q.disabled !== undefined) query = query.where("u.disabled", "=", q.disabled ? 1 : 0);
    if (q.createdAfter !== undefined) query = query.where("u.created_at", ">", q.createdAfter);
    if (q.createdBefore !== undefined) query = query.where("u.created_at", "<", q.createdBefore);
    if (q.lastLoginAfter !== undefined) query = query.where("u.last_login_at", ">", q.lastLoginAfter);
    if (q.lastLoginBefore !== undefined) query = query.where("u.last_login_at", "<", q.lastLoginBefore);
    if (order === "provider") return this.providerPageIds(q, query);

    const keys = this.orderKeys(order);
    if (q.after !== undefined) {
      const cursor = await this.cursorValues(appId, order, q.after);
      if (cursor === undefined) return [];
      const cmp = q.desc ? sql.raw("<") : sql.raw(">");
      query = query.where(sql<boolean>`(${sql.join(keys)}) ${cmp} (${sql.join(cursor)})`);
    }
    const direction = q.desc ? "desc" : "asc";
    for (const key of keys) query = query.orderBy(key, direction);
    const rows = (await query.select("u.id as uid").limit(q.limit).execute()) as { uid: string }[];
    return rows.map((r) => r.uid);
  }

  /**
   * A page in provider order: the app's identities of that type in user order (the
   * `identities_app_type_user` index), each checked against `users` (the user's other filters) one by one.
   *
   * On PostgreSQL `offset 0` keeps that check a subquery run per identity. Written as a join (as it was),
   * the planner may walk `users` from its first id in a merge join until it meets the first identity of
   * the type: once housekeeping had deleted the oldest anonymous users, `provider=anon-user` read half of
   * the users index for one page (126 ms at 780,000 users, growing with the table).
   */
  private async providerPageIds(q: UserQuery, users: Query): Promise<string[]> {
    let owner = users.select(sql<number>`1`.as("one")).whereRef("u.id", "=", "ip.user_id");
    if (this.dialect === "postgres") owner = owner.offset(0);
    let query = this.db
      .selectFrom("identities as ip")
      .where("ip.app_id", "=", q.appId)
      .where("ip.provider_type", "=", q.providerType!)
      .where(({ exists }) => exists(owner));
    if (q.after !== undefined) query = query.where("ip.user_id", q.desc ? "<" : ">", q.after);
    const rows = await query
      .select("ip.user_id as uid")
      .groupBy("ip.user_id")
      .orderBy("ip.user_id", q.desc ? "desc" : "asc")
      .limit(q.limit)
      .execute();
    return rows.map((r) => r.uid);
  }

  private orderKeys(order: UserOrder): RawBuilder<unknown>[] {
    switch (order) {
      case "email":
        return [this.emailKey(), sql.ref("u.id")];
      case "created":
        return [sql.ref("u.created_at"), sql.ref("u.id")];
      case "last_login":
        return [sql.ref("u.last_login_at"), sql.ref("u.id")];
      default:
        return [sql.ref("u.id")];
    }
  }

  /** The cursor user's key in the driving order; undefined if it has no place in it (deleted since). */
  private async cursorValues(appId: string, order: UserOrder, after: string): Promise<unknown[] | undefined> {
    if (order === "id" || order === "provider") return [after];
    if (order === "email") {
      const row = await this.db
        .selectFrom("identities as i")
        .innerJoin("userpass_accounts as a", "a.id", "i.external_id")
        .select("a.email_key")
        .where("i.app_id", "=", appId)
        .where("i.provider_type", "=", "local-userpass")
        .where("i.user_id", "=", after)
        .executeTakeFirst();
      return row ? [row.email_key, after] : undefined;
    }
    const row = await this.db
      .selectFrom("users")
      .select(["created_at", "last_login_at"])
      .where("app_id", "=", appId)
      .where("id", "=", after)
      .executeTakeFirst();
    if (!row) return undefined;
    const value = order === "created" ? row.created_at : row.last_login_at;
    return value === null ? undefined : [Number(value), after];
  }

  /** Users and identities of a page, in the page's order (two statements for the whole page). */
  private async hydrate(appId: string, ids: string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const [users, identities] = await Promise.all([
      this.db.selectFrom("users").selectAll().where("app_id", "=", appId).where("id", "in", ids).execute(),
      this.db.selectFrom("identities").selectAll().where("user_id", "in", ids).orderBy("created_at").execute(),
    ]);
    const byUser = new Map<string, ReturnType<typeof toIdentity>[]>();
    for (const row of identities) {
      const list = byUser.get(row.user_id) ?? [];
      list.push(toIdentity(row));
      byUser.set(row.user_id, list);
    }
    const byId = new Map(users.map((row) => [row.id, toUser(row, byUser.get(row.id) ?? [])]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}
