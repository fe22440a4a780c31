/**
 * How a built-in function is described to the compiler.
 *
 * A function names the first SQL version that has it and how many arguments it takes. Calling
 * it with another number of arguments is not a compile error in IoT SQL: the reference says
 * such a call returns Undefined, and so it does here. Most functions are a plain `call` on the
 * evaluated arguments; a few also look at their argument syntax (`encode(*, …)` needs the raw
 * payload, a literal regular expression is compiled once) through `compile`.
 */
import type { CompileScope, Env, Evaluator } from "../compile/evaluator.ts"
import type { Expr } from "../syntax/ast.ts"
import type { Numerics, SqlValue, SqlVersion } from "../values/sqlValue.ts"

export const V1: SqlVersion = "2015-10-08"
export const V2: SqlVersion = "2016-03-23"

export type FunctionCall = (args: ReadonlyArray<SqlValue>, env: Env, num: Numerics) => SqlValue

export interface FunctionSite {
  readonly args: ReadonlyArray<Expr>
  readonly compiled: ReadonlyArray<Evaluator>
  readonly scope: CompileScope
}

export interface FunctionDefinition {
  readonly since: SqlVersion
  readonly minArgs: number
  readonly maxArgs: number
  readonly call: FunctionCall
  /** A specialised evaluator for this call site, or undefined to use `call`. */
  readonly compile?: (site: FunctionSite) => Evaluator | undefined
}

export const define = (
  since: SqlVersion,
  minArgs: number,
  maxArgs: number,
  call: FunctionCall,
  compile?: (site: FunctionSite) => Evaluator | undefined,
): FunctionDefinition =>
  compile ? { since, minArgs, maxArgs, call, compile } : { since, minArgs, maxArgs, call }
