/**
 * @gatehouse/server: the library API. `startServer` runs a server; the rest is for embedding and tests.
 */
export { startServer, SUPPORTED, type GatehouseServer, type StartOptions } from "./server.js";
export { TestClock, systemClock, type Clock } from "./clock.js";
export { resolveServerConfig, readServerConfigFile, type ServerConfig } from "./server-config.js";
export { GatehouseError, Errors, ERROR_CODES, errorCatalogue, type ErrorCode, type ErrorReason } from "./errors.js";
export { Store } from "./store/store.js";
export type { AuditEvent, UserRecord, IdentityRecord, SessionRecord } from "./store/records.js";
export type * from "./config/types.js";
