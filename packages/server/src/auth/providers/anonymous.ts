import { newObjectId } from "../../ids.js";
import type { Provider, VerifiedIdentity } from "../provider.js";

/** `anon-user`: every login that reaches the server is a new user (PROTOCOL.md §3.1). */
export class AnonymousProvider implements Provider {
  readonly type = "anon-user";

  async verify(): Promise<VerifiedIdentity> {
    return { externalId: newObjectId(), providerData: {}, profileData: {}, alwaysNew: true };
  }
}
