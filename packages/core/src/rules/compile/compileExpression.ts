/**
 * Compiles an expression tree into a closure.
 *
 * Everything that can be decided once is decided here: the function a call resolves to (an
 * unknown or unavailable function is a compile error at its position), the operator
 * implementation, literal values (Decimal boxing for SQL version 2015-10-08 included), cast
 * targets, and what the SQL version allows — object and array literals, nested queries, and the
 * functions and cast types added in 2016-03-23 are compile errors in a 2015-10-08 rule. At run
 * time only the closures run. No closure throws for any input value.
 */
import { BUILT_IN_FUNCTIONS, UNAVAILABLE_FUNCTIONS } from "../functions/registry.ts"
import type { Expr } from "../syntax/ast.ts"
import { fail } from "../syntax/position.ts"
import { CAST_KEYWORDS, castTarget, castValue } from "../values/cast.ts"
import { sqlEquals } from "../values/equality.ts"
import { BINARY_OPERATORS, negate, not } from "../values/operators.ts"
import { INHERITED_NAMES, isPlainObject, type SqlValue, setOwn, WholeDecimal } from "../values/sqlValue.ts"
import { compileNestedQuery } from "./compileSelect.ts"
import { type CompileScope, constant, type Evaluator } from "./evaluator.ts"
import { scopeField } from "./namedAccess.ts"

const NO_ARGS: ReadonlyArray<SqlValue> = []
const V2_ONLY = "needs SQL version 2016-03-23 (this rule uses 2015-10-08)"

const requireV2 = (scope: CompileScope, at: number, what: string): void => {
  if (scope.version === "2015-10-08") fail(at, `${what} ${V2_ONLY}`)
}

/** Reads field `name` of the current scope (the payload, or a nested query's element). */
const scopeFieldReader = (name: string): Evaluator =>
  INHERITED_NAMES.has(name) ? fieldReader((env) => env.scope, name) : scopeField(name)

/** Reads field `name` of whatever `of` evaluates to; own properties only for inherited names. */
const fieldReader = (of: Evaluator, name: string): Evaluator => {
  if (INHERITED_NAMES.has(name)) {
    return (env) => {
      const value = of(env)
      return isPlainObject(value) && Object.hasOwn(value, name) ? value[name] : undefined
    }
  }
  return (env) => {
    const value = of(env)
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, SqlValue>)[name]
      : undefined
  }
}

const numberLiteral = (text: string, scope: CompileScope): SqlValue => {
  const n = Number(text)
  if (!Number.isFinite(n)) return undefined
  const writtenAsDecimal = /[.eE]/.test(text)
  return writtenAsDecimal && scope.version === "2015-10-08" && Number.isInteger(n) ? new WholeDecimal(n) : n
}

const compileCall = (expr: Expr & { kind: "call" }, scope: CompileScope): Evaluator => {
  const lower = expr.name.toLowerCase()
  const definition = BUILT_IN_FUNCTIONS.get(lower)
  if (definition === undefined) {
    const reason = UNAVAILABLE_FUNCTIONS.get(lower)
    return fail(
      expr.at,
      reason
        ? `function ${expr.name}() is not available locally: ${reason}`
        : `unknown function '${expr.name}'`,
    )
  }
  if (definition.since === "2016-03-23") requireV2(scope, expr.at, `function ${expr.name}()`)
  const compiled = expr.args.map((arg) => compileExpr(arg, scope))
  // The reference: a function called with the wrong number of arguments returns Undefined.
  if (compiled.length < definition.minArgs || compiled.length > definition.maxArgs) return constant(undefined)
  const special = definition.compile?.({ args: expr.args, compiled, scope })
  if (special) return special
  const { call } = definition
  const { num } = scope
  const [a, b, c] = compiled
  switch (compiled.length) {
    case 0:
      return (env) => call(NO_ARGS, env, num)
    case 1:
      return (env) => call([(a as Evaluator)(env)], env, num)
    case 2:
      return (env) => call([(a as Evaluator)(env), (b as Evaluator)(env)], env, num)
    case 3:
      return (env) => call([(a as Evaluator)(env), (b as Evaluator)(env), (c as Evaluator)(env)], env, num)
    default:
      return (env) =>
        call(
          compiled.map((f) => f(env)),
          env,
          num,
        )
  }
}

const compileBinary = (expr: Expr & { kind: "binary" }, scope: CompileScope): Evaluator => {
  const op = BINARY_OPERATORS[expr.op]
  if (op === undefined) return fail(expr.at, `unknown operator ${expr.op}`)
  const left = compileExpr(expr.left, scope)
  const right = compileExpr(expr.right, scope)
  const { num } = scope
  // `field = 'text'` is the most common condition: a String equals only the same String.
  if (expr.op === "=" && expr.right.kind === "string") {
    const text = expr.right.value
    return (env) => {
      const value = left(env)
      return value === undefined ? undefined : value === text
    }
  }
  return (env) => op(left(env), right(env), num)
}

const compileCase = (expr: Expr & { kind: "case" }, scope: CompileScope): Evaluator => {
  const subject = compileExpr(expr.subject, scope)
  const branches = expr.branches.map((b) => ({
    when: compileExpr(b.when, scope),
    result: compileExpr(b.result, scope),
  }))
  const otherwise = expr.otherwise ? compileExpr(expr.otherwise, scope) : constant(undefined)
  return (env) => {
    const value = subject(env)
    if (value === undefined) return undefined
    for (const branch of branches) if (sqlEquals(value, branch.when(env)) === true) return branch.result(env)
    return otherwise(env)
  }
}

export const compileExpr = (expr: Expr, scope: CompileScope): Evaluator => {
  switch (expr.kind) {
    case "number":
      return constant(numberLiteral(expr.text, scope))
    case "string":
    case "boolean":
      return constant(expr.value)
    case "null":
      return constant(null)
    case "star":
      return (env) => env.scope
    case "field":
      if (scope.alias === expr.name) return (env) => env.scope
      return scopeFieldReader(expr.name)
    case "member":
      return fieldReader(compileExpr(expr.object, scope), expr.name)
    case "call":
      return compileCall(expr, scope)
    case "cast": {
      const cast = castTarget(expr.type)
      if (cast === undefined) {
        return fail(
          expr.at,
          `unknown type '${expr.type}' in cast (expected one of ${CAST_KEYWORDS.join(", ")})`,
        )
      }
      if (cast.since === "2016-03-23") requireV2(scope, expr.at, `cast to ${expr.type}`)
      const value = compileExpr(expr.value, scope)
      const { num } = scope
      return (env) => castValue(value(env), cast.target, num)
    }
    case "negate": {
      const operand = compileExpr(expr.operand, scope)
      const { num } = scope
      return (env) => negate(operand(env), num)
    }
    case "not": {
      const operand = compileExpr(expr.operand, scope)
      return (env) => not(operand(env))
    }
    case "binary":
      return compileBinary(expr, scope)
    case "case":
      return compileCase(expr, scope)
    case "object": {
      requireV2(scope, expr.at, "an object literal")
      const entries = expr.entries.map((e) => ({ key: e.key, value: compileExpr(e.value, scope) }))
      return (env) => {
        const result: Record<string, SqlValue> = {}
        for (const entry of entries) {
          const value = entry.value(env)
          if (value !== undefined) setOwn(result, entry.key, value)
        }
        return result
      }
    }
    case "array": {
      requireV2(scope, expr.at, "an array literal")
      const items = expr.items.map((item) => compileExpr(item, scope))
      return (env) => {
        const result: SqlValue[] = []
        for (const item of items) {
          const value = item(env)
          if (value !== undefined) result.push(value)
        }
        return result
      }
    }
    case "subquery":
      requireV2(scope, expr.at, "a nested SELECT")
      return compileNestedQuery(expr.query, scope)
    case "exists": {
      requireV2(scope, expr.at, "EXISTS")
      const query = compileNestedQuery(expr.query, scope)
      return (env) => {
        const result = query(env)
        return Array.isArray(result) ? result.length > 0 : result !== undefined
      }
    }
  }
}
