/**
 * Data services behind `context.services.get("mongodb-atlas")` and custom user data: builtin
 * collections in Gatehouse's own SQL database, or a real MongoDB.
 */
export * from "./types.js";
export { createBuiltinDataService, type BuiltinDataService, type BuiltinOptions } from "./builtin.js";
export { INDEXABLE_FIELD } from "./field-index.js";
export { createMongoDataService } from "./mongo.js";
export { documentsMigration, type DocumentsTable, type DocumentsDatabase } from "../store/documents-table.js";
export { ensureUserDataIndex, findUserDataDocument } from "./user-data.js";
export { encode, decode, decodeExact, promote } from "./values.js";
