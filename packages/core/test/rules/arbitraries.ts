/**
 * fast-check generators of IoT SQL syntax trees, payloads and topics.
 *
 * Trees are built from the node constructors the parser produces (every `at` is 0: tests
 * compare trees without positions). Field names avoid reserved words; function names come from
 * the engine's registry (plus a few unknown ones when `knownFunctions` is off), so generated
 * statements exercise real functions with any number and kind of arguments.
 */
import fc from "fast-check"
import type { Expr, Query, SelectClause, SelectItem, Statement } from "../../src/rules/index.ts"
import { BUILT_IN_FUNCTIONS } from "../../src/rules/index.ts"

const RESERVED = new Set(
  "SELECT FROM WHERE AS AND OR NOT IN CASE WHEN THEN ELSE END TRUE FALSE NULL CAST EXISTS".split(" "),
)

export const FIELD_NAMES = ["a", "b", "c", "TEMP", "value", "x_1", "timestamp", "_"]

export const identifier = fc
  .oneof(
    fc.constantFrom(...FIELD_NAMES),
    fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,6}$/).filter((w) => !RESERVED.has(w.toUpperCase())),
  )
  .filter((w) => !RESERVED.has(w.toUpperCase()))

/** Any word: member names and aliases may be keywords. */
const word = fc.oneof(identifier, fc.constantFrom("end", "FROM", "Value", "in"))

const numberText = fc.oneof(
  fc.nat({ max: 100000 }).map(String),
  fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
  fc
    .tuple(fc.nat({ max: 9 }), fc.constantFrom("e", "E", "e-", "E+"), fc.nat({ max: 30 }))
    .map(([a, e, b]) => `${a}${e}${b}`),
  fc.constantFrom("0", "10.0", "2.00", "1e400", "0.1", "9007199254740993"),
)

const FUNCTION_NAMES = [...BUILT_IN_FUNCTIONS.keys()]
const CAST_TYPES = ["String", "int", "Integer", "Double", "Decimal", "bool", "BOOLEAN", "varchar"]
const BINARY_OPS = ["OR", "AND", "=", "<>", "<", "<=", ">", ">=", "IN", "+", "-", "*", "/", "%"] as const

export interface ExprOptions {
  readonly knownFunctions: boolean
}

export const exprArbitrary = (options: ExprOptions = { knownFunctions: true }): fc.Arbitrary<Expr> => {
  const functionName = options.knownFunctions
    ? fc.constantFrom(...FUNCTION_NAMES)
    : fc.oneof(
        fc.constantFrom(...FUNCTION_NAMES),
        identifier.filter((w) => !["cast", "exists"].includes(w.toLowerCase())),
      )
  const { expr } = fc.letrec<{ expr: Expr; query: Query; select: SelectClause; item: SelectItem }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      numberText.map((text): Expr => ({ kind: "number", text, at: 0 })),
      fc.string({ maxLength: 6 }).map((value): Expr => ({ kind: "string", value, at: 0 })),
      fc.boolean().map((value): Expr => ({ kind: "boolean", value, at: 0 })),
      fc.constant<Expr>({ kind: "null", at: 0 }),
      identifier.map((name): Expr => ({ kind: "field", name, at: 0 })),
      fc.tuple(tie("expr"), word).map(([object, name]): Expr => ({ kind: "member", object, name, at: 0 })),
      fc
        .tuple(
          functionName,
          fc.array(fc.oneof(tie("expr"), fc.constant<Expr>({ kind: "star", at: 0 })), { maxLength: 3 }),
        )
        .map(([name, args]): Expr => ({ kind: "call", name, args, at: 0 })),
      fc
        .tuple(tie("expr"), fc.constantFrom(...CAST_TYPES))
        .map(([value, type]): Expr => ({ kind: "cast", value, type, at: 0 })),
      tie("expr").map((operand): Expr => ({ kind: "negate", operand, at: 0 })),
      tie("expr").map((operand): Expr => ({ kind: "not", operand, at: 0 })),
      fc
        .tuple(fc.constantFrom(...BINARY_OPS), tie("expr"), tie("expr"))
        .map(([op, left, right]): Expr => ({ kind: "binary", op, left, right, at: 0 })),
      fc
        .tuple(
          tie("expr"),
          fc.array(fc.record({ when: tie("expr"), result: tie("expr") }), { minLength: 1, maxLength: 2 }),
          fc.option(tie("expr"), { nil: undefined }),
        )
        .map(
          ([subject, branches, otherwise]): Expr => ({ kind: "case", subject, branches, otherwise, at: 0 }),
        ),
      fc
        .array(fc.record({ key: fc.string({ maxLength: 4 }), value: tie("expr") }), { maxLength: 3 })
        .map((entries): Expr => ({ kind: "object", entries, at: 0 })),
      fc.array(tie("expr"), { maxLength: 3 }).map((items): Expr => ({ kind: "array", items, at: 0 })),
      tie("query").map((query): Expr => ({ kind: "subquery", query, at: 0 })),
      tie("query").map((query): Expr => ({ kind: "exists", query, at: 0 })),
    ),
    query: fc
      .record({
        select: tie("select"),
        source: tie("expr"),
        alias: fc.option(identifier, { nil: undefined }),
        where: fc.option(tie("expr"), { nil: undefined }),
      })
      .map((q): Query => q),
    select: fc.oneof(
      tie("expr").map((expr): SelectClause => ({ kind: "value", expr, at: 0 })),
      fc
        .array(tie("item"), { minLength: 1, maxLength: 3 })
        .map((items): SelectClause => ({ kind: "items", items, at: 0 })),
    ),
    item: fc.oneof(
      fc.constant<SelectItem>({ kind: "star", at: 0 }),
      fc
        .tuple(tie("expr"), fc.option(fc.array(word, { minLength: 1, maxLength: 2 }), { nil: undefined }))
        .map(([expr, alias]): SelectItem => ({ kind: "expr", expr, alias, at: 0 })),
    ),
  }))
  return expr
}

const topicLevel = fc.constantFrom("data", "a", "b", "dev1", "", "$aws", "x+y")

export const topicFilterArbitrary = fc
  .array(
    fc.oneof(
      topicLevel.filter((l) => !l.includes("+")),
      fc.constant("+"),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .chain((levels) => fc.boolean().map((hash) => (hash ? [...levels, "#"] : levels).join("/")))
  .filter((f) => f.length > 0)

export const topicArbitrary = fc
  .array(
    topicLevel.filter((l) => !l.includes("+")),
    { minLength: 1, maxLength: 5 },
  )
  .map((levels) => levels.join("/"))
  .filter((t) => t.length > 0)

export const statementArbitrary = (
  options: ExprOptions = { knownFunctions: true },
): fc.Arbitrary<Statement> => {
  const expr = exprArbitrary(options)
  const item = fc.oneof(
    fc.constant<SelectItem>({ kind: "star", at: 0 }),
    fc
      .tuple(expr, fc.option(fc.array(word, { minLength: 1, maxLength: 2 }), { nil: undefined }))
      .map(([e, alias]): SelectItem => ({ kind: "expr", expr: e, alias, at: 0 })),
  )
  const select = fc.oneof(
    expr.map((e): SelectClause => ({ kind: "value", expr: e, at: 0 })),
    fc
      .array(item, { minLength: 1, maxLength: 4 })
      .map((items): SelectClause => ({ kind: "items", items, at: 0 })),
  )
  return fc
    .record({ select, topicFilter: topicFilterArbitrary, where: fc.option(expr, { nil: undefined }) })
    .map((s): Statement => ({ ...s, topicFilterAt: 0 }))
}

/** JSON payloads whose keys are likely to be the fields a generated statement names. */
export const payloadArbitrary = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
  fc.jsonValue({ maxDepth: 3 }),
)

/** Removes `at` from every node, so trees compare by shape. */
export const withoutPositions = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutPositions)
  if (typeof value !== "object" || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => key !== "at" && key !== "topicFilterAt" && v !== undefined)
      .map(([key, v]) => [key, withoutPositions(v)]),
  )
}
