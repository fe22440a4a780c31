/**
 * `sluice rule test`: evaluate an AWS IoT SQL statement on a message, exactly as IoT Core would.
 *
 * With `--sql/--topic/--payload` it prints one line, `{"matched":true,"output":…}` or
 * `{"matched":false}` (a binary output — a `SELECT *` of a `--payload-base64` payload, or a
 * `SELECT VALUE` of Undefined — prints as `{"matched":true,"outputBase64":"…"}`). A statement
 * that does not compile exits 2 with its line, column and message on stderr, like any usage
 * error. With `--file` it runs a JSON file of cases and reports each (see ruleTestFile.ts).
 * The clock and uuids are the only nondeterminism: `--timestamp` pins the former.
 */
import { randomUUID } from "node:crypto"
import {
  compileRule,
  type EvaluationContext,
  type EvaluationResult,
  formatSqlError,
  SQL_VERSIONS,
  type SqlError,
  type SqlVersion,
} from "@sluice/core"
import { type Command, type CommandIO, type OptionValues, UsageError } from "../command.ts"
import { runCaseFile } from "./ruleTestFile.ts"

/** The one-line JSON form of a result; bytes become base64. */
export const resultLine = (result: EvaluationResult): string => {
  if (!result.matched) return JSON.stringify({ matched: false })
  if (result.output instanceof Uint8Array) {
    return JSON.stringify({ matched: true, outputBase64: Buffer.from(result.output).toString("base64") })
  }
  return JSON.stringify({ matched: true, output: result.output })
}

/** The error with the offending line and a caret under the column. */
export const describeSqlError = (sql: string, error: SqlError): string => {
  const line = sql.split("\n")[error.line - 1] ?? ""
  return `${formatSqlError(error)}\n  ${line}\n  ${" ".repeat(Math.max(0, error.column - 1))}^\n`
}

const stringOption = (values: OptionValues, name: string): string | undefined => {
  const value = values[name]
  return typeof value === "string" ? value : undefined
}

export const parseSqlVersion = (text: string | undefined): SqlVersion => {
  if (text === undefined) return "2016-03-23"
  if (!(SQL_VERSIONS as ReadonlyArray<string>).includes(text)) {
    throw new UsageError(`--sql-version must be one of ${SQL_VERSIONS.join(", ")}`)
  }
  return text as SqlVersion
}

export const parseTimestamp = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new UsageError("--timestamp must be epoch milliseconds (digits only)")
  return Number(text)
}

const payloadOf = (values: OptionValues): Uint8Array => {
  const json = stringOption(values, "payload")
  const base64 = stringOption(values, "payload-base64")
  if ((json === undefined) === (base64 === undefined))
    throw new UsageError("give exactly one of --payload and --payload-base64")
  if (base64 !== undefined) return new Uint8Array(Buffer.from(base64, "base64"))
  try {
    JSON.parse(json as string)
  } catch (error) {
    throw new UsageError(
      `--payload is not JSON (${(error as Error).message}); use --payload-base64 for other bytes`,
    )
  }
  return new TextEncoder().encode(json)
}

const runSingle = (values: OptionValues, io: CommandIO): number => {
  const sql = stringOption(values, "sql")
  const topic = stringOption(values, "topic")
  if (sql === undefined || topic === undefined) throw new UsageError("give --sql and --topic (or --file)")
  const payload = payloadOf(values)
  const sqlVersion = parseSqlVersion(stringOption(values, "sql-version"))
  const compiled = compileRule(sql, { sqlVersion })
  if (!compiled.ok) {
    io.stderr(`sluice rule test: ${describeSqlError(sql, compiled.error)}`)
    return 2
  }
  const clientId = stringOption(values, "client-id")
  const principal = stringOption(values, "principal")
  const context: EvaluationContext = {
    timestampMs: parseTimestamp(stringOption(values, "timestamp")) ?? Date.now(),
    newUuid: randomUUID,
    ...(clientId === undefined ? {} : { clientId }),
    ...(principal === undefined ? {} : { principal }),
  }
  io.stdout(`${resultLine(compiled.rule.evaluate({ topic, payload }, context))}\n`)
  return 0
}

export const ruleTestCommand: Command = {
  path: ["rule", "test"],
  summary: "evaluate an AWS IoT SQL statement on a message, as IoT Core would",
  description: [
    'Prints one line: {"matched":true,"output":…} or {"matched":false}. A statement that does not',
    "compile exits 2 with its line, column and what was expected. With --file, runs a JSON file of",
    'cases — [{"name", "sql", "topic", "payload" | "payloadBase64", "expected", "clientId"?,',
    '"timestamp"?, "sqlVersion"?}] or {"cases": […]} — where "expected" is the line the command',
    "would print; reports each case and exits 1 if any fails. Cases run with timestamp 0 unless they",
    "set one, and with uuids 00000000-0000-4000-8000-000000000001, …002, … so they are reproducible.",
  ].join("\n"),
  options: {
    sql: { type: "string", valueName: "SQL", description: "the statement, e.g. \"SELECT * FROM 'data/+'\"" },
    topic: { type: "string", valueName: "TOPIC", description: "the topic the message is published to" },
    payload: { type: "string", valueName: "JSON", description: "the payload, as JSON text" },
    "payload-base64": {
      type: "string",
      valueName: "BASE64",
      description: "the payload as base64 bytes (binary payloads)",
    },
    "client-id": { type: "string", valueName: "ID", description: "what clientid() returns (default: n/a)" },
    principal: { type: "string", valueName: "P", description: "what principal() returns" },
    timestamp: {
      type: "string",
      valueName: "MS",
      description: "what timestamp() returns, epoch ms (default: now)",
    },
    "sql-version": {
      type: "string",
      valueName: "V",
      description: `awsIotSqlVersion: ${SQL_VERSIONS.join(" or ")} (default: 2016-03-23)`,
    },
    file: { type: "string", valueName: "FILE", description: "a JSON file of test cases to run instead" },
  },
  examples: [
    `sluice rule test --sql "SELECT * FROM 'data/+' WHERE TEMPERATURE > 20" --topic data/dev1 --payload '{"TEMPERATURE":25}'`,
    `sluice rule test --sql "SELECT topic(2) AS device, timestamp() AS ts FROM 'data/+'" --topic data/dev1 --payload '{}' --timestamp 0`,
    "sluice rule test --file rules/hands-on.cases.json",
  ],
  run: async ({ values, io }) => {
    const file = stringOption(values, "file")
    if (file === undefined) return runSingle(values, io)
    const conflicting = ["sql", "topic", "payload", "payload-base64"].filter(
      (name) => values[name] !== undefined,
    )
    if (conflicting.length)
      throw new UsageError(`--file runs its own cases; drop --${conflicting.join(", --")}`)
    return runCaseFile(file, io)
  },
}
