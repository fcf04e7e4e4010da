/**
 * The Node flags of every documented way to start the server agree: `npm start` (which the bench follows,
 * bench/run.mjs), the image's NODE_OPTIONS (deploy/Dockerfile) and the systemd unit's (docs/deploying.md).
 * A flag dropped from one of them would make the bench measure a server nobody runs. The two deployment
 * files also agree on the environment they set for memory.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { it } from "node:test";
import { repoRoot } from "../helpers/server.js";
import { dockerEnv, finalStage, parseDockerfile } from "./deploy-files.js";

/** The `--` words right after `node` in a command line. */
function nodeFlags(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const flags: string[] = [];
  for (const word of words.slice(words.indexOf("node") + 1)) {
    if (!word.startsWith("--")) break;
    flags.push(word);
  }
  return flags;
}

it("npm start, the image and the systemd unit start Node with the same flags", async () => {
  const start = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")).scripts.start as string;
  const npmStart = nodeFlags(start);
  assert.ok(npmStart.includes("--max-semi-space-size=4"), start);
  const image = dockerEnv(finalStage(parseDockerfile(await readFile(join(repoRoot, "deploy/Dockerfile"), "utf8"))));
  assert.deepEqual((image.NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean), npmStart, "deploy/Dockerfile NODE_OPTIONS");
  const guide = await readFile(join(repoRoot, "docs/deploying.md"), "utf8");
  const unit = /```ini\n([\s\S]*?)```/.exec(guide)![1]!;
  const unitOptions = /^Environment=NODE_OPTIONS=(.*)$/m.exec(unit)?.[1] ?? "";
  const execStart = /^ExecStart=(.*)$/m.exec(unit)![1]!;
  assert.deepEqual(
    [...nodeFlags(execStart.replace(/^\S*node\b/, "node")), ...unitOptions.split(/\s+/).filter(Boolean)],
    npmStart,
    "the systemd unit",
  );
});

it("the image and the systemd unit set the same malloc arena limit", async () => {
  // An environment variable, so not in `npm start` (docs/deploying.md, "Memory"); the two deployment
  // files must not drift apart.
  const image = dockerEnv(finalStage(parseDockerfile(await readFile(join(repoRoot, "deploy/Dockerfile"), "utf8"))));
  const guide = await readFile(join(repoRoot, "docs/deploying.md"), "utf8");
  const unit = /```ini\n([\s\S]*?)```/.exec(guide)![1]!;
  assert.equal(image.MALLOC_ARENA_MAX, "2", "deploy/Dockerfile");
  assert.equal(/^Environment=MALLOC_ARENA_MAX=(.*)$/m.exec(unit)?.[1], image.MALLOC_ARENA_MAX, "the systemd unit");
});
