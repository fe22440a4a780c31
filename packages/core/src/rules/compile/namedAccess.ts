/**
 * The three hottest shapes of compiled code, generated with their property names written in.
 *
 * Everything else in the engine is plain closures. These three — reading a field of the payload,
 * picking fields into an output object, and building an action's parameter object — run for
 * nearly every message, and as closures they read and write properties by a name held in a
 * variable. V8 then shares one inline cache between every rule and every field, which goes
 * megamorphic and makes each access a hash lookup (adding a property that way is slower still).
 * Generating a small function per call site with the names as constants (`s["TIMESTAMP"]`)
 * gives each its own monomorphic cache, which is what a hand-written function gets.
 *
 * Only names chosen by the rule's author end up in generated source, and only as
 * `JSON.stringify`d string literals, so nothing can be injected. Where code generation from
 * strings is disabled (`--disallow-code-generation-from-strings`), the closure forms are used.
 */
import { type SqlValue, setOwn } from "../values/sqlValue.ts"
import type { Env, Evaluator } from "./evaluator.ts"

const literal = (name: string): string => JSON.stringify(name)

/** A factory built from source once, or undefined when code generation is not allowed. */
const generate = <T>(parameters: ReadonlyArray<string>, body: string): T | undefined => {
  try {
    return new Function(...parameters, body) as T
  } catch {
    return undefined
  }
}

/** The field each `scopeField` reader reads, so generated code can read it inline instead. */
const scopeFieldNames = new WeakMap<Evaluator, string>()

/** Reads field `name` of the current scope; `name` must not be inherited from Object.prototype. */
export const scopeField = (name: string): Evaluator => {
  const generated = generate<Evaluator>(
    ["env"],
    `const s = env.scope
     return typeof s === "object" && s !== null && !Array.isArray(s) ? s[${literal(name)}] : undefined`,
  )
  if (generated) {
    scopeFieldNames.set(generated, name)
    return generated
  }
  return (env) => {
    const scope = env.scope
    return typeof scope === "object" && scope !== null && !Array.isArray(scope)
      ? (scope as Record<string, SqlValue>)[name]
      : undefined
  }
}

/** `SELECT a, b AS c, …` of fields of the scope: Undefined fields left out. No `__proto__` keys. */
export const fieldPicks = (
  names: ReadonlyArray<string>,
  keys: ReadonlyArray<string>,
): ((env: Env) => Record<string, SqlValue>) => {
  const lines = names.map(
    (name, i) => `v = s[${literal(name)}]; if (v !== undefined) o[${literal(keys[i] as string)}] = v`,
  )
  const generated = generate<(env: Env) => Record<string, SqlValue>>(
    ["env"],
    `const o = {}
     const s = env.scope
     if (typeof s !== "object" || s === null || Array.isArray(s)) return o
     let v
     ${lines.join("\n")}
     return o`,
  )
  if (generated) return generated
  const count = names.length
  return (env) => {
    const out: Record<string, SqlValue> = {}
    const scope = env.scope
    if (typeof scope !== "object" || scope === null || Array.isArray(scope)) return out
    for (let i = 0; i < count; i++) {
      const value = (scope as Record<string, SqlValue>)[names[i] as string]
      if (value !== undefined) setOwn(out, keys[i] as string, value)
    }
    return out
  }
}

/** A value of `objectOf`: computed per call, or the same constant every time. */
export type FieldSource<E> = { readonly compute: (env: E) => unknown } | { readonly constant: unknown }

/** A fresh object per call, with `keys[i]` set from `sources[i]`. */
export const objectOf = <E>(
  keys: ReadonlyArray<string>,
  sources: ReadonlyArray<FieldSource<E>>,
): ((env: E) => Record<string, unknown>) => {
  const sourceValue = (source: FieldSource<E>, env: E): unknown =>
    "constant" in source ? source.constant : source.compute(env)
  if (!keys.includes("__proto__")) {
    const fields = keys.map((key, i) => {
      const source = sources[i] as FieldSource<E>
      if (!("constant" in source)) return `${literal(key)}: f[${i}](env)`
      // Strings, numbers, booleans and null are written in, so V8 clones a boilerplate object.
      const value = source.constant
      const inline =
        value === null || typeof value === "string" || typeof value === "boolean" || Number.isFinite(value)
      return `${literal(key)}: ${inline ? JSON.stringify(value) : `c[${i}]`}`
    })
    const constants = sources.map((source) => ("constant" in source ? source.constant : undefined))
    const computed = sources.map((source) => ("compute" in source ? source.compute : undefined))
    const factory = generate<
      (c: ReadonlyArray<unknown>, f: ReadonlyArray<unknown>) => (env: E) => Record<string, unknown>
    >(["c", "f"], `return (env) => ({ ${fields.join(", ")} })`)
    if (factory) return factory(constants, computed)
  }
  const count = keys.length
  return (env) => {
    const result: Record<string, SqlValue> = {}
    for (let i = 0; i < count; i++)
      setOwn(result, keys[i] as string, sourceValue(sources[i] as FieldSource<E>, env))
    return result
  }
}

/** Reads the string at `path` in an object (`["putItem", "tableName"]`), or "". */
export const stringAtPath = (path: ReadonlyArray<string>): ((value: unknown) => string) => {
  const steps = path.map((key) => `v = typeof v === "object" && v !== null ? v[${literal(key)}] : undefined`)
  const generated = generate<(value: unknown) => string>(
    ["value"],
    `let v = value
     ${steps.join("\n")}
     return typeof v === "string" ? v : ""`,
  )
  if (generated) return generated
  return (value) => {
    let v = value
    for (const key of path)
      v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined
    return typeof v === "string" ? v : ""
  }
}

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({})

/**
 * A substitution template's text as one function: literal text, `str(…)` of each expression,
 * and the payload fields it names read inline (`${DEVICE_NAME}/${TIMESTAMP}` becomes two
 * property reads and a concatenation). `str` is the String conversion, "" for Undefined/Null.
 * Undefined where code generation is disabled.
 */
export const templateConcatenation = (
  parts: ReadonlyArray<string | Evaluator>,
  str: (value: unknown) => string,
): ((env: Env) => string) | undefined => {
  const terms = parts.map((part, i) => {
    if (typeof part === "string") return literal(part)
    const field = scopeFieldNames.get(part)
    return field === undefined ? `str(p[${i}](env))` : `str(s[${literal(field)}])`
  })
  const factory = generate<
    (
      p: ReadonlyArray<string | Evaluator>,
      str: (value: unknown) => string,
      none: object,
    ) => (env: Env) => string
  >(
    ["p", "str", "none"],
    `return (env) => {
       const scope = env.scope
       const s = typeof scope === "object" && scope !== null && !Array.isArray(scope) ? scope : none
       return ${terms.join(" + ")}
     }`,
  )
  return factory?.(parts, str, NO_FIELDS)
}
