import { Command, Option } from "commander";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { systemClock } from "../clock.js";
import { readServerConfigFile } from "../server-config.js";
import { Store } from "../store/store.js";
import { importCustomData } from "./custom-data.js";
import { exportUsers } from "./export-service.js";
import { firebaseParamsFrom } from "./foreign-hashes.js";
import { UserImportService, type ImportIssue } from "./import-service.js";
import { ProgressBar } from "./progress.js";
import { readEntries } from "./reader.js";

interface ImportFlags {
  db: string;
  app: string;
  config?: string;
  strict?: boolean;
  batchSize: string;
  firebaseSignerKey?: string;
  firebaseSaltSeparator?: string;
  firebaseRounds?: string;
  firebaseMemCost?: string;
  customData?: string;
  customDataCollection?: string;
  progress: boolean;
}

/** Adds `gatehouse users import` and `gatehouse users export` to the CLI. */
export function registerUserCommands(program: Command): void {
  const users = program.command("users").description("import and export users (migration from App Services, Firebase, ...)");
  users
    .command("import")
    .description("import users (App Services Admin API user objects: NDJSON, or JSON arrays of pages); FILE '-' reads standard input")
    .argument("<file>", "the users file")
    .addOption(new Option("--db <url>", "sqlite:PATH or postgres://...").env("GATEHOUSE_DB").makeOptionMandatory())
    .requiredOption("--app <clientAppId>", "the client app id the users belong to")
    .addOption(new Option("--config <file>", "server config file (for the app's emailMatching)").env("GATEHOUSE_CONFIG"))
    .option("--strict", "stop at the first bad record or conflict, writing nothing of its batch")
    .option("--batch-size <n>", "users per transaction", "1000")
    .option("--firebase-signer-key <base64>", "Firebase project hash parameter base64_signer_key")
    .option("--firebase-salt-separator <base64>", "Firebase project hash parameter base64_salt_separator")
    .option("--firebase-rounds <n>", "Firebase project hash parameter rounds")
    .option("--firebase-mem-cost <n>", "Firebase project hash parameter mem_cost")
    .option("--custom-data <file>", "an NDJSON (Extended JSON) export of the custom user data collection")
    .option("--custom-data-collection <db.collection>", "where the app reads custom user data (auth/custom_user_data.json)")
    .option("--no-progress", "no progress bar")
    .action(async (file: string, flags: ImportFlags) => {
      process.exitCode = await runImport(file, flags);
    });
  users
    .command("export")
    .description("write an app's users to standard output as NDJSON, in the format import reads")
    .addOption(new Option("--db <url>", "sqlite:PATH or postgres://...").env("GATEHOUSE_DB").makeOptionMandatory())
    .requiredOption("--app <clientAppId>", "the client app id")
    .option("--with-hashes", "include password hashes (argon2id) and API key hashes: treat the output as a secret")
    .action(async (flags: { db: string; app: string; withHashes?: boolean }) => {
      const store = await Store.open(flags.db);
      try {
        for await (const user of exportUsers(store, { appId: flags.app, withHashes: flags.withHashes === true })) {
          if (!process.stdout.write(`${JSON.stringify(user)}\n`)) await new Promise((r) => process.stdout.once("drain", r));
        }
      } finally {
        await store.close();
      }
    });
}

/** Runs one import; the exit code is 0 when every record was imported or already there, else 1. */
async function runImport(file: string, flags: ImportFlags): Promise<number> {
  const firebase = firebaseParamsFrom({
    signerKey: flags.firebaseSignerKey,
    saltSeparator: flags.firebaseSaltSeparator,
    rounds: flags.firebaseRounds,
    memCost: flags.firebaseMemCost,
  });
  if (typeof firebase === "string")
    throw new Error(`${firebase} (--firebase-signer-key, --firebase-salt-separator, --firebase-rounds, --firebase-mem-cost)`);
  const batchSize = Number(flags.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error("--batch-size must be 1 to 10000");
  const [database, collection, ...more] = (flags.customDataCollection ?? "").split(".");
  if (flags.customData && (!database || !collection || more.length > 0))
    throw new Error("--custom-data needs --custom-data-collection DB.COLLECTION");
  const config = flags.config ? await readServerConfigFile(flags.config) : {};
  const caseInsensitive = config.apps?.[flags.app]?.emailMatching === "case-insensitive";
  const store = await Store.open(flags.db);
  const printIssue = (issue: ImportIssue) =>
    process.stderr.write(`${issue.where}: ${issue.kind === "conflict" ? "conflict: " : ""}${issue.reason}\n`);
  try {
    const input = await openInput(file);
    const bar = flags.progress ? new ProgressBar(process.stderr, input.size, () => input.stream.bytesRead ?? 0) : undefined;
    const report = await new UserImportService(store, systemClock).run(readEntries(input.stream), {
      appId: flags.app,
      ...(caseInsensitive ? { emailKey: (email: string) => email.toLowerCase() } : {}),
      strict: flags.strict === true,
      batchSize,
      ...(firebase ? { firebase } : {}),
      onProgress: (counts) => bar?.update(counts),
      onIssue: printIssue,
    });
    bar?.update(report, true);
    console.log(
      `users: imported ${report.imported}, skipped ${report.skipped} (already imported), conflicts ${report.conflicts}, errors ${report.errors}`,
    );
    if (report.stopped) console.log(`stopped (--strict) at ${report.stopped.where}: nothing of that batch was written`);
    let clean = report.conflicts === 0 && report.errors === 0;
    if (flags.customData) {
      const data = await openInput(flags.customData);
      const counts = await importCustomData(store, readEntries(data.stream), {
        appId: flags.app,
        database: database!,
        collection: collection!,
        onIssue: printIssue,
      });
      console.log(
        `custom user data (${database}.${collection}): imported ${counts.imported}, skipped ${counts.skipped}, errors ${counts.errors}`,
      );
      clean &&= counts.errors === 0;
    }
    return clean ? 0 : 1;
  } finally {
    await store.close();
  }
}

async function openInput(file: string): Promise<{ stream: Readable & { bytesRead?: number }; size?: number }> {
  if (file === "-") return { stream: process.stdin };
  const { size } = await stat(file);
  return { stream: createReadStream(file), size };
}
