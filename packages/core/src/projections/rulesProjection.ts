/**
 * History through new rules: a stateless projection whose views are what a rules file would have
 * routed — one view per (rule, action, reading), keyed `<rule>/<action index>/<event id>`:
 *
 *     { eventId, rule, actionIndex, action, topic, params, payload }
 *
 * The message a rule sees is rebuilt from the stored reading: the topic `data/<device>` (the
 * hands-on's; `topicOf` changes it), the payload the reading's fields as published (without the
 * `deviceId` and `ts` keys the store adds), `clientid()` the device, `timestamp()` the reading's
 * own time, and `newuuid()` derived from the event id — so routing the same history twice gives
 * the same views, and a replay is idempotent. Binary SELECT output is kept as `{ base64 }`.
 * Name and fingerprint come from the caller (the CLI uses the file's name and a digest of its
 * text, so an edited rules file is routed again from the start).
 */
import type { EvaluationContext } from "../rules/compile/message.ts"
import type { RuleSet } from "../rules/ruleset/ruleSet.ts"
import type { Json, JsonObject } from "../telemetry/json.ts"
import type { Reading } from "../telemetry/reading.ts"
import { fingerprintOf, type Projection, type PutView } from "./projection.ts"

export interface RulesProjectionOptions {
  readonly rules: RuleSet
  readonly name: string
  /** A digest of the rules (e.g. of the file's text). */
  readonly fingerprint: string
  readonly version?: number
  /** The topic a reading was published to. Default `data/<deviceId>`. */
  readonly topicOf?: (reading: Reading) => string
}

const toJson = (value: unknown): Json => {
  if (value instanceof Uint8Array)
    return { base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") }
  if (value === undefined) return null
  return JSON.parse(JSON.stringify(value)) as Json
}

/** A UUID-shaped id from a seed: deterministic, so replays route identically. */
const uuidFrom = (seed: string): string => {
  const hex = [0, 1, 2, 3].map((i) => fingerprintOf(`${i}:${seed}`)).join("")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export const rulesProjection = (options: RulesProjectionOptions): Projection<null> => {
  const topicOf = options.topicOf ?? ((reading: Reading) => `data/${reading.deviceId}`)
  return {
    name: options.name,
    version: options.version ?? 1,
    fingerprint: options.fingerprint,
    initial: null,
    stateless: true,
    apply: (_state, event) => {
      const { deviceId: _deviceId, ts: _ts, ...payload } = event.reading.fields
      const topic = topicOf(event.reading)
      let uuids = 0
      const context: EvaluationContext = {
        timestampMs: event.reading.epochMs,
        clientId: event.reading.deviceId,
        newUuid: () => uuidFrom(`${event.id}#${uuids++}`),
      }
      const intents: PutView[] = []
      for (const match of options.rules.route({ topic, json: payload }, context)) {
        for (const invocation of match.invocations) {
          const value: JsonObject = {
            eventId: event.id,
            rule: invocation.ruleName,
            actionIndex: invocation.actionIndex,
            action: invocation.type,
            topic,
            params: toJson(invocation.params),
            payload: toJson(invocation.payload),
          }
          intents.push({
            _tag: "PutView",
            key: `${invocation.ruleName}/${invocation.actionIndex}/${event.id}`,
            value,
          })
        }
      }
      return { state: null, intents }
    },
  }
}
