import type { Clock } from "../../clock.js";
import { RemoteKeySet } from "./remote-key-set.js";

/** One {@link RemoteKeySet} per URL, shared by every app and provider that names it. */
export class KeySetCache {
  private readonly sets = new Map<string, RemoteKeySet>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  get(url: string): RemoteKeySet {
    let set = this.sets.get(url);
    if (!set) this.sets.set(url, (set = new RemoteKeySet(url, this.clock, this.timeoutMs)));
    return set;
  }
}
