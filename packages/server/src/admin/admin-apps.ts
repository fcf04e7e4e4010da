import type { AppRegistry, AppRuntime } from "../apps/app-runtime.js";
import { Errors } from "../errors.js";
import { derivedId, newObjectId } from "../ids.js";
import type { Store } from "../store/store.js";

/** An app as `GET /groups/{groupId}/apps` lists it (PROTOCOL.md §11). */
export interface AdminAppView {
  _id: string;
  client_app_id: string;
  group_id: string;
  domain_id: string;
  name: string;
  location: string;
  deployment_model: string;
  environment: string;
  product: string;
  /** Gatehouse extension, on `GET /groups/{g}/apps` only: how many users the app has (a maintained counter). */
  user_count?: number;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * The one project (group) a server serves, and its apps. The group id is `adminGroupId` from the server
 * config or, by default, a random id kept in the store on first start: stable for the database, the same
 * on every instance over it. An app's `_id` is derived from its client app id, so it survives restarts.
 */
export class AdminApps {
  private readonly byInternalId = new Map<string, AppRuntime>();

  private constructor(
    readonly groupId: string,
    private readonly apps: AppRegistry,
    private readonly store: Store,
  ) {
    for (const app of apps.all()) this.byInternalId.set(AdminApps.internalId(app), app);
  }

  static async create(store: Store, apps: AppRegistry, configured: string | undefined, now: number): Promise<AdminApps> {
    if (configured !== undefined && !OBJECT_ID.test(configured)) {
      throw new Error("server config: adminGroupId must be a 24-character lower-case hex id");
    }
    const groupId = configured ?? String(await store.settings.setIfAbsent("server", "adminGroupId", newObjectId(), now));
    return new AdminApps(groupId, apps, store);
  }

  /** The app's admin `_id`. */
  static internalId(app: AppRuntime): string {
    return derivedId("admin-app", app.id);
  }

  /** Every app, with its user count: one read of the counter table (store/user-counts.ts), whatever the users. */
  async list(): Promise<AdminAppView[]> {
    const counts = await this.store.adminStats.userCounts();
    return this.apps.all().map((app) => ({ ...this.view(app), user_count: counts.get(app.id) ?? 0 }));
  }

  view(app: AppRuntime): AdminAppView {
    return {
      _id: AdminApps.internalId(app),
      client_app_id: app.id,
      group_id: this.groupId,
      domain_id: app.config.domainId,
      name: app.config.name,
      location: app.config.location,
      deployment_model: app.config.deploymentModel,
      environment: app.config.environment ?? "",
      product: "standard",
    };
  }

  /** 404 unless `groupId` is this server's group. */
  checkGroup(groupId: string): void {
    if (groupId !== this.groupId) throw Errors.groupNotFound(groupId);
  }

  /** The app named by its `_id` or (a Gatehouse extension) its client app id. */
  resolve(groupId: string, appId: string): AppRuntime {
    this.checkGroup(groupId);
    const app = this.byInternalId.get(appId) ?? this.apps.get(appId);
    if (!app) throw Errors.adminAppNotFound(appId);
    return app;
  }
}
