import type { Command } from "commander";
import { OperatorKeys } from "../admin/index.js";
import { AuditLog } from "../audit/audit-log.js";
import { systemClock } from "../clock.js";
import { Store } from "../store/store.js";
import { relativeTime, renderTable } from "./table.js";

/** Runs `work` with the operator keys of a database (created and migrated if new), then closes it. */
async function withKeys<T>(db: string, work: (keys: OperatorKeys) => Promise<T>): Promise<T> {
  const store = await Store.open(db);
  try {
    return await work(new OperatorKeys(store, systemClock, new AuditLog(store, systemClock)));
  } finally {
    await store.close();
  }
}

/**
 * `gatehouse admin-keys create|list|delete`: operator API keys, written straight to the database (no
 * server needed: this is how the first key comes to exist).
 */
export function registerAdminKeyCommands(program: Command): void {
  const group = program.command("admin-keys").description("operator API keys for the admin API (written to the database)");
  const dbOption = (c: Command) => c.requiredOption("--db <url>", "sqlite:PATH or postgres://...", process.env.GATEHOUSE_DB);

  dbOption(group.command("create").description("create a key; its private part is printed once"))
    .option("--name <name>", "a label for the key (the actor named in the audit log)")
    .option("--json", 'print {"username": "...", "apiKey": "..."}')
    .action(async (opts: { db: string; name?: string; json?: boolean }) => {
      const key = await withKeys(opts.db, (keys) => keys.create(opts.name));
      if (opts.json) {
        console.log(`{"username": ${JSON.stringify(key.username)}, "apiKey": ${JSON.stringify(key.apiKey)}}`);
        return;
      }
      console.log(`name:     ${key.name}`);
      console.log(`username: ${key.username}`);
      console.log(`apiKey:   ${key.apiKey}`);
      console.log("The API key is shown only now; only its hash is stored.");
      console.log(`Use it as --key ${key.username}:${key.apiKey} (or GATEHOUSE_ADMIN_KEY).`);
    });

  dbOption(group.command("list").description("list keys (never their private parts)"))
    .option("--json", "print a JSON array")
    .action(async (opts: { db: string; json?: boolean }) => {
      const list = await withKeys(opts.db, (keys) => keys.list());
      if (opts.json) {
        console.log(
          JSON.stringify(list.map((k) => ({ username: k.username, name: k.name, created: k.createdAt, last_used: k.lastUsedAt }))),
        );
        return;
      }
      const now = Date.now();
      console.log(
        renderTable(
          ["USERNAME", "NAME", "CREATED", "LAST USED"],
          list.map((k) => [
            k.username,
            k.name,
            relativeTime(k.createdAt, now),
            k.lastUsedAt === null ? "never" : relativeTime(k.lastUsedAt, now),
          ]),
        ),
      );
    });

  dbOption(group.command("delete").description("delete a key (by username or name) and end its sessions"))
    .argument("<key>", "the key's username or name")
    .action(async (which: string, opts: { db: string }) => {
      const key = await withKeys(opts.db, (keys) => keys.delete(which));
      console.log(`deleted key ${key.username} (${key.name})`);
    });
}
