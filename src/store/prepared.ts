// Queries of the hot request path, built and compiled by Kysely once per store and then run
// with fresh parameter values: building and compiling a query costs more than SQLite takes to
// run it. The SQL is the same Kysely would write each time, so SQLite and PostgreSQL both work.
import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { Database } from "./database.js";
import type { Store } from "./open.js";

/** Where a compiled query's parameter comes from: an argument, or a value fixed at build. */
type Slot<A> = { arg: keyof A } | { value: unknown };

interface Compiled<A, R> {
  query: CompiledQuery<R>;
  slots: Slot<A>[];
}

/** Names an argument inside a query builder; it stands for a value of type `A[K]`. */
export type ArgOf<A> = <K extends keyof A & string>(name: K) => A[K];

/** A prepared query: runs on a store with the given arguments and returns the rows. */
export type PreparedQuery<A, R> = (store: Store, args: A) => Promise<R[]>;

const MARK = "\u0000redline-arg:";

/**
 * Prepares the query that `build` makes. `build` must give the same shape for every call; its
 * arguments are named with `arg("name")`, and each such value must end up as a bound
 * parameter (not inlined into the SQL), which the first compile checks.
 */
export function prepareQuery<A extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, arg: ArgOf<A>) => Compilable<R>,
): PreparedQuery<A, R> {
  const byDb = new WeakMap<Kysely<Database>, Compiled<A, R>>();

  function compile(db: Kysely<Database>): Compiled<A, R> {
    const named = new Set<string>();
    const arg = ((name: string) => {
      named.add(name);
      return `${MARK}${name}`;
    }) as ArgOf<A>;
    const query = build(db, arg).compile();
    if (query.sql.includes(MARK)) {
      throw new Error(`internal: prepareQuery: an argument was inlined into ${query.sql}`);
    }
    const slots = query.parameters.map((p): Slot<A> => {
      if (typeof p === "string" && p.startsWith(MARK)) {
        const name = p.slice(MARK.length);
        named.delete(name);
        return { arg: name as keyof A };
      }
      return { value: p };
    });
    if (named.size > 0) {
      throw new Error(`internal: prepareQuery: arguments [${[...named]}] are not bound parameters`);
    }
    return { query, slots };
  }

  return async function runPrepared(store, args) {
    let compiled = byDb.get(store.db);
    if (!compiled) {
      compiled = compile(store.db);
      byDb.set(store.db, compiled);
    }
    const parameters = compiled.slots.map((s) => ("arg" in s ? args[s.arg] : s.value));
    const result = await store.db.executeQuery<R>({ ...compiled.query, parameters });
    return result.rows;
  };
}
