/**
 * The hostile-input corpus (packages/simulation/corpus/, described in its README): payloads,
 * device names, topics, rules files and HTTP requests, each with what the pipeline must make
 * of it. Entries too large to keep in a file (a 140 KB payload, 100,000 nested arrays, a
 * 100,000-character SQL statement) are described by a small `generate` object and built here.
 *
 * Read with `node:fs` from the folder beside this package's source, so the corpus is plain
 * data anyone can extend without touching code.
 */
import { readFileSync } from "node:fs"

const corpusFile = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../corpus/${name}`, import.meta.url), "utf8"))

export interface PayloadCase {
  readonly name: string
  readonly bytes: Uint8Array
  /** `reading`: decodes to a valid reading; `invalid`: dead-lettered with a reason. */
  readonly expect: "reading" | "invalid"
  /** The field the reason names, when one does. */
  readonly field?: string
  /**
   * What the Firehose transformation makes of it, when that differs: it applies Firehose's
   * record limit, not IoT Core's 128 KiB publish limit.
   */
  readonly lake: "reading" | "invalid"
}

interface PayloadEntry {
  readonly name: string
  readonly text?: string
  readonly base64?: string
  readonly generate?: {
    readonly nest?: number
    readonly into?: string
    readonly arrays?: number
    readonly pad?: number
  }
  readonly expect: "reading" | "invalid"
  readonly field?: string
  readonly lake?: "reading" | "invalid"
}

const READING = '{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":21,"HUMIDITY":48'

const generated = (spec: NonNullable<PayloadEntry["generate"]>): string => {
  if (spec.nest !== undefined)
    return `${READING},"${spec.into ?? "extra"}":${"[".repeat(spec.nest)}1${"]".repeat(spec.nest)}}`
  if (spec.arrays !== undefined) return `${"[".repeat(spec.arrays)}${"]".repeat(spec.arrays)}`
  if (spec.pad !== undefined) return `${READING},"PAD":"${"x".repeat(spec.pad)}"}`
  throw new Error(`unknown payload generator ${JSON.stringify(spec)}`)
}

const encoder = new TextEncoder()

export const payloadCases = (): PayloadCase[] =>
  (corpusFile("payloads.json") as PayloadEntry[]).map((entry) => ({
    name: entry.name,
    bytes:
      entry.base64 !== undefined
        ? new Uint8Array(Buffer.from(entry.base64, "base64"))
        : encoder.encode(entry.text ?? generated(entry.generate ?? {})),
    expect: entry.expect,
    lake: entry.lake ?? entry.expect,
    ...(entry.field === undefined ? {} : { field: entry.field }),
  }))

export interface DeviceNameCase {
  readonly name: string
  /** A valid AWS IoT thing name, safe as a key and a path segment. */
  readonly valid: boolean
}

export const deviceNameCases = (): DeviceNameCase[] => corpusFile("deviceNames.json") as DeviceNameCase[]

export interface TopicCase {
  readonly topic: string
  /** A topic name MQTT allows a client to publish to (no wildcards, no NUL, ≤ 256 bytes). */
  readonly valid: boolean
  /** The hands-on rules route a reading published there (for a valid topic; the broker refuses the others). */
  readonly routed: boolean
}

export const topicCases = (): TopicCase[] => corpusFile("topics.json") as TopicCase[]

export interface RulesFileCase {
  readonly name: string
  readonly text: string
  /** The path of an issue the loader must report; undefined when the file loads. */
  readonly issue: string | undefined
  /** Loads, but `sluice up` must refuse it (a stream it cannot open safely). */
  readonly stackRefuses: boolean
}

interface RulesEntry {
  readonly name: string
  readonly text?: string
  readonly generate?: { readonly sqlTerms?: number; readonly sqlParentheses?: number }
  readonly issue?: string | null
  readonly stackRefuses?: boolean
}

const rulesWithSql = (sql: string) =>
  JSON.stringify({
    rules: {
      r: {
        sql,
        awsIotSqlVersion: "2016-03-23",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template
        actions: [{ kinesis: { streamName: "telemetry", partitionKey: "${topic(2)}" } }],
      },
    },
  })

export const rulesFileCases = (): RulesFileCase[] =>
  (corpusFile("rulesFiles.json") as RulesEntry[]).map((entry) => {
    const spec = entry.generate
    const text =
      entry.text ??
      (spec?.sqlTerms !== undefined
        ? rulesWithSql(`SELECT ${"a+".repeat(spec.sqlTerms)}a FROM 'data/+'`)
        : rulesWithSql(
            `SELECT ${"(".repeat(spec?.sqlParentheses ?? 1)}1${")".repeat(spec?.sqlParentheses ?? 1)} AS x FROM 'data/+'`,
          ))
    return {
      name: entry.name,
      text,
      issue: entry.issue ?? undefined,
      stackRefuses: entry.stackRefuses === true,
    }
  })

export interface HttpCase {
  readonly method: string
  readonly path: string
  readonly body?: string
  /** A body of this many bytes (over the server's limit). */
  readonly bodyBytes?: number
  readonly status: number
}

export const httpCases = (): HttpCase[] => corpusFile("http.json") as HttpCase[]
