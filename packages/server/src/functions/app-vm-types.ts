/** The types an app's VM (app-vm.ts) shares with its boot code and host functions. */
import type { WireError } from "./protocol.js";

/** Limits every VM applies. */
export interface VmLimits {
  /** Heap of the app's QuickJS runtime, in MB. */
  memoryLimitMb: number;
  /** Largest result, argument list, host-call payload or HTTP body, in bytes (EJSON text length). */
  maxValueBytes: number;
  /** A single entry into the VM running longer than this is reported as holding its worker. */
  holdMs: number;
}

/** What a VM tells the worker. */
export interface VmEvents {
  result(id: number, outcome: { ok: true; value: string } | { ok: false; error: WireError }, logs: string[]): void;
  /** A data or service call for call `id`; resolves with EJSON or rejects with a message. */
  host(id: number, kind: "data" | "service", service: string, method: string, args: string): Promise<string>;
  /** Printed outside any call. */
  orphanLog(line: string): void;
  /** Call `id` has been running synchronously for `holdMs`: its worker is busy with it. */
  hold(id: number): void;
  /** The entry that reported `hold` is still running (every few ms while it does). */
  holding(id: number): void;
  /** The entry that reported `hold` ended. */
  release(id: number): void;
}

/** A call as the VM tracks it on the host side. */
export interface VmCall {
  id: number;
  deadline: number;
  limitMs: number;
  logs: string[];
  logBytes: number;
  timers: Map<number, NodeJS.Timeout>;
  timeout?: NodeJS.Timeout;
  /** Guest text (guest-wire.ts) of the caller and of the request, copied into the VM when read. */
  user: string;
  request: string;
}

/** A call record for bookkeeping entries (boot, cleanup) that run no function's code. */
export function bookkeeping(ms: number): VmCall {
  return { id: 0, deadline: Date.now() + ms, limitMs: ms, logs: [], logBytes: 0, timers: new Map(), user: "", request: "" };
}
