import { Ajv, type ValidateFunction } from "ajv";
import { validationError } from "../transport.js";
import type { BodySchema } from "./body-schemas.js";

/**
 * Validators for bodies a route schema cannot reach: a login body, whose credential fields depend on
 * the provider the path names, and the base64 `baas_request` of a streaming function call. Same
 * options and the same error mapping as the route schemas, so the answers are the same.
 */
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false });

/**
 * A function that throws the route-schema error for a body that does not match `schema`. Compiled by its
 * first call, as the route schemas are (../lazy-schemas.ts): one per provider type of every app.
 */
export function bodyValidator(schema: BodySchema): (body: unknown) => void {
  let validate: ValidateFunction | undefined;
  return (body) => {
    validate ??= ajv.compile(schema);
    if (!validate(body)) throw validationError(validate.errors ?? []);
  };
}
