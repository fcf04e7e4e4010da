import type { Kysely } from "kysely";
import { PreparedQuery } from "./prepared.js";
import type { RawReader } from "./raw-reader.js";
import { toIdentity, toUser } from "./rows.js";
import type { SessionRecord, SessionState, UserRecord } from "./records.js";
import type { Database, SessionsTable, UsersTable } from "./schema.js";

/** Login sessions and the devices they were opened from. */
export class SessionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    /** The driver-level way for the two session lookups, outside transactions (store/raw-reader.ts). */
    private readonly reader?: RawReader,
  ) {}

  async create(session: SessionRecord): Promise<void> {
    await insertSession.run(this.db, {
      id: session.id,
      appId: session.appId,
      userId: session.userId,
      providerType: session.providerType,
      externalId: session.externalId,
      deviceId: session.deviceId,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
    });
  }

  /**
   * The session and its user's standing, in one indexed lookup: the hot path of every authenticated
   * request. Undefined when the session (or its user) no longer exists.
   */
  async state(sessionId: string): Promise<SessionState | undefined> {
    const row = (await stateQuery.readRows(this.db, { sessionId }, this.reader, STATE_NAMES))[0];
    return row && toSessionState(stateRow(row));
  }

  /**
   * The session, its user and the user's identities in one statement (one row per identity): what an
   * access-token request needs, for the price of one indexed lookup.
   */
  async stateWithUser(sessionId: string): Promise<{ session: SessionState; user: UserRecord } | undefined> {
    const rows = (await stateWithUserQuery.readRows(this.db, { sessionId }, this.reader, WITH_USER_NAMES)).map(withUserRow);
    const first = rows[0];
    if (!first) return undefined;
    const session = toSessionState(first);
    const userRow = {
      id: first.user_id,
      app_id: first.app_id,
      type: first.user_type,
      disabled: first.disabled,
      data: first.user_data,
      created_at: first.user_created_at,
      last_login_at: first.last_login_at,
      sessions_valid_since: first.sessions_valid_since,
    };
    // Oldest first, sorted here: `ORDER BY` in the statement costs SQLite a temporary B-tree per read.
    const identities = rows
      .filter((r) => r.i_external_id !== null)
      .sort((a, b) => Number(a.i_created_at) - Number(b.i_created_at))
      .map((r) =>
        toIdentity({
          user_id: first.user_id,
          provider_type: r.i_provider_type!,
          provider_name: r.i_provider_name!,
          external_id: r.i_external_id!,
          provider_data: r.i_provider_data!,
          created_at: r.i_created_at!,
        }),
      );
    const user = toUser(userRow, identities);
    return { session, user };
  }

  /** Revokes one session. Returns false if it was already revoked or does not exist. */
  async revoke(sessionId: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable("sessions")
      .set({ revoked_at: at })
      .where("id", "=", sessionId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes the live sessions a user opened with one identity (an API key's, when the key goes). */
  async revokeByIdentity(userId: string, providerType: string, externalId: string, at: number): Promise<number> {
    const result = await this.db
      .updateTable("sessions")
      .set({ revoked_at: at })
      .where("user_id", "=", userId)
      .where("provider_type", "=", providerType)
      .where("external_id", "=", externalId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Revokes every live session of a user. */
  async revokeAllForUser(userId: string, at: number): Promise<number> {
    const result = await this.db
      .updateTable("sessions")
      .set({ revoked_at: at })
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Records a device, or refreshes `last_seen_at` of a known one owned by the same app. */
  async upsertDevice(device: { id: string; appId: string; userId: string; info: Record<string, unknown>; at: number }): Promise<void> {
    await upsertDevice.run(this.db, {
      id: device.id,
      appId: device.appId,
      userId: device.userId,
      info: JSON.stringify(device.info),
      at: device.at,
    });
  }

  /** The app a device id belongs to, if the device is known. */
  async deviceApp(deviceId: string): Promise<string | undefined> {
    return (await deviceAppQuery.run(this.db, { deviceId })).rows[0]?.app_id;
  }

  /** Devices a user has logged in from. */
  async devicesOf(userId: string): Promise<{ id: string; info: Record<string, unknown>; createdAt: number; lastSeenAt: number }[]> {
    const rows = await this.db.selectFrom("devices").selectAll().where("user_id", "=", userId).orderBy("created_at").execute();
    return rows.map((r) => ({ id: r.id, info: JSON.parse(r.info), createdAt: Number(r.created_at), lastSeenAt: Number(r.last_seen_at) }));
  }
}

/** What decides whether a session is live: its own columns and its user's standing. */
const SESSION_STATE_COLUMNS = [
  "s.id",
  "s.app_id",
  "s.user_id",
  "s.provider_type",
  "s.external_id",
  "s.device_id",
  "s.created_at",
  "s.expires_at",
  "s.revoked_at",
  "u.disabled",
  "u.sessions_valid_since",
  "u.last_active_at",
] as const;

type SessionStateRow = SessionsTable & Pick<UsersTable, "disabled" | "sessions_valid_since" | "last_active_at">;

/** The columns the access-token read adds: the user and one identity per row (none: all null). */
const WITH_USER_COLUMNS = [
  "u.type as user_type",
  "u.data as user_data",
  "u.created_at as user_created_at",
  "u.last_login_at",
  "i.provider_type as i_provider_type",
  "i.provider_name as i_provider_name",
  "i.external_id as i_external_id",
  "i.provider_data as i_provider_data",
  "i.created_at as i_created_at",
] as const;

type WithUserRow = SessionStateRow & {
  user_type: string;
  user_data: string;
  user_created_at: number;
  last_login_at: number | null;
  i_provider_type: string | null;
  i_provider_name: string | null;
  i_external_id: string | null;
  i_provider_data: string | null;
  i_created_at: number | null;
};

const nameOf = (column: string) => column.slice(column.includes(" as ") ? column.indexOf(" as ") + 4 : column.indexOf(".") + 1);
const STATE_NAMES = SESSION_STATE_COLUMNS.map(nameOf);
const WITH_USER_NAMES = [...SESSION_STATE_COLUMNS, ...WITH_USER_COLUMNS].map(nameOf);

/**
 * The reads come back as arrays (store/raw-reader.ts says why); these give them their names, positions as
 * in the column lists above, in one fixed-shape literal each (a loop adding names costs as much as the read).
 */
function stateRow(r: unknown[]): SessionStateRow {
  return {
    id: r[0],
    app_id: r[1],
    user_id: r[2],
    provider_type: r[3],
    external_id: r[4],
    device_id: r[5],
    created_at: r[6],
    expires_at: r[7],
    revoked_at: r[8],
    disabled: r[9],
    sessions_valid_since: r[10],
    last_active_at: r[11],
  } as SessionStateRow;
}

function withUserRow(r: unknown[]): WithUserRow {
  return {
    id: r[0],
    app_id: r[1],
    user_id: r[2],
    provider_type: r[3],
    external_id: r[4],
    device_id: r[5],
    created_at: r[6],
    expires_at: r[7],
    revoked_at: r[8],
    disabled: r[9],
    sessions_valid_since: r[10],
    last_active_at: r[11],
    user_type: r[12],
    user_data: r[13],
    user_created_at: r[14],
    last_login_at: r[15],
    i_provider_type: r[16],
    i_provider_name: r[17],
    i_external_id: r[18],
    i_provider_data: r[19],
    i_created_at: r[20],
  } as WithUserRow;
}

function toSessionState(row: SessionStateRow): SessionState {
  return {
    id: row.id,
    appId: row.app_id,
    userId: row.user_id,
    providerType: row.provider_type,
    externalId: row.external_id,
    deviceId: row.device_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    userDisabled: row.disabled === 1,
    userSessionsValidSince: Number(row.sessions_valid_since),
    userLastActiveAt: row.last_active_at === null || row.last_active_at === undefined ? null : Number(row.last_active_at),
  };
}

/** The access-token hot path: session, user and identities of one session id. */
const stateWithUserQuery = new PreparedQuery((db: Kysely<Database>, p) =>
  db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .leftJoin("identities as i", "i.user_id", "u.id")
    .select([...SESSION_STATE_COLUMNS, ...WITH_USER_COLUMNS])
    .where("s.id", "=", p("sessionId")),
);

/** The refresh hot path: a session and its user's standing. */
const stateQuery = new PreparedQuery((db: Kysely<Database>, p) =>
  db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select(SESSION_STATE_COLUMNS)
    .where("s.id", "=", p("sessionId")),
);

const insertSession = new PreparedQuery((db: Kysely<Database>, p) =>
  db.insertInto("sessions").values({
    id: p("id"),
    app_id: p("appId"),
    user_id: p("userId"),
    provider_type: p("providerType"),
    external_id: p("externalId"),
    device_id: p("deviceId"),
    created_at: p("createdAt"),
    expires_at: p("expiresAt"),
    revoked_at: null,
  }),
);
const upsertDevice = new PreparedQuery((db: Kysely<Database>, p) =>
  db
    .insertInto("devices")
    .values({ id: p("id"), app_id: p("appId"), user_id: p("userId"), info: p("info"), created_at: p("at"), last_seen_at: p("at") })
    .onConflict((oc) => oc.column("id").doUpdateSet({ last_seen_at: p("at"), user_id: p("userId"), info: p("info") })),
);
const deviceAppQuery = new PreparedQuery((db: Kysely<Database>, p) =>
  db.selectFrom("devices").select("app_id").where("id", "=", p("deviceId")),
);
