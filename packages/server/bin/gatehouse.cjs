#!/usr/bin/env node
// The package's bin entry, committed rather than built: npm links bins before `prepare` builds dist/, and
// skips a link whose target does not exist yet, so a bin pointing into dist/ is missing after `npm ci`.
try {
  await import("../dist/cli.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    console.error("gatehouse: the CLI is not built yet; run `npm run build` in the repository first");
    process.exit(1);
  }
  throw error;
}
