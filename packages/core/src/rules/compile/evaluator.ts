/**
 * The shape of compiled code: an `Evaluator` is a closure from an environment to a value.
 *
 * A statement compiles once into a tree of closures; evaluating a message only calls them, with
 * no tree walk and no dispatch on node kinds. `Env.scope` is the value field references resolve
 * against: the payload at the top level, an element inside a nested `(SELECT … FROM arr)`.
 */
import type { Numerics, SqlValue, SqlVersion } from "../values/sqlValue.ts"
import type { EvaluationContext, PreparedMessage } from "./message.ts"

export interface Env {
  readonly scope: SqlValue
  readonly message: PreparedMessage
  readonly context: EvaluationContext
  readonly version: SqlVersion
}

export type Evaluator = (env: Env) => SqlValue

/** What the compiler knows while compiling one expression. */
export interface CompileScope {
  readonly version: SqlVersion
  readonly num: Numerics
  /** Inside a nested `(SELECT … FROM …)`, where `*` and field names refer to the element. */
  readonly nested: boolean
  /** The alias of the element in a nested `(SELECT … FROM arr AS alias …)`. */
  readonly alias: string | undefined
}

/** The top-level environment of one message: field references resolve against its payload. */
export const messageEnv = (
  message: PreparedMessage,
  context: EvaluationContext,
  version: SqlVersion,
): Env => {
  // Another context or SQL version for the same message (rare): an environment of its own.
  return { scope: message.jsonFor(version), message, context, version }
}

export const constant =
  (value: SqlValue): Evaluator =>
  () =>
    value
