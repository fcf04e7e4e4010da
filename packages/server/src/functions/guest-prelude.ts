/**
 * Source of the code that runs *inside* each app's QuickJS VM before any function code: the call
 * entry points the worker uses, `context`, `console`, timers and the CommonJS `require`.
 *
 * It is evaluated once per VM as `(function (gh, builtins) {...})` and receives `gh`, the object of
 * host functions (guest-bridge.ts), as an argument: `gh` is never put on `globalThis`, so function
 * code cannot call the host directly (for example with another call's id). Everything the prelude
 * relies on later is captured up front, so function code that replaces `JSON`, `BSON` or array
 * methods breaks only itself. Values cross as canonical EJSON text; only strings, numbers, booleans
 * and ArrayBuffers ever pass between host and guest.
 */
import { PRELUDE_CALLS } from "./guest-prelude-calls.js";
import { PRELUDE_CODEC } from "./guest-prelude-codec.js";
import { PRELUDE_CONTEXT } from "./guest-prelude-context.js";
import { PRELUDE_REQUIRE } from "./guest-prelude-require.js";

/** The prelude, assembled from its parts: they share one function scope, in this order. */
export const GUEST_PRELUDE = `(function (gh, builtinSources) {${PRELUDE_CODEC}${PRELUDE_REQUIRE}${PRELUDE_CALLS}${PRELUDE_CONTEXT}})`;
