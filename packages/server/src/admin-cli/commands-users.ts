import type { Command } from "commander";
import type { AdminUserView } from "../admin/index.js";
import { AdminClient, UsageError, type ConnectionOptions } from "./client.js";
import { userDetails, usersTable } from "./format.js";
import { ProgressBar } from "./progress.js";

/** Options every app-scoped command takes. */
export interface AppOptions extends ConnectionOptions {
  app?: string;
  json?: boolean;
}

/** The app a command is about: `--app` (client app id or `_id`), or the only app the server serves. */
export async function chooseApp(client: AdminClient, app: string | undefined): Promise<string> {
  if (app) return app;
  const apps = (await client.request("GET", `/groups/${await client.groupId()}/apps`)) as { client_app_id: string }[];
  if (apps.length === 1) return apps[0]!.client_app_id;
  throw new UsageError(`the server serves ${apps.length} apps: choose one with --app (${apps.map((a) => a.client_app_id).join(", ")})`);
}

/** Adds `--url`, `--key`, `--app` and `--json` to a command. */
export function appCommand(command: Command): Command {
  return command
    .option("--url <url>", "server URL (env GATEHOUSE_ADMIN_URL, or the login profile)")
    .option("--key <username:apiKey>", "operator key (env GATEHOUSE_ADMIN_KEY, or the login profile)")
    .option("--app <id>", "client app id or _id (needed when the server serves several apps)")
    .option("--json", "print JSON for scripts");
}

const SEARCH_FIELDS = {
  email: "email",
  id: "id",
  provider: "provider",
  createdAfter: "created_after",
  createdBefore: "created_before",
  lastLoginAfter: "last_login_after",
  lastLoginBefore: "last_login_before",
} as const;

interface SearchOptions extends AppOptions {
  email?: string;
  id?: string;
  provider?: string;
  disabled?: boolean;
  enabled?: boolean;
  createdAfter?: string;
  createdBefore?: string;
  lastLoginAfter?: string;
  lastLoginBefore?: string;
  filter?: string[];
  all?: boolean;
  limit?: string;
  desc?: boolean;
}

/** The query string of a search: flags, and `--filter key=value` pairs as the admin API names them. */
function searchQuery(opts: SearchOptions): URLSearchParams {
  const query = new URLSearchParams();
  for (const [flag, param] of Object.entries(SEARCH_FIELDS)) {
    const value = opts[flag as keyof typeof SEARCH_FIELDS];
    if (value !== undefined) query.set(param, value);
  }
  if (opts.disabled) query.set("disabled", "true");
  if (opts.enabled) query.set("disabled", "false");
  for (const pair of opts.filter ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--filter takes key=value, not '${pair}'`);
    query.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  if (opts.desc) query.set("desc", "true");
  return query;
}

/** Pages through a search (all pages with `all`, else the first `limit` users). */
async function collect(client: AdminClient, app: string, query: URLSearchParams, all: boolean, limit = 50): Promise<AdminUserView[]> {
  const users: AdminUserView[] = [];
  for (;;) {
    const page = new URLSearchParams(query);
    const last = users[users.length - 1];
    if (last) page.set("after", last._id);
    const want = all ? 50 : Math.min(50, limit - users.length);
    page.set("limit", String(want));
    const batch = (await client.request("GET", await client.appPath(app, `/users?${page}`))) as AdminUserView[];
    users.push(...batch);
    if (batch.length < want || (!all && users.length >= limit)) return users;
  }
}

function printUsers(users: AdminUserView[], json: boolean | undefined): void {
  if (json) console.log(JSON.stringify(users));
  else console.log(users.length === 0 ? "no users" : usersTable(users));
}

/** `gatehouse users …`: list, search, get, create, delete, disable, enable, logout. */
export function registerUserAdminCommands(program: Command): void {
  // `users import|export` (migration/) may have made the group already.
  const users = program.commands.find((c) => c.name() === "users") ?? program.command("users");
  users.description("list, search and manage an app's users (admin API); import and export them");
  const searchOptions = (c: Command) =>
    appCommand(c)
      .option("--all", "every page, not just the first")
      .option("--limit <n>", "at most this many users (default 50)")
      .option("--desc", "newest id first");

  searchOptions(users.command("list").description("users in id order")).action(async (opts: SearchOptions) => {
    const client = await AdminClient.connect(opts);
    const app = await chooseApp(client, opts.app);
    printUsers(await collect(client, app, searchQuery({ desc: opts.desc }), opts.all === true, limitOf(opts)), opts.json);
  });

  searchOptions(users.command("search").description("users matching every filter given"))
    .option("--email <prefix>", "email prefix (as the app compares emails)")
    .option("--id <prefix>", "user id prefix")
    .option("--provider <type>", "has an identity of this provider type")
    .option("--disabled", "disabled users only")
    .option("--enabled", "enabled users only")
    .option("--created-after <time>", "seconds or ISO date")
    .option("--created-before <time>", "seconds or ISO date")
    .option("--last-login-after <time>", "seconds or ISO date")
    .option("--last-login-before <time>", "seconds or ISO date")
    .option("--filter <key=value>", "an admin API search parameter (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
    .action(async (opts: SearchOptions) => {
      const client = await AdminClient.connect(opts);
      const app = await chooseApp(client, opts.app);
      printUsers(await collect(client, app, searchQuery(opts), opts.all === true, limitOf(opts)), opts.json);
    });

  appCommand(users.command("get").description("one user").argument("<userId>")).action(async (userId: string, opts: AppOptions) => {
    const client = await AdminClient.connect(opts);
    const user = (await client.request(
      "GET",
      await client.appPath(await chooseApp(client, opts.app), `/users/${userId}`),
    )) as AdminUserView;
    console.log(opts.json ? JSON.stringify(user) : userDetails(user));
  });

  appCommand(users.command("create").description("a confirmed email/password user"))
    .requiredOption("--email <email>", "the address")
    .requiredOption("--password <password>", "6 to 128 characters")
    .action(async (opts: AppOptions & { email: string; password: string }) => {
      const client = await AdminClient.connect(opts);
      const path = await client.appPath(await chooseApp(client, opts.app), "/users");
      const user = (await client.request("POST", path, { email: opts.email, password: opts.password })) as AdminUserView;
      console.log(opts.json ? JSON.stringify(user) : `created user ${user._id} (${opts.email})`);
    });

  appCommand(users.command("delete").description("delete users by id, or every user a --filter search finds (with --yes)"))
    .argument("[userIds...]")
    .option(
      "--filter <key=value>",
      "search parameter (repeatable): email, id, provider, disabled, created_after, …",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--yes", "really delete what the filter finds")
    .option("--concurrency <n>", "requests in flight (default 4)")
    .action(async (ids: string[], opts: SearchOptions & { yes?: boolean; concurrency?: string }) => {
      const client = await AdminClient.connect(opts);
      const app = await chooseApp(client, opts.app);
      if (ids.length > 0 && opts.filter) throw new UsageError("give user ids or --filter, not both");
      let targets = ids;
      if (opts.filter) {
        // Collected first: deleting while paging would move the keyset under the pages still to read.
        targets = (await collect(client, app, searchQuery({ filter: opts.filter }), true)).map((u) => u._id);
        if (!opts.yes) {
          console.log(`${targets.length} users match; run again with --yes to delete them`);
          return;
        }
      }
      if (targets.length === 0) throw new UsageError(opts.filter ? "no user matches the filter" : "give user ids or --filter");
      const bar = targets.length > 1 ? new ProgressBar(targets.length, "deleting") : undefined;
      await eachConcurrently(targets, Number(opts.concurrency ?? 4), async (id) => {
        await client.request("DELETE", await client.appPath(app, `/users/${id}`));
        bar?.tick();
      });
      bar?.finish();
      console.log(opts.json ? JSON.stringify({ deleted: targets }) : `deleted ${targets.length} user${targets.length === 1 ? "" : "s"}`);
    });

  for (const [action, done, description] of [
    ["disable", "disabled", "disable users: they cannot log in, and every session ends at once"],
    ["enable", "enabled", "enable disabled users"],
    ["logout", "logged out", "end every session of users, access tokens included"],
  ] as const) {
    appCommand(users.command(action).description(description))
      .argument("<userIds...>")
      .action(async (ids: string[], opts: AppOptions) => {
        const client = await AdminClient.connect(opts);
        const app = await chooseApp(client, opts.app);
        for (const id of ids) await client.request("PUT", await client.appPath(app, `/users/${id}/${action}`));
        console.log(
          opts.json ? JSON.stringify({ [done.replace(" ", "_")]: ids }) : `${done} ${ids.length} user${ids.length === 1 ? "" : "s"}`,
        );
      });
  }
}

function limitOf(opts: SearchOptions): number {
  if (opts.limit === undefined) return 50;
  const n = Number(opts.limit);
  if (!Number.isInteger(n) || n < 1) throw new UsageError("--limit takes a positive integer");
  return n;
}

/** Runs `work` over `items` with at most `concurrency` in flight; the first failure stops new starts. */
async function eachConcurrently<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
