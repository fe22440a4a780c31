/**
 * `sluice rule test --file F`: rule tests kept next to the rules, run like unit tests.
 *
 * The file is a JSON array of cases (or `{"cases": [...]}`); each case has `sql`, `topic`, a
 * `payload` (any JSON) or `payloadBase64`, and `expected` — the line `sluice rule test` prints
 * for it, so a case can be written by pasting a run. Optional: `name`, `clientId`, `principal`,
 * `timestamp` (default 0) and `sqlVersion`. Uuids are a fixed sequence, so every case is
 * reproducible. A malformed file is a usage error (exit 2); a case whose statement does not
 * compile or whose result differs fails, and any failure makes the exit code 1.
 */
import { readFile } from "node:fs/promises"
import { resolve } from "node:path"
import { isDeepStrictEqual } from "node:util"
import { compileRule, type EvaluationContext } from "@sluice/core"
import { type CommandIO, UsageError } from "../command.ts"
import { describeSqlError, parseSqlVersion, resultLine } from "./ruleTest.ts"

interface RuleTestCase {
  readonly name: string
  readonly sql: string
  readonly topic: string
  readonly payload: Uint8Array
  readonly expected: unknown
  readonly context: EvaluationContext
  readonly sqlVersion: ReturnType<typeof parseSqlVersion>
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const deterministicUuids = (): (() => string) => {
  let n = 0
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`
}

const readCase = (raw: unknown, index: number): RuleTestCase => {
  const where = `case ${index + 1}`
  if (!isObject(raw)) throw new UsageError(`${where}: a case is an object`)
  const name = typeof raw.name === "string" ? raw.name : `case ${index + 1}`
  const problem = (text: string) => new UsageError(`${where} (${name}): ${text}`)
  if (typeof raw.sql !== "string") throw problem('"sql" must be a string')
  if (typeof raw.topic !== "string") throw problem('"topic" must be a string')
  if (!isObject(raw.expected) || typeof raw.expected.matched !== "boolean") {
    throw problem('"expected" must be a result such as {"matched":false} or {"matched":true,"output":…}')
  }
  if ("payload" in raw === "payloadBase64" in raw)
    throw problem('give exactly one of "payload" and "payloadBase64"')
  if ("payloadBase64" in raw && typeof raw.payloadBase64 !== "string")
    throw problem('"payloadBase64" must be a string')
  const payload =
    typeof raw.payloadBase64 === "string"
      ? new Uint8Array(Buffer.from(raw.payloadBase64, "base64"))
      : new TextEncoder().encode(JSON.stringify(raw.payload))
  if (raw.timestamp !== undefined && !Number.isInteger(raw.timestamp))
    throw problem('"timestamp" must be epoch ms')
  let sqlVersion: RuleTestCase["sqlVersion"]
  try {
    sqlVersion = parseSqlVersion(typeof raw.sqlVersion === "string" ? raw.sqlVersion : undefined)
  } catch (error) {
    throw problem((error as Error).message.replace("--sql-version", '"sqlVersion"'))
  }
  const context: EvaluationContext = {
    timestampMs: typeof raw.timestamp === "number" ? raw.timestamp : 0,
    newUuid: deterministicUuids(),
    ...(typeof raw.clientId === "string" ? { clientId: raw.clientId } : {}),
    ...(typeof raw.principal === "string" ? { principal: raw.principal } : {}),
  }
  return { name, sql: raw.sql, topic: raw.topic, payload, expected: raw.expected, context, sqlVersion }
}

export const readCases = (text: string, file: string): RuleTestCase[] => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`)
  }
  const list = Array.isArray(parsed)
    ? parsed
    : isObject(parsed) && Array.isArray(parsed.cases)
      ? parsed.cases
      : undefined
  if (list === undefined) throw new UsageError(`${file}: expected an array of cases or {"cases": [...]}`)
  return list.map(readCase)
}

export const runCaseFile = async (file: string, io: CommandIO): Promise<number> => {
  let text: string
  try {
    text = await readFile(resolve(io.cwd, file), "utf8")
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
  const cases = readCases(text, file)
  let failed = 0
  for (const testCase of cases) {
    const compiled = compileRule(testCase.sql, { sqlVersion: testCase.sqlVersion })
    if (!compiled.ok) {
      failed++
      const described = describeSqlError(testCase.sql, compiled.error).trimEnd().replaceAll("\n", "\n      ")
      io.stdout(`FAIL  ${testCase.name}\n      ${described}\n`)
      continue
    }
    const actual = resultLine(
      compiled.rule.evaluate({ topic: testCase.topic, payload: testCase.payload }, testCase.context),
    )
    if (isDeepStrictEqual(JSON.parse(actual), JSON.parse(JSON.stringify(testCase.expected)))) {
      io.stdout(`ok    ${testCase.name}\n`)
    } else {
      failed++
      io.stdout(
        `FAIL  ${testCase.name}\n      expected ${JSON.stringify(testCase.expected)}\n      actual   ${actual}\n`,
      )
    }
  }
  io.stdout(`${cases.length} cases: ${cases.length - failed} passed, ${failed} failed\n`)
  return failed === 0 ? 0 : 1
}
