import type { FastifyInstance } from "fastify";
import { Readable } from "node:stream";
import { Errors } from "../../errors.js";
import { firebaseParamsFrom } from "../../migration/foreign-hashes.js";
import type { ImportIssue } from "../../migration/import-service.js";
import { LineTooLongError, readEntries } from "../../migration/reader.js";
import type { AdminRouteOptions } from "./app-scope.js";
import { adminContext } from "./context.js";
import { importQuerySchema, importReportSchema } from "./schemas.js";

/** Query parameters arrive as strings (the schema checks their shape). */
interface ImportQuery {
  strict?: "true" | "false";
  batch_size?: string;
  firebase_signer_key?: string;
  firebase_salt_separator?: string;
  firebase_rounds?: string;
  firebase_mem_cost?: string;
}

/** Issues listed in the answer; the counts cover all of them. */
const MAX_ISSUES = 1000;
const MAX_LINE_BYTES = 1024 * 1024;

/**
 * `POST users/import`: the import of `gatehouse users import` over HTTP. The body is NDJSON
 * (`application/x-ndjson`, streamed: read one line at a time and written in batches, so its size is
 * not limited) or a JSON array of users or pages (`application/json`, within the body limit).
 */
export async function importRoutes(app: FastifyInstance, { services }: AdminRouteOptions): Promise<void> {
  app.addContentTypeParser("application/x-ndjson", (_req, payload, done) => done(null, payload));

  app.post<{ Querystring: ImportQuery; Body: unknown }>(
    "/users/import",
    { schema: { querystring: importQuerySchema, response: { 200: importReportSchema } } },
    async (req) => {
      const { app: target, operator } = adminContext(req);
      const q = req.query;
      const firebase = firebaseParamsFrom({
        signerKey: q.firebase_signer_key,
        saltSeparator: q.firebase_salt_separator,
        rounds: q.firebase_rounds,
        memCost: q.firebase_mem_cost,
      });
      if (typeof firebase === "string") throw Errors.invalidParameter(firebase);
      const body = req.body instanceof Readable ? req.body : Readable.from(req.body === undefined ? [] : [JSON.stringify(req.body)]);
      const issues: ImportIssue[] = [];
      try {
        const report = await services.imports.run(readEntries(body, { maxLineBytes: MAX_LINE_BYTES }), {
          appId: target.id,
          emailKey: target.emailKey,
          strict: q.strict === "true",
          ...(q.batch_size ? { batchSize: Number(q.batch_size) } : {}),
          ...(firebase ? { firebase } : {}),
          actor: operator.name,
          ip: req.ip,
          onIssue: (issue) => {
            if (issues.length < MAX_ISSUES) issues.push(issue);
          },
        });
        return { ...report, issues, issues_truncated: report.errors + report.conflicts > issues.length };
      } catch (error) {
        if (error instanceof LineTooLongError) throw Errors.importLineTooLong(error.maxLineBytes);
        throw error;
      }
    },
  );
}
