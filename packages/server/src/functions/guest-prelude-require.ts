/** Guest code, part of the prelude (guest-prelude.ts): `require` of the sandbox's built-in modules and of packages in the app's `functions/node_modules` (resolved by the host, evaluated in the VM). */
export const PRELUDE_REQUIRE = String.raw`
  // ---- require -----------------------------------------------------------------------------------
  const builtinCache = new MapCtor();
  /** Stateless host helpers for the built-in modules (no call ids: nothing to misuse). */
  const native = { crypto: gh.crypto, zlib: gh.zlib, url: gh.url };
  const packageCache = new MapCtor();
  function loadCommonJs(id, source, requireFrom) {
    const module = { exports: {}, id, filename: id, loaded: false };
    const dir = id.slice(0, id.lastIndexOf("/")) || "/";
    const wrapper = indirectEval("(function (exports, require, module, __filename, __dirname) {" + source + "\n})");
    call(wrapper, module.exports, [module.exports, requireFrom(id), module, id, dir]);
    module.loaded = true;
    return module;
  }
  /** Modules the sandbox ships (Buffer and the allowlisted built-ins), by name. */
  function builtin(name) {
    if (builtinCache.has(name)) return builtinCache.get(name).exports;
    const source = builtinSources[name];
    if (source === undefined) return undefined;
    const module = { exports: {} };
    builtinCache.set(name, module);
    const wrapper = indirectEval("(function (exports, require, module, native) {" + source + "\n})");
    call(wrapper, module.exports, [module.exports, (n) => requireBuiltin(n), module, native]);
    return module.exports;
  }
  function requireBuiltin(name) {
    const found = builtin(name);
    if (found === undefined) throw new ErrorCtor("internal module '" + name + "' missing");
    return found;
  }
  const allowed = jsonParse(gh.allowlist());
  function requireFor(fromFile) {
    return function require(name) {
      if (typeof name !== "string" || name.length === 0) throw new TypeErrorCtor("require expects a module name");
      const bare = name.startsWith("node:") ? name.slice(5) : name;
      if (allowed.includes(bare)) return requireBuiltin("node:" + bare);
      const answer = jsonParse(gh.module(fromFile || "", name));
      if (answer.error) throw new ErrorCtor(answer.error);
      if (packageCache.has(answer.id)) return packageCache.get(answer.id).exports;
      if (answer.json) {
        const module = { exports: jsonParse(answer.source) };
        packageCache.set(answer.id, module);
        return module.exports;
      }
      const module = { exports: {} };
      packageCache.set(answer.id, module);
      const loaded = loadCommonJs(answer.id, answer.source, requireFor);
      packageCache.set(answer.id, loaded);
      return loaded.exports;
    };
  }
  G.require = requireFor(null);

`;
