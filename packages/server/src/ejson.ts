import { EJSON } from "bson";
import { Errors } from "./errors.js";

/**
 * Request bodies are parsed as plain JSON, and only the few values that are EJSON on the wire (function
 * arguments, custom-function credentials, `reset/call` arguments; the device id is read by hand) are
 * decoded as EJSON, where the route needs them. EJSON's reviver costs ten times JSON.parse per object,
 * so decoding every body let any unauthenticated client spend a quarter second of the event loop with
 * one 1 MB `[{},{},…]`.
 */

/** Deepest nesting of arrays and objects a body may have (MongoDB's own limit for documents). */
export const MAX_JSON_DEPTH = 100;

/**
 * Parses JSON text after checking, in one pass over the characters, that it nests no deeper than
 * {@link MAX_JSON_DEPTH}: JSON.parse itself spends a third of a second on 1 MB of `[[[[…`.
 * Throws a 400 (`bodyTooDeep`, or `invalidJsonBody` for text that is not JSON).
 */
export function parseJsonBounded(text: string): unknown {
  if (!depthWithin(text, MAX_JSON_DEPTH)) throw Errors.bodyTooDeep(MAX_JSON_DEPTH);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Errors.invalidJsonBody((error as Error).message);
  }
}

/**
 * A JSON value read as canonical EJSON (`{"$oid": …}` → ObjectId, numbers → Int32/Double/Long wrappers,
 * so function arguments keep their types). The value came through {@link parseJsonBounded}, so its depth
 * is bounded. Throws a 400 `invalidEjson` for malformed type wrappers.
 */
export function decodeEjson(value: unknown): unknown {
  try {
    return EJSON.deserialize(value as never, { relaxed: false });
  } catch (error) {
    throw Errors.invalidEjson((error as Error).message);
  }
}

function depthWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}
