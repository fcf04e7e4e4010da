import type { ImportedDeviceClaims } from "../auth/providers/anonymous.js";
import type { Store } from "../store/store.js";

/**
 * Finds imported anonymous users by the device their client kept. App Services never let an anonymous
 * user log in twice (the client kept its session), and a migrated client's old session cannot be
 * honoured; its stored device id can. A claim is single-use: the first login with the device id takes
 * it, so a device id seen later (they are not secrets) no longer reaches the user.
 */
export class StoreDeviceClaims implements ImportedDeviceClaims {
  constructor(private readonly store: Store) {}

  async claim(appId: string, deviceId: string): Promise<string | undefined> {
    const row = await this.store.db
      .deleteFrom("imported_devices")
      .where("app_id", "=", appId)
      .where("device_id", "=", deviceId)
      .returning("user_id")
      .executeTakeFirst();
    if (!row) return undefined;
    const identity = await this.store.db
      .selectFrom("identities")
      .select("external_id")
      .where("user_id", "=", row.user_id)
      .where("provider_type", "=", "anon-user")
      .executeTakeFirst();
    return identity?.external_id;
  }
}
