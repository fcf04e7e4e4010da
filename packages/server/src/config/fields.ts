/**
 * Typed access to one JSON object of a config file. Each getter checks the type of one field and
 * throws a ConfigError naming the file and the field's dotted path when it is wrong. `null` counts
 * as absent, because exports write `null` for unset optional fields.
 */
import { invalidField } from "./errors.js";

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets an own, enumerable property even for a key like `__proto__`, which plain assignment would
 * treat as the prototype. Names in exports come from files, so they are not trusted.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Whether a record has an own property `key` (not one inherited from Object.prototype). */
export function hasOwn(record: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** Appends a key (or an array index) to a dotted JSON path. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

/** A short description of a JSON value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

export class Fields {
  /**
   * @param obj the object being read
   * @param file path of its file relative to the app directory
   * @param path dotted JSON path of `obj` inside the file (`""` for the top level)
   */
  constructor(
    readonly obj: JsonObject,
    readonly file: string,
    readonly path: string = "",
  ) {}

  /** Wraps a parsed document (or a part of it) that must be an object. */
  static of(value: unknown, file: string, path: string, what: string): Fields {
    if (!isObject(value)) {
      throw invalidField(file, path === "" ? undefined : path, `${what} must be an object, got ${describeType(value)}`);
    }
    return new Fields(value, file, path);
  }

  at(key: string): string {
    return fieldPath(this.path, key);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): unknown {
    const v = this.obj[key];
    return v === null ? undefined : v;
  }

  private wrong(key: string, expected: string): never {
    throw invalidField(this.file, this.at(key), `expected ${expected}, got ${describeType(this.obj[key])}`);
  }

  optBool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.wrong(key, "true or false");
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    return this.optBool(key) ?? fallback;
  }

  optString(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string") this.wrong(key, "a string");
    return v;
  }

  /**
   * Copies each present, non-empty string field to `target` under the name `names` maps it to (the
   * optional string settings of an export, whose absence means "not set").
   */
  copyStrings<T extends object>(target: T, names: Record<string, keyof T & string>): void {
    for (const [key, name] of Object.entries(names)) {
      const value = this.optString(key);
      if (value) (target as Record<string, unknown>)[name] = value;
    }
  }

  string(key: string): string {
    const v = this.optString(key);
    if (v === undefined) throw invalidField(this.file, this.at(key), "is required (a string)");
    return v;
  }

  /** A string array; absent means empty. */
  stringArray(key: string): string[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.wrong(key, "an array of strings");
    v.forEach((item, i) => {
      if (typeof item !== "string") {
        throw invalidField(this.file, fieldPath(this.at(key), i), `expected a string, got ${describeType(item)}`);
      }
    });
    return [...(v as string[])];
  }

  /** A string or an array of strings (both forms occur in exports); absent is undefined. */
  optStringOrStrings(key: string): string | string[] | undefined {
    const v = this.raw(key);
    if (v === undefined || typeof v === "string") return v;
    return this.stringArray(key);
  }

  optObject(key: string): JsonObject | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!isObject(v)) this.wrong(key, "an object");
    return v;
  }

  /** A nested object as Fields; absent reads as an empty object. */
  child(key: string): Fields {
    return new Fields(this.optObject(key) ?? {}, this.file, this.at(key));
  }

  optArray(key: string): unknown[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.wrong(key, "an array");
    return v;
  }
}
