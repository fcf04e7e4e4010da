import type { Command } from "commander";
import type { AdminAppView, AuditEventView, PendingUserView } from "../admin/index.js";
import { AdminClient } from "./client.js";
import { appCommand, chooseApp, type AppOptions } from "./commands-users.js";
import { writeProfile } from "./profile.js";
import { relativeTime, renderTable } from "./table.js";

/** `gatehouse login`, `apps list`, `pending …`, `events`. */
export function registerOperatorCommands(program: Command): void {
  program
    .command("login")
    .description("check a server URL and operator key, and keep them in a profile for the other admin commands")
    .requiredOption("--url <url>", "server URL")
    .requiredOption("--key <username:apiKey>", "operator key")
    .action(async (opts: { url: string; key: string }) => {
      const client = await AdminClient.connect(opts);
      const group = await client.groupId();
      const path = await writeProfile({ url: client.url, key: opts.key });
      console.log(`logged in to ${client.url} (group ${group}); profile written to ${path}`);
    });

  const apps = program.command("apps").description("the apps a server serves");
  appCommand(apps.command("list").description("every app with its ids")).action(async (opts: AppOptions) => {
    const client = await AdminClient.connect(opts);
    const list = (await client.request("GET", `/groups/${await client.groupId()}/apps`)) as AdminAppView[];
    if (opts.json) return console.log(JSON.stringify(list));
    console.log(
      renderTable(
        ["CLIENT APP ID", "_ID", "NAME", "LOCATION", "DEPLOYMENT"],
        list.map((a) => [a.client_app_id, a._id, a.name, a.location, a.deployment_model]),
      ),
    );
  });

  const pending = program.command("pending").description("email/password registrations waiting for confirmation");
  appCommand(pending.command("list").description("pending registrations"))
    .option("--all", "every page")
    .action(async (opts: AppOptions & { all?: boolean }) => {
      const client = await AdminClient.connect(opts);
      const app = await chooseApp(client, opts.app);
      const rows: PendingUserView[] = [];
      for (;;) {
        const after = rows.length ? `?after=${rows[rows.length - 1]!._id}` : "";
        const page = (await client.request(
          "GET",
          await client.appPath(app, `/user_registrations/pending_users${after}`),
        )) as PendingUserView[];
        rows.push(...page);
        if (!opts.all || page.length < 50) break;
      }
      if (opts.json) return console.log(JSON.stringify(rows));
      const now = Date.now();
      console.log(
        rows.length === 0
          ? "no pending registrations"
          : renderTable(
              ["EMAIL", "REGISTERED"],
              rows.map((r) => [r.login_ids[0]?.id ?? "", relativeTime(r.creation_date * 1000, now)]),
            ),
      );
    });
  for (const [action, method, sub, done] of [
    ["confirm", "POST", "/confirm", "confirmed"],
    ["delete", "DELETE", "", "deleted"],
  ] as const) {
    appCommand(pending.command(action).description(`${action} a pending registration`))
      .argument("<email>")
      .action(async (email: string, opts: AppOptions) => {
        const client = await AdminClient.connect(opts);
        const app = await chooseApp(client, opts.app);
        await client.request(method, await client.appPath(app, `/user_registrations/by_email/${encodeURIComponent(email)}${sub}`));
        console.log(opts.json ? JSON.stringify({ [done]: email }) : `${done} ${email}`);
      });
  }

  appCommand(program.command("events").description("the app's audit log, newest first"))
    .option("--user <id>", "events about this user")
    .option("--type <type>", "login, delete, disable, …")
    .option("--result <result>", "ok, or a failure's reason")
    .option("--since <time>", "seconds or ISO date")
    .option("--until <time>", "seconds or ISO date")
    .option("--limit <n>", "at most this many (default 50, up to 100)")
    .action(
      async (opts: AppOptions & { user?: string; type?: string; result?: string; since?: string; until?: string; limit?: string }) => {
        const client = await AdminClient.connect(opts);
        const app = await chooseApp(client, opts.app);
        const query = new URLSearchParams({ limit: opts.limit ?? "50" });
        if (opts.user) query.set("user_id", opts.user);
        if (opts.type) query.set("type", opts.type);
        if (opts.result) query.set("result", opts.result);
        if (opts.since) query.set("start_date", opts.since);
        if (opts.until) query.set("end_date", opts.until);
        const events = (await client.request("GET", await client.appPath(app, `/logs?${query}`))) as AuditEventView[];
        if (opts.json) return console.log(JSON.stringify(events));
        const now = Date.now();
        console.log(
          events.length === 0
            ? "no events"
            : renderTable(
                ["WHEN", "TYPE", "RESULT", "USER", "PROVIDER", "ACTOR", "IP"],
                events.map((e) => [
                  relativeTime(e.time * 1000, now),
                  e.type,
                  e.result,
                  e.user_id ?? "-",
                  e.provider ?? "-",
                  e.actor ?? "-",
                  e.ip ?? "-",
                ]),
              ),
        );
      },
    );
}
