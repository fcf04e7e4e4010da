/** Where the browser bundle is written. */
export const BUNDLE_PATH: string;
/** Builds the browser bundle; resolves with its size in bytes, plain and gzipped. */
export function bundle(): Promise<{ path: string; bytes: number; gzipBytes: number }>;
