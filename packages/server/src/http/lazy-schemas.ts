import { AjvCompiler } from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyInstance, FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;
type Validate = ((data: unknown, dataCxt?: unknown) => unknown) & { errors?: unknown };

/** How many route schemas (body, querystring, params, response) one app deferred and has compiled so far. */
export interface SchemaCompilation {
  deferred: number;
  compiled: number;
  /** Compiles every schema not compiled yet (a schema that cannot compile throws here, as at start before). */
  compileAll(): void;
}

/**
 * Fastify's own compilers (the same Ajv with the same options, the same fast-json-stringify), each route
 * schema compiled when a request first needs it rather than while the server starts. The server has ~95
 * route schemas and a client of the example app uses a handful; compiling all of them at start kept
 * ~1.7 MB of V8 heap and ~0.7 MB of code space of validators and serializers that the console's and the
 * Admin API's routes may never run, and took ~100 ms of start-up. One compilation is ~2 ms, paid once by
 * the first request of a route, and the answer (validation errors included) is what the compiled
 * function gives. Ajv's instance is shared by every route, as Fastify's default compiler shares it.
 */
export function deferredCompilers(): { compilersFactory: CompilersFactory; compilation: SchemaCompilation } {
  const pending = new Set<() => unknown>();
  const compilation: SchemaCompilation = {
    deferred: 0,
    compiled: 0,
    compileAll: () => {
      for (const compile of [...pending]) compile();
    },
  };
  // Runs `build` once, on first use, and counts it.
  const once = <T>(build: () => T): (() => T) => {
    let built: T | undefined;
    const compile = () => {
      if (built === undefined) {
        built = build();
        pending.delete(compile);
        compilation.compiled += 1;
      }
      return built;
    };
    compilation.deferred += 1;
    pending.add(compile);
    return compile;
  };
  const buildValidator = AjvCompiler();
  const buildSerializer = SerializerSelector();
  const compilersFactory: CompilersFactory = {
    buildValidator: (externalSchemas, options) => {
      const compileRoute = buildValidator(externalSchemas, options);
      return (route) => {
        const compiled = once(() => compileRoute(route) as Validate);
        const validate: Validate = (data, dataCxt) => {
          const real = compiled();
          const result = real(data, dataCxt);
          validate.errors = real.errors;
          return result;
        };
        // Fastify hands the parent object (needed for a root-level coercion) only to a function it
        // recognises as Ajv's by this property; the compiled function gets it as it would have.
        Object.defineProperty(validate, "schemaEnv", { value: true });
        return validate as ReturnType<ReturnType<NonNullable<CompilersFactory["buildValidator"]>>>;
      };
    },
    buildSerializer: (externalSchemas, options) => {
      const compileRoute = buildSerializer(externalSchemas, options);
      return (route) => {
        const compiled = once(() => compileRoute(route));
        return (doc: unknown) => compiled()(doc);
      };
    },
  };
  return { compilersFactory, compilation };
}

const byApp = new WeakMap<FastifyInstance, SchemaCompilation>();

/** Remembers which counts belong to `app` (read by {@link schemaCompilation}). */
export function trackSchemaCompilation(app: FastifyInstance, compilation: SchemaCompilation): void {
  byApp.set(app, compilation);
}

/** The schema counts of an app built by `buildHttpApp` (undefined for any other Fastify instance). */
export function schemaCompilation(app: FastifyInstance): SchemaCompilation | undefined {
  return byApp.get(app);
}
