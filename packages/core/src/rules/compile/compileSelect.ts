/**
 * Compiles SELECT clauses (top-level and nested) into output builders.
 *
 * - `*` copies the fields of the current object; with anything else selected it needs an object
 *   (a binary or non-object payload makes the rule fail: `SELECT_FAILED`, no actions run).
 * - `expr AS a.b` nests the value under `a` → `b` (copying, never mutating, a payload object).
 *   Without AS, a field or `x.field` keeps its last name and a call its function name; any other
 *   expression is named `_1`, `_2`… by position (IoT Core's naming here is undocumented).
 * - A field whose value is Undefined is left out of the output.
 * - A nested `(SELECT … FROM source [AS alias] [WHERE …])` runs over each element of an Array
 *   source (collecting the results, Undefined ones left out) or once over an Object source.
 */
import type { Expr, Query, SelectClause, SelectItem } from "../syntax/ast.ts"
import { toBooleanValue } from "../values/conversions.ts"
import { INHERITED_NAMES, isPlainObject, type SqlValue, setOwn } from "../values/sqlValue.ts"
import { compileExpr } from "./compileExpression.ts"
import type { CompileScope, Env, Evaluator } from "./evaluator.ts"
import { fieldPicks } from "./namedAccess.ts"

export const SELECT_FAILED: unique symbol = Symbol("select failed")
export type SelectBuilder = (env: Env) => SqlValue | typeof SELECT_FAILED

type Step = (env: Env, out: Record<string, SqlValue>) => boolean

/** The output key of an item without AS. */
const defaultName = (expr: Expr, position: number): string => {
  switch (expr.kind) {
    case "field":
    case "member":
      return expr.name
    case "call":
      return expr.name
    default:
      return `_${position}`
  }
}

/** Sets `value` at `path`, copying (not mutating) any object already on the way. */
const setPath = (out: Record<string, SqlValue>, path: ReadonlyArray<string>, value: SqlValue): void => {
  let target = out
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string
    const existing = Object.hasOwn(target, key) ? target[key] : undefined
    const next: Record<string, SqlValue> = isPlainObject(existing) ? { ...existing } : {}
    setOwn(target, key, next)
    target = next
  }
  setOwn(target, path[path.length - 1] as string, value)
}

const copyFields = (env: Env, out: Record<string, SqlValue>): boolean => {
  const scope = env.scope
  if (!isPlainObject(scope)) return false
  for (const key of Object.keys(scope)) setOwn(out, key, scope[key])
  return true
}

/**
 * `SELECT a, b AS c, …` of plain fields of the payload — the shape of most rules — reads the
 * fields straight off the payload object, without a closure per field.
 */
const compileFieldPicks = (names: ReadonlyArray<string>, keys: ReadonlyArray<string>): SelectBuilder => {
  const count = names.length
  const hasProto = keys.includes("__proto__")
  return (env) => {
    const out: Record<string, SqlValue> = {}
    const scope = env.scope
    if (typeof scope !== "object" || scope === null || Array.isArray(scope)) return out
    for (let i = 0; i < count; i++) {
      const value = (scope as Record<string, SqlValue>)[names[i] as string]
      if (value === undefined) continue
      if (hasProto) setOwn(out, keys[i] as string, value)
      else out[keys[i] as string] = value
    }
    return out
  }
}

const compileItems = (items: ReadonlyArray<SelectItem>, scope: CompileScope): SelectBuilder => {
  const picks = items.flatMap((item) =>
    item.kind === "expr" &&
    item.expr.kind === "field" &&
    item.expr.name !== scope.alias &&
    !INHERITED_NAMES.has(item.expr.name) &&
    (item.alias?.length ?? 1) === 1
      ? [{ name: item.expr.name, key: item.alias?.[0] ?? item.expr.name }]
      : [],
  )
  if (picks.length === items.length) {
    const keys = picks.map((p) => p.key)
    if (!keys.includes("__proto__")) {
      return fieldPicks(
        picks.map((p) => p.name),
        keys,
      )
    }
    return compileFieldPicks(
      picks.map((p) => p.name),
      picks.map((p) => p.key),
    )
  }
  const simple = items.every((item) => item.kind === "expr" && (item.alias?.length ?? 1) === 1)
  if (simple) {
    const keys: string[] = []
    const values: Evaluator[] = []
    items.forEach((item, i) => {
      if (item.kind !== "expr") return
      keys.push(item.alias?.[0] ?? defaultName(item.expr, i + 1))
      values.push(compileExpr(item.expr, scope))
    })
    const count = keys.length
    const hasProto = keys.includes("__proto__")
    return (env) => {
      const out: Record<string, SqlValue> = {}
      for (let i = 0; i < count; i++) {
        const value = (values[i] as Evaluator)(env)
        if (value === undefined) continue
        if (hasProto) setOwn(out, keys[i] as string, value)
        else out[keys[i] as string] = value
      }
      return out
    }
  }
  const steps: Step[] = items.map((item, i): Step => {
    if (item.kind === "star") return copyFields
    const path = item.alias ?? [defaultName(item.expr, i + 1)]
    const value = compileExpr(item.expr, scope)
    return (env, out) => {
      const v = value(env)
      if (v !== undefined) setPath(out, path, v)
      return true
    }
  })
  return (env) => {
    const out: Record<string, SqlValue> = {}
    for (const step of steps) if (!step(env, out)) return SELECT_FAILED
    return out
  }
}

export const compileSelect = (select: SelectClause, scope: CompileScope): SelectBuilder => {
  if (select.kind === "value") return compileExpr(select.expr, scope)
  const [first] = select.items
  if (select.items.length === 1 && first?.kind === "star") return (env) => env.scope
  return compileItems(select.items, scope)
}

const SKIP: unique symbol = Symbol("skip")

export const compileNestedQuery = (query: Query, outer: CompileScope): Evaluator => {
  const source = compileExpr(query.source, outer)
  const inner: CompileScope = { ...outer, nested: true, alias: query.alias }
  const where = query.where ? compileExpr(query.where, inner) : undefined
  const select = compileSelect(query.select, inner)
  return (env) => {
    const from = source(env)
    const run = (element: SqlValue): SqlValue | typeof SKIP => {
      const elementEnv: Env = {
        scope: element,
        message: env.message,
        context: env.context,
        version: env.version,
      }
      if (where && toBooleanValue(where(elementEnv)) !== true) return SKIP
      const result = select(elementEnv)
      return result === SELECT_FAILED ? SKIP : result
    }
    if (Array.isArray(from)) {
      const results: SqlValue[] = []
      for (const element of from) {
        const result = run(element)
        if (result !== SKIP && result !== undefined) results.push(result)
      }
      return results
    }
    if (!isPlainObject(from)) return undefined
    const result = run(from)
    return result === SKIP ? undefined : result
  }
}
