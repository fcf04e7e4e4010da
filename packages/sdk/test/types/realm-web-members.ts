/**
 * Generates the member-by-member type test from realm-web's own declarations (`realm-web/dist/bundle.d.ts`):
 * for every public member of the classes a user-management program touches, a check that ours is
 * assignable to realm-web's, that realm-web's value fits where a program writes one, and that a realm-web
 * call's arguments are accepted. A member realm-web gains or we lose fails the test without anyone
 * editing a list, except the exclusions below, each with its reason.
 */
import { readFileSync } from "node:fs";
import ts from "typescript";

/** The classes whose members concern users. */
export const CLASSES = ["App", "User", "Credentials", "EmailPasswordAuth", "ApiKeyAuth", "MongoDBRealmError"] as const;

/** Members that do not concern users (or are realm-web's internals), as `Class.member` / `Class.static member`. */
export const EXCLUDED: Record<string, string> = {
  "App.fetcher": "realm-web's HTTP plumbing",
  "App.storage": "realm-web's storage wiring (ours is the storage the app was given)",
  "App.authenticator": "realm-web's login plumbing",
  "App.locationUrl": "realm-web's internal location promise",
  "App.deviceInformation": "realm-web's internal device record",
  "User.constructor": "users are made by the App, never by programs",
  "User.push": "push notifications, not user management (a service Gatehouse does not serve)",
  "User.mongoClient": "data access, not user management (a service Gatehouse does not serve)",
  "Credentials.constructor": "credentials are made by the static factories",
  "EmailPasswordAuth.constructor": "made by the App",
  "ApiKeyAuth.constructor": "made by the User",
  "MongoDBRealmError.constructor": "errors are made by the client",
  "MongoDBRealmError.static fromRequestAndResponse": "realm-web's internal factory",
  // realm-web 2.0.1 declares these four without a callback and throws "Not yet implemented" when they are
  // called, so no working realm-web program calls them; ours take the callback they need.
  "App.addListener": "declared without a callback and unimplemented in realm-web 2.0.1",
  "App.removeListener": "declared without a callback and unimplemented in realm-web 2.0.1",
  "User.addListener": "declared without a callback and unimplemented in realm-web 2.0.1",
  "User.removeListener": "declared without a callback and unimplemented in realm-web 2.0.1",
};

/** One member found in the declarations. */
export interface Member {
  className: string;
  name: string;
  isStatic: boolean;
  kind: "property" | "method" | "accessor" | "constructor";
  /** A setter is declared (or the property is not readonly). */
  writable: boolean;
}

/** The public members of {@link CLASSES} in realm-web's bundle declarations. */
export function realmWebMembers(bundlePath: string): Member[] {
  const source = ts.createSourceFile(bundlePath, readFileSync(bundlePath, "utf8"), ts.ScriptTarget.ES2022, true);
  const members = new Map<string, Member>();
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name || !(CLASSES as readonly string[]).includes(statement.name.text)) continue;
    const className = statement.name.text;
    for (const node of statement.members) {
      const flags = ts.getCombinedModifierFlags(node as ts.Declaration);
      if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const isStatic = (flags & ts.ModifierFlags.Static) !== 0;
      let kind: Member["kind"];
      let writable = false;
      if (ts.isConstructorDeclaration(node)) kind = "constructor";
      else if (ts.isMethodDeclaration(node)) kind = "method";
      else if (ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
        kind = "accessor";
        writable = ts.isSetAccessorDeclaration(node);
      } else if (ts.isPropertyDeclaration(node)) {
        kind = "property";
        writable = (flags & ts.ModifierFlags.Readonly) === 0;
      } else continue;
      const name = kind === "constructor" ? "constructor" : node.name!.getText(source);
      const key = `${className}.${isStatic ? "static " : ""}${name}`;
      const known = members.get(key);
      if (known) known.writable ||= writable;
      else members.set(key, { className, name, isStatic, kind, writable });
    }
  }
  return [...members.values()];
}

/** `Class.member` key of a member, as {@link EXCLUDED} names it. */
export const memberKey = (m: Member) => `${m.className}.${m.isStatic ? "static " : ""}${m.name}`;

/** How each class is named in a type: realm-web exports neither auth class, so both go through their owner. */
const TYPES: Record<(typeof CLASSES)[number], { ours: string; theirs: string }> = {
  App: { ours: "GH.App", theirs: "RW.App" },
  User: { ours: "GH.User", theirs: "RW.User" },
  Credentials: { ours: "GH.Credentials", theirs: "RW.Credentials" },
  MongoDBRealmError: { ours: "GH.MongoDBRealmError", theirs: "RW.MongoDBRealmError" },
  EmailPasswordAuth: { ours: 'GH.App["emailPasswordAuth"]', theirs: 'RW.App["emailPasswordAuth"]' },
  ApiKeyAuth: { ours: 'GH.User["apiKeys"]', theirs: 'RW.User["apiKeys"]' },
};

/**
 * The generated type test: a module importing our SDK as `GH` and realm-web as `RW`. Its checks are
 * type-level only; each failing one is a compile error naming the member.
 */
export function generateMemberChecks(members: Member[], ours = "@gatehouse/sdk"): string {
  const lines = [
    "// Generated by realm-web-members.ts from realm-web's bundle.d.ts; do not edit.",
    `import type * as GH from "${ours}";`,
    `import type * as RW from "realm-web";`,
    "type Assignable<A, B> = [A] extends [B] ? true : false;",
    "type Expect<T extends true> = T;",
    // realm-web's types name realm-web's classes, whose private fields make any other implementation
    // unassignable; a program that switches SDKs gets ours in their place, so the checks translate them
    // (each class is compared member by member on its own).
    "type Ours<T> =",
    "  T extends RW.User<infer F, infer C, infer P> ? GH.User<F, C, P>",
    "  : T extends RW.App<infer F, infer C> ? GH.App<F, C>",
    "  : T extends RW.Credentials<infer P> ? GH.Credentials<P>",
    "  : T extends RW.MongoDBRealmError ? GH.MongoDBRealmError",
    `  : T extends ${TYPES.EmailPasswordAuth.theirs} ? ${TYPES.EmailPasswordAuth.ours}`,
    `  : T extends ${TYPES.ApiKeyAuth.theirs} ? ${TYPES.ApiKeyAuth.ours}`,
    "  : T extends (...args: never[]) => unknown ? T",
    "  : T extends object ? { [K in keyof T]: Ours<T[K]> }",
    "  : T;",
  ];
  for (const m of members) {
    const id = `${m.className}_${m.isStatic ? "static_" : ""}${m.name}`.replace(/\W/g, "_");
    const { ours: ourClass, theirs: theirClass } = TYPES[m.className as (typeof CLASSES)[number]];
    if (m.kind === "constructor") {
      lines.push(
        `export type ${id} = Expect<Assignable<Ours<ConstructorParameters<typeof ${theirClass}>>, ConstructorParameters<typeof ${ourClass}>>>;`,
      );
      continue;
    }
    const ourOwner = m.isStatic ? `(typeof ${ourClass})` : ourClass;
    const ourType = `${ourOwner}["${m.name}"]`;
    const theirType = m.isStatic ? `(typeof ${theirClass})["${m.name}"]` : `${theirClass}["${m.name}"]`;
    if (m.kind === "method") {
      // A call written for realm-web's method must be accepted by ours, and its result must fit realm-web's.
      lines.push(`export type ${id}_args = Expect<Assignable<Ours<Parameters<${theirType}>>, Parameters<${ourType}>>>;`);
      lines.push(
        `export type ${id}_result = Expect<Assignable<Awaited<ReturnType<${ourType}>>, Ours<Awaited<ReturnType<${theirType}>>>>>;`,
      );
    } else {
      lines.push(`export type ${id}_read = Expect<Assignable<${ourType}, Ours<${theirType}>>>;`);
    }
    if (m.writable) {
      lines.push(`export const ${id}_write = (target: ${ourOwner}, value: Ours<${theirType}>) => { target.${m.name} = value; };`);
    }
  }
  return `${lines.join("\n")}\n`;
}
