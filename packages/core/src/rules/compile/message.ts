/**
 * A message as the rules engine sees it: topic, payload bytes and the payload's JSON reading.
 *
 * Callers hand in the bytes as published, or JSON they already parsed (the local broker parses
 * once for every rule), or both. Whatever is missing is derived lazily and at most once, so
 * routing one message through many rules parses it once: the JSON from the bytes (a payload that
 * is not UTF-8 JSON is binary, and field references on it are Undefined), the bytes from the
 * JSON (for `encode(*, 'base64')` and the error action's base64 payload), and, for SQL version
 * 2015-10-08 rules only, a second reading that keeps `10.0` a Decimal. Parsing never throws.
 *
 * Two more things are remembered per message, because rules mostly share them: the last topic
 * filter tested and its answer (rules on the same filter test the topic once), and the
 * evaluation environment, which is the prepared message itself for its first context and SQL
 * version (routing allocates no environment per message; see `messageEnv`).
 */
import { readDecimalJson } from "../values/decimalJson.ts"
import type { SqlValue, SqlVersion } from "../values/sqlValue.ts"

/** What callers pass in: the topic, and the payload as bytes and/or parsed JSON. */
export interface RuleMessage {
  readonly topic: string
  /** The payload exactly as published. */
  readonly payload?: Uint8Array
  /** The payload already parsed from JSON (plain JSON values only). Takes precedence for field access. */
  readonly json?: unknown
}

/** The context a rule is evaluated in: everything that is not the message and not pure. */
export interface EvaluationContext {
  /** What `timestamp()` returns: the time the rules engine saw the message, in epoch ms. */
  readonly timestampMs: number
  /** Called once per `newuuid()`. */
  readonly newUuid: () => string
  /** What `clientid()` returns; "n/a" when absent, as for messages not sent over MQTT. */
  readonly clientId?: string
  readonly principal?: string
  readonly accountId?: string
  readonly traceId?: string
  /** Source of `rand()`; without it `rand()` derives a number from `newUuid()`. */
  readonly random?: () => number
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true })
const utf8Encoder = new TextEncoder()
const EMPTY = new Uint8Array(0)
const UNSET = Symbol("unset")

export class PreparedMessage {
  /**
   * A prepared message doubles as the environment of its first context and SQL version (see
   * `messageEnv`), which saves routing an allocation per message: these are that environment's
   * fields. Internal; read them through an `Env`.
   */
  scope: SqlValue = undefined
  context: EvaluationContext | undefined = undefined
  version: SqlVersion | undefined = undefined
  readonly message: PreparedMessage = this
  /** The last topic filter tested against this message, and its answer (see `subscribedBy`). */
  private testedFilter: ((topic: string) => boolean) | undefined = undefined
  private testedAnswer = false
  private parsed: SqlValue | typeof UNSET = UNSET
  private isJsonPayload = false
  private decimalReading: SqlValue | typeof UNSET = UNSET

  private constructor(
    readonly topic: string,
    private bytes: Uint8Array | undefined,
    json: unknown,
    hasJson: boolean,
  ) {
    if (hasJson) {
      this.parsed = json
      this.isJsonPayload = true
    }
  }

  static from(message: RuleMessage): PreparedMessage {
    if (message instanceof PreparedMessage) return message
    const hasJson = message.json !== undefined
    return new PreparedMessage(message.topic, message.payload, message.json, hasJson)
  }

  /** Whether a (shared) topic matcher accepts this message's topic, remembered for the next rule. */
  subscribedBy(matcher: (topic: string) => boolean): boolean {
    if (this.testedFilter !== matcher) {
      this.testedFilter = matcher
      this.testedAnswer = matcher(this.topic)
    }
    return this.testedAnswer
  }

  /** The payload bytes as published (or the JSON text of the given JSON). */
  get payloadBytes(): Uint8Array {
    if (this.bytes === undefined) {
      let text: string | undefined
      try {
        text = JSON.stringify(this.parsed === UNSET ? null : this.parsed)
      } catch {
        text = undefined
      }
      this.bytes = text === undefined ? EMPTY : utf8Encoder.encode(text)
    }
    return this.bytes
  }

  private parse(): void {
    if (this.parsed !== UNSET) return
    this.parsed = undefined
    try {
      this.parsed = JSON.parse(utf8Decoder.decode(this.payloadBytes)) as SqlValue
      this.isJsonPayload = true
    } catch {
      // Not UTF-8 JSON: a binary payload.
    }
  }

  /** What `SELECT *` outputs: the payload's JSON, or its bytes when it is binary. */
  get passthrough(): SqlValue {
    this.parse()
    return this.isJsonPayload ? this.parsed : this.payloadBytes
  }

  /** Whether the payload is JSON (of any type); otherwise it is binary. */
  get isJson(): boolean {
    this.parse()
    return this.isJsonPayload
  }

  /** The payload as JSON, or Undefined for a binary payload. */
  get json(): SqlValue {
    this.parse()
    return this.parsed === UNSET ? undefined : this.parsed
  }

  /** The payload as the given SQL version reads it. */
  jsonFor(version: SqlVersion): SqlValue {
    const json = this.json
    if (version !== "2015-10-08" || !this.isJsonPayload) return json
    if (this.decimalReading === UNSET) {
      this.decimalReading = json
      try {
        // The bytes still hold the `10.0`s that JSON.parse (or the caller's JSON) lost.
        const text = this.bytes === undefined ? undefined : utf8Decoder.decode(this.bytes)
        if (text !== undefined) {
          JSON.parse(text)
          this.decimalReading = readDecimalJson(text)
        }
      } catch {
        // Not JSON after all, or nested beyond the stack: keep the plain reading.
      }
    }
    return this.decimalReading
  }
}
