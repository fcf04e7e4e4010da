import { sql, type Kysely, type Migration } from "kysely";
import { documentsMigration } from "./documents-table.js";
import { userCountDeltasMigration, userCountsMigration } from "./user-counts.js";
import type { Dialect } from "./connect.js";

/**
 * Schema migrations, in order. Each uses Kysely's schema builder so one definition serves both engines;
 * the few differences (auto-increment, 64-bit integers) are chosen by dialect. Never edit a shipped
 * migration: add a new one, named in its issue's number range. Kysely runs them in name order; one
 * named before migrations a database has run already is run too (see `allowUnorderedMigrations` in
 * connect.ts), so a migration must not depend on one of a later range.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const int64 = dialect === "postgres" ? "bigint" : "integer";
  return {
    "0001_core": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("users")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("created_at", int64, (c) => c.notNull())
          .addColumn("last_login_at", int64)
          .addColumn("sessions_valid_since", int64, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("users_app_created").on("users").columns(["app_id", "created_at"]).execute();

        await db.schema
          .createTable("identities")
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("provider_type", "text", (c) => c.notNull())
          .addColumn("external_id", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("provider_name", "text", (c) => c.notNull())
          .addColumn("provider_data", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("created_at", int64, (c) => c.notNull())
          .addPrimaryKeyConstraint("identities_pk", ["app_id", "provider_type", "external_id"])
          .execute();
        await db.schema.createIndex("identities_user").on("identities").column("user_id").execute();

        await db.schema
          .createTable("userpass_accounts")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("email", "text", (c) => c.notNull())
          .addColumn("email_key", "text", (c) => c.notNull())
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("confirmed", "integer", (c) => c.notNull())
          .addColumn("created_at", int64, (c) => c.notNull())
          .addColumn("updated_at", int64, (c) => c.notNull())
          .addUniqueConstraint("userpass_accounts_email", ["app_id", "email_key"])
          .execute();

        await db.schema
          .createTable("one_time_tokens")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("account_id", "text", (c) => c.notNull())
          .addColumn("purpose", "text", (c) => c.notNull())
          .addColumn("token_hash", "text", (c) => c.notNull())
          .addColumn("expires_at", int64, (c) => c.notNull())
          .addColumn("used_at", int64)
          .execute();
        await db.schema.createIndex("one_time_tokens_account").on("one_time_tokens").column("account_id").execute();

        await db.schema
          .createTable("sessions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("provider_type", "text", (c) => c.notNull())
          .addColumn("external_id", "text", (c) => c.notNull())
          .addColumn("device_id", "text", (c) => c.notNull())
          .addColumn("created_at", int64, (c) => c.notNull())
          .addColumn("expires_at", int64, (c) => c.notNull())
          .addColumn("revoked_at", int64)
          .execute();
        await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

        await db.schema
          .createTable("devices")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("info", "text", (c) => c.notNull())
          .addColumn("created_at", int64, (c) => c.notNull())
          .addColumn("last_seen_at", int64, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("devices_user").on("devices").column("user_id").execute();

        await db.schema
          .createTable("rate_limits")
          .addColumn("key", "text", (c) => c.primaryKey())
          .addColumn("window_start", int64, (c) => c.notNull())
          .addColumn("count", "integer", (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("audit_events")
          .addColumn("id", dialect === "postgres" ? "bigserial" : "integer", (c) =>
            dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("at", int64, (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("user_id", "text")
          .addColumn("provider", "text")
          .addColumn("ip", "text")
          .addColumn("result", "text", (c) => c.notNull())
          .addColumn("detail", "text")
          .execute();
        await db.schema.createIndex("audit_events_app_at").on("audit_events").columns(["app_id", "at"]).execute();
        await db.schema.createIndex("audit_events_user").on("audit_events").column("user_id").execute();

        await db.schema
          .createTable("signing_keys")
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("kid", "text", (c) => c.notNull())
          .addColumn("secret", "text", (c) => c.notNull())
          .addColumn("created_at", int64, (c) => c.notNull())
          .addPrimaryKeyConstraint("signing_keys_pk", ["app_id", "kid"])
          .execute();
      },
    },
    // Builtin collections (custom user data, data from functions): part of every store.
    "0100_documents": documentsMigration,
    "0200_api_keys": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("api_keys")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("key_hash", "text", (c) => c.notNull().unique())
          .addColumn("disabled", "integer", (c) => c.notNull())
          .addColumn("created_at", int64, (c) => c.notNull())
          .addUniqueConstraint("api_keys_user_name", ["user_id", "name"])
          .execute();
      },
    },
    "0300_expiry_indexes": {
      // Housekeeping deletes by expiry every 10 minutes; without these each pass scans whole tables.
      async up(db: Kysely<any>) {
        await db.schema.createIndex("sessions_expires").on("sessions").column("expires_at").execute();
        await db.schema.createIndex("one_time_tokens_expires").on("one_time_tokens").column("expires_at").execute();
        await db.schema.createIndex("rate_limits_window").on("rate_limits").column("window_start").execute();
      },
    },
    "0400_retention": {
      // Housekeeping reclaims what clients leave behind (store/housekeeping.ts); each of its batches is an
      // index range, never a table scan.
      async up(db: Kysely<any>) {
        // Moved forward by refreshes (at most daily): an anonymous user's only sign of life.
        await db.schema.alterTable("users").addColumn("last_active_at", int64).execute();
        await sql`create index users_activity on users ((coalesce(last_active_at, last_login_at, created_at)), id)`.execute(db);
        await db.schema.createIndex("sessions_device").on("sessions").column("device_id").execute();
        await db.schema.createIndex("sessions_revoked").on("sessions").column("revoked_at").execute();
        await db.schema.createIndex("audit_events_at").on("audit_events").column("at").execute();
        // Devices are pruned when their last session goes; the ones orphaned before that, now.
        await sql`delete from devices where not exists (select 1 from sessions s where s.device_id = devices.id)`.execute(db);
      },
    },
    "0401_email_keys_nfc": {
      // Email keys are compared in Unicode NFC from now on; keys stored before that (only non-ASCII ones
      // can differ) are normalised, except where that would collide with another account's key.
      async up(db: Kysely<any>) {
        const nonAscii = dialect === "postgres" ? sql<boolean>`email_key ~ '[^ -~]'` : sql<boolean>`email_key glob '*[^ -~]*'`;
        const rows = await db.selectFrom("userpass_accounts").select(["id", "app_id", "email_key"]).where(nonAscii).execute();
        for (const row of rows as { id: string; app_id: string; email_key: string }[]) {
          const key = row.email_key.normalize("NFC");
          if (key === row.email_key) continue;
          const taken = await db
            .selectFrom("userpass_accounts")
            .select("id")
            .where("app_id", "=", row.app_id)
            .where("email_key", "=", key)
            .executeTakeFirst();
          if (!taken) await db.updateTable("userpass_accounts").set({ email_key: key }).where("id", "=", row.id).execute();
        }
      },
    },
    // Issue 10: operator keys and admin sessions, run-time settings, the actor of audited admin actions.
    "0500_admin": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("admin_keys")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("username", "text", (c) => c.notNull().unique())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("key_hash", "text", (c) => c.notNull())
          .addColumn("created_at", int64, (c) => c.notNull())
          .addColumn("last_used_at", int64)
          .execute();
        await db.schema
          .createTable("admin_sessions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("key_id", "text", (c) => c.notNull())
          .addColumn("created_at", int64, (c) => c.notNull())
          .addColumn("expires_at", int64, (c) => c.notNull())
          .addColumn("revoked_at", int64)
          .execute();
        await db.schema.createIndex("admin_sessions_key").on("admin_sessions").column("key_id").execute();
        await db.schema.createIndex("admin_sessions_expires").on("admin_sessions").column("expires_at").execute();
        await db.schema
          .createTable("runtime_settings")
          .addColumn("scope", "text", (c) => c.notNull())
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("value", "text", (c) => c.notNull())
          .addColumn("updated_at", int64, (c) => c.notNull())
          .addPrimaryKeyConstraint("runtime_settings_pk", ["scope", "key"])
          .execute();
        await db.schema.alterTable("audit_events").addColumn("actor", "text").execute();
      },
    },
    // Keyset pages and searches of the admin API: every filter has an index that yields users in page order.
    "0501_admin_user_indexes": {
      async up(db: Kysely<any>) {
        await db.schema.createIndex("users_app_id").on("users").columns(["app_id", "id"]).execute();
        await db.schema.createIndex("users_app_created_id").on("users").columns(["app_id", "created_at", "id"]).execute();
        await db.schema.createIndex("users_app_login_id").on("users").columns(["app_id", "last_login_at", "id"]).execute();
        await db.schema.createIndex("users_app_disabled_id").on("users").columns(["app_id", "disabled", "id"]).execute();
        await db.schema.createIndex("identities_app_type_user").on("identities").columns(["app_id", "provider_type", "user_id"]).execute();
        await db.schema
          .createIndex("userpass_accounts_app_confirmed_id")
          .on("userpass_accounts")
          .columns(["app_id", "confirmed", "id"])
          .execute();
        await db.schema.createIndex("audit_events_app_id").on("audit_events").columns(["app_id", "id"]).execute();
        // Email prefixes are byte ranges; PostgreSQL needs the "C" collation for them to use an index.
        if (dialect === "postgres") {
          await sql`create index userpass_accounts_app_email_c on userpass_accounts (app_id, email_key collate "C")`.execute(db);
        }
      },
    },
    "0600_imported_devices": {
      // Anonymous users brought over by `gatehouse users import`, found again by the device they had.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("imported_devices")
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("device_id", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("created_at", int64, (c) => c.notNull())
          .addPrimaryKeyConstraint("imported_devices_pk", ["app_id", "device_id"])
          .execute();
        await db.schema.createIndex("imported_devices_user").on("imported_devices").column("user_id").execute();
      },
    },
    "0700_oauth_states": {
      // One row per OAuth redirect login in flight: deleting it on the callback makes each state single-use.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("oauth_states")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("expires_at", int64, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("oauth_states_expires").on("oauth_states").column("expires_at").execute();
      },
    },
    "1100_app_user_counts": userCountsMigration(dialect),
    "1400_app_user_count_deltas": userCountDeltasMigration(dialect),
    "1900_drop_users_app_created": {
      // (app_id, created_at) is a prefix of 0501's users_app_created_id, which serves every query it did;
      // each user insert and delete paid a B-tree of its own for nothing.
      async up(db: Kysely<any>) {
        await db.schema.dropIndex("users_app_created").ifExists().execute();
      },
    },
    "2000_sessions_revoked_partial": {
      // Housekeeping looks up revoked sessions only (`revoked_at is not null`), yet every new session, whose
      // revoked_at is null, was an entry of this index: a B-tree write per login, ~2 us of it on SQLite.
      async up(db: Kysely<any>) {
        await db.schema.dropIndex("sessions_revoked").execute();
        await sql`create index sessions_revoked on sessions (revoked_at) where revoked_at is not null`.execute(db);
      },
    },
  };
}
