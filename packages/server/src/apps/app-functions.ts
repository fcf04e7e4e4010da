import { ObjectId } from "bson";
import type { AppRuntime } from "./app-runtime.js";
import type { ContextUser, HostService } from "../functions/types.js";
import { FunctionRuntime, WorkerPool, type PoolStats } from "../functions/index.js";
import {
  createBuiltinDataService,
  createMongoDataService,
  ensureUserDataIndex,
  findUserDataDocument,
  INDEXABLE_FIELD,
  type DataService,
} from "../data/index.js";
import { mingo } from "../data/mingo.js";
import type { ResolvedServerConfig } from "../server-config.js";
import type { UserRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import { toUserDataClaim } from "../customdata/user-data-claim.js";

/** Where function output and runtime warnings go. */
export type FunctionLog = (appId: string, functionName: string, line: string) => void;

/**
 * Each app's function runtime and data services. One worker pool serves every app; it starts only
 * if some app has a function with source. Data services: a MongoDB when the server config (or, rarely,
 * the export) gives the data source a URI, builtin collections in Gatehouse's own database otherwise.
 */
export class AppFunctions {
  private readonly runtimes = new Map<string, FunctionRuntime>();
  private readonly data = new Map<string, Map<string, DataService>>();
  private readonly builtin = new Map<string, DataService>();
  private pool: WorkerPool | undefined;

  constructor(
    private readonly store: Store,
    private readonly settings: ResolvedServerConfig["functions"],
    private readonly log: FunctionLog,
    private readonly onCallSettled?: (result: "ok" | "timeout" | "error") => void,
  ) {}

  /** Prepares every app; `hostServices` are extra `context.services` per app (e.g. the admin service). */
  async start(apps: AppRuntime[], hostServices: (app: AppRuntime) => Record<string, HostService>): Promise<void> {
    const needsPool = apps.some((app) => app.config.functions.some((f) => f.source !== undefined));
    if (needsPool) {
      // Everything but the per-call time limit configures the pool itself.
      const { timeLimitMs: _perCall, ...poolSettings } = this.settings;
      this.pool = new WorkerPool({ ...poolSettings, ...(this.onCallSettled ? { onSettled: this.onCallSettled } : {}) });
      // Functions query the data API and have can_evaluate rules: load the query engine now, while starting,
      // rather than inside the first such call's time limit (an app without functions never loads it).
      mingo();
    }
    for (const app of apps) {
      this.data.set(app.id, this.dataServicesOf(app));
      await ensureUserDataIndex(this.store.db, app.config.customUserData);
      if (!this.pool) continue;
      const runtime = new FunctionRuntime({
        app: app.config,
        pool: this.pool,
        timeLimitMs: this.settings.timeLimitMs,
        maxValueBytes: this.settings.maxValueBytes,
        data: (name) => this.dataService(app, name),
        hostServices: hostServices(app),
        secrets: app.settings.secrets ?? {},
        log: ({ functionName, line }) => this.log(app.id, functionName, line),
        resolveUser: async (id) => {
          const user = await this.store.users.get(app.id, id);
          return user ? this.contextUser(app, user) : null;
        },
      });
      await runtime.start();
      this.runtimes.set(app.id, runtime);
    }
  }

  /** Workers, held workers, surge workers and waiting calls per lane (undefined without functions). */
  poolStats(): PoolStats | undefined {
    return this.pool?.stats();
  }

  /** The app's runtime, if the app has functions with source. */
  runtime(app: AppRuntime): FunctionRuntime | undefined {
    return this.runtimes.get(app.id);
  }

  /** Whether `name` can be called (declared with source). */
  callable(app: AppRuntime, name: string): boolean {
    return this.runtimes.get(app.id)?.has(name) === true && app.config.functions.some((f) => f.name === name && f.source !== undefined);
  }

  /** The data service behind `context.services.get(name)`. Unknown names have none. */
  dataService(app: AppRuntime, name: string): DataService | undefined {
    return this.data.get(app.id)?.get(name);
  }

  /** The custom user data document of a user, as the `user_data` claim, or undefined. */
  async customUserData(app: AppRuntime, userId: string): Promise<Record<string, unknown> | undefined> {
    const config = app.config.customUserData;
    if (!config.enabled || !config.databaseName || !config.collectionName || !config.userIdField) return undefined;
    const service = config.mongoServiceName ? this.dataService(app, config.mongoServiceName) : undefined;
    let document: Record<string, unknown> | null;
    if (!service || service === this.builtin.get(app.id)) {
      document = await findUserDataDocument(this.store.db, app.id, config, userId);
    } else {
      const collection = service.collection(config.databaseName, config.collectionName);
      const field = config.userIdField;
      // The string form wins over the ObjectId form, as App Services did (PROTOCOL.md §6.3).
      document =
        (await collection.findOne({ [field]: userId })) ??
        (ObjectId.isValid(userId) ? await collection.findOne({ [field]: new ObjectId(userId) }) : null);
    }
    return document ? toUserDataClaim(document) : undefined;
  }

  /** Deletes a user's custom user data document(s), by the string and the ObjectId form of its id. */
  async deleteCustomUserData(app: AppRuntime, userId: string): Promise<void> {
    const config = app.config.customUserData;
    if (!config.enabled || !config.databaseName || !config.collectionName || !config.userIdField) return;
    const service = this.dataService(app, config.mongoServiceName ?? "mongodb-atlas");
    if (!service) return;
    const collection = service.collection(config.databaseName, config.collectionName);
    await collection.deleteMany({ [config.userIdField]: userId });
    if (ObjectId.isValid(userId) && /^[0-9a-f]{24}$/.test(userId)) {
      await collection.deleteMany({ [config.userIdField]: new ObjectId(userId) });
    }
  }

  /**
   * `context.user` for a stored user. `customData` may be passed when the caller already has it (the
   * `user_data` claim of the access token of the request) to save a lookup.
   */
  async contextUser(app: AppRuntime, user: UserRecord, customData?: Record<string, unknown>): Promise<ContextUser> {
    return {
      id: user.id,
      type: user.type,
      data: user.data,
      identities: user.identities.map((i) => ({
        id: i.externalId,
        provider_type: i.providerType,
        provider_id: app.providerId(i.providerName),
      })),
      custom_data: customData ?? (await this.customUserData(app, user.id)) ?? {},
      creation_date: Math.floor(user.createdAt / 1000),
    };
  }

  async close(): Promise<void> {
    for (const runtime of this.runtimes.values()) await runtime.close();
    await this.pool?.close();
    for (const services of this.data.values()) for (const service of new Set(services.values())) await service.close();
  }

  private dataServicesOf(app: AppRuntime): Map<string, DataService> {
    const services = new Map<string, DataService>();
    // The custom user data index covers that field in every collection of the app (LOGIN triggers
    // update users' documents by it): equalities on it read no more than the matching documents.
    const field = app.config.customUserData.enabled ? app.config.customUserData.userIdField : undefined;
    const indexedFields = field && INDEXABLE_FIELD.test(field) ? [field] : [];
    const builtin = createBuiltinDataService(this.store.db, app.id, { indexedFields });
    this.builtin.set(app.id, builtin);
    const names = new Set(Object.keys(app.config.dataSources));
    names.add("mongodb-atlas");
    if (app.config.customUserData.mongoServiceName) names.add(app.config.customUserData.mongoServiceName);
    for (const name of names) {
      const uri = app.settings.dataSources?.[name]?.uri ?? app.config.dataSources[name]?.uri;
      services.set(name, uri ? createMongoDataService(uri) : builtin);
    }
    return services;
  }
}
