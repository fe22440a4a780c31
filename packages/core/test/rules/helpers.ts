/**
 * Test helpers for the rules engine: a fixed evaluation context, and one-liners that compile a
 * statement (failing the test on a compile error) and evaluate it on a JSON payload.
 */
import {
  type CompiledRule,
  compileRule,
  type EvaluationContext,
  type EvaluationResult,
  type SqlVersion,
} from "../../src/rules/index.ts"

export const TIMESTAMP_MS = 1481825251155

/** A deterministic context: fixed clock, counting uuids. */
export const testContext = (overrides: Partial<EvaluationContext> = {}): EvaluationContext => {
  let n = 0
  return {
    timestampMs: TIMESTAMP_MS,
    newUuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    clientId: "iotconsole-1511213971966-0",
    principal: "ba67293af50bf2506f5f93469686da660c7c844e7b3950bfb16813e0d31e9373",
    accountId: "123456789012",
    ...overrides,
  }
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
export const jsonBytes = (value: unknown): Uint8Array => utf8(JSON.stringify(value))

export const compiled = (sql: string, sqlVersion: SqlVersion = "2016-03-23"): CompiledRule => {
  const result = compileRule(sql, { sqlVersion })
  if (!result.ok)
    throw new Error(
      `${sql}\n  line ${result.error.line}, column ${result.error.column}: ${result.error.message}`,
    )
  return result.rule
}

/** Evaluates `sql` on `payload` (JSON-encoded, or bytes as given) published to `topic`. */
export const evaluate = (
  sql: string,
  payload: unknown,
  topic = "topic/subtopic",
  options: { sqlVersion?: SqlVersion; context?: Partial<EvaluationContext> } = {},
): EvaluationResult =>
  compiled(sql, options.sqlVersion).evaluateOrThrow(
    { topic, payload: payload instanceof Uint8Array ? payload : jsonBytes(payload) },
    testContext(options.context),
  )

/** The output of a statement that must match. */
export const output = (...args: Parameters<typeof evaluate>): unknown => {
  const result = evaluate(...args)
  if (!result.matched) throw new Error(`${args[0]} did not match`)
  return result.output
}

/** The value of one expression, through `SELECT VALUE (expr)` on an empty object payload. */
export const expressionValue = (
  expression: string,
  payload: unknown = {},
  sqlVersion: SqlVersion = "2016-03-23",
): unknown => {
  const result = evaluate(`SELECT VALUE (${expression}) FROM 'a/b'`, payload, "a/b", { sqlVersion })
  if (!result.matched) throw new Error(`${expression} did not match`)
  // SELECT VALUE of Undefined is an empty payload: report it as undefined.
  return result.output instanceof Uint8Array && result.output.length === 0 ? undefined : result.output
}
