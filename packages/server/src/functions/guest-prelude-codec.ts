/** Guest code, first part of the prelude (guest-prelude.ts): built-ins captured before any function code runs, and the text codec of values crossing into and out of the VM (`encode`, `decode`, the driver-view `promote`). */
export const PRELUDE_CODEC = String.raw`
  "use strict";
  const G = globalThis;
  const BSONLib = G.BSON;
  const EJSONLib = BSONLib.EJSON;
  const ejsonParse = EJSONLib.parse;
  const ejsonStringify = EJSONLib.stringify;
  const jsonParse = JSON.parse;
  const jsonStringify = JSON.stringify;
  const ObjectKeys = Object.keys;
  const defineProperty = Object.defineProperty;
  const isArray = Array.isArray;
  const isView = ArrayBuffer.isView;
  const toTag = Object.prototype.toString;
  const hasOwn = Object.prototype.hasOwnProperty;
  const call = (fn, self, args) => Reflect.apply(fn, self, args);
  const PromiseCtor = Promise;
  const MapCtor = Map;
  const SetCtor = Set;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const indirectEval = G.eval;

  /** Canonical EJSON text; undefined becomes null. */
  function encode(value) {
    switch (typeof value) {
      case "undefined":
        return "null";
      case "string":
      case "boolean":
        return jsonStringify(value);
      case "number":
        // Canonical EJSON of a number, as bson writes it: Int32 when integral and in range.
        if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 && !Object.is(value, -0)) return '{"$numberInt":"' + value + '"}';
        break;
      case "object":
        if (value === null) return "null";
    }
    return ejsonStringify(value, { relaxed: false });
  }
  /** The driver's view: Int32/Double as numbers, BSON regexes as RegExp. */
  function promote(v) {
    if (v === null || typeof v !== "object") return v;
    if (isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = promote(v[i]);
      return v;
    }
    const t = v._bsontype;
    if (t === "Int32" || t === "Double") return v.value;
    if (t === "BSONRegExp") return new RegExp(v.pattern, v.options.replace(/[^imsu]/g, ""));
    if (t !== undefined || isView(v)) return v;
    const tag = call(toTag, v, []);
    if (tag !== "[object Object]") return v;
    for (const key of ObjectKeys(v)) {
      const inner = promote(v[key]);
      if (inner !== v[key]) defineProperty(v, key, { value: inner, enumerable: true, writable: true, configurable: true });
    }
    return v;
  }
  /** Text from the host: "J" + plain JSON (guest-wire.ts), or canonical EJSON. */
  function decode(text) {
    if (text.charCodeAt(0) === 74) return jsonParse(text.slice(1));
    return text.indexOf('"$') >= 0 ? promote(ejsonParse(text, { relaxed: false })) : jsonParse(text);
  }

`;
