/**
 * `@gatehouse/sdk/node`: everything from `@gatehouse/sdk`, plus the Node-only {@link DirectoryStorage}.
 * Kept out of the main entry so that browser bundles never see a `node:` import.
 *
 * @example
 * import { App, Credentials, DirectoryStorage } from "@gatehouse/sdk/node";
 * const app = new App({ id: "todo-gatehouse", baseUrl, storage: new DirectoryStorage(".gatehouse") });
 */
export * from "../index.js";
export { DirectoryStorage } from "./directory-storage.js";
