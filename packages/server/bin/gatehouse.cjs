#!/usr/bin/env node
// The package's bin entry, committed rather than built: npm links bins before `prepare` builds dist/, and
// skips a link whose target does not exist yet, so a bin pointing into dist/ is missing after `npm ci`.
//
// CommonJS so that it runs before libuv's thread pool starts (an ES module entry starts it: the loader reads
// files on it). The pool gets one thread per core unless the operator chose a size: argon2id runs one job
// per core on it, and each job then finds the thread its lane last ran on (src/auth/argon2-threads.ts).
process.env.UV_THREADPOOL_SIZE ??= String(require("node:os").availableParallelism());

import("../dist/cli.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    console.error("gatehouse: the CLI is not built yet; run `npm run build` in the repository first");
    process.exit(1);
  }
  throw error;
});
