/**
 * The classic shadow service's request handling: a request on a `$aws/things/<thing>/shadow/…`
 * topic in, the stored document after it and the messages to publish out. Pure: the caller
 * keeps the documents (and persists them) and publishes the messages.
 *
 * Topics handled: `get`, `update`, `delete`. Replies go to `<op>/accepted` or `<op>/rejected`
 * (with `{ code, message, timestamp, clientToken? }`); a successful update also publishes
 * `update/documents` (previous and current) and, when the request changed `desired` in a way
 * `reported` does not match, `update/delta` with just those keys. Versions start at 1 and grow
 * by one per update; an update naming another `version` is rejected with 409.
 * Source: AWS IoT developer guide, "Device Shadow MQTT topics" and "Interacting with shadows".
 */
import { isJsonObject, type Json, type JsonObject } from "../telemetry/json.ts"
import { deltaOf, mergeMetadata, mergeSection, metadataOf, type ShadowDocument } from "./document.ts"

export interface ShadowMessage {
  readonly topic: string
  readonly payload: JsonObject
}

export interface ShadowOutcome {
  /** The document after the request; undefined when there is none (never created, or deleted). */
  readonly document: ShadowDocument | undefined
  readonly messages: ReadonlyArray<ShadowMessage>
}

const TOPIC = /^\$aws\/things\/([a-zA-Z0-9:_-]{1,128})\/shadow\/(get|update|delete)$/

/** The thing and operation of a classic shadow request topic; undefined for any other topic. */
export const parseShadowTopic = (
  topic: string,
): { thing: string; operation: "get" | "update" | "delete" } | undefined => {
  const match = TOPIC.exec(topic)
  return match ? { thing: match[1] as string, operation: match[2] as "get" | "update" | "delete" } : undefined
}

export const shadowTopic = (thing: string, suffix: string) => `$aws/things/${thing}/shadow/${suffix}`

const withToken = (payload: Record<string, Json>, clientToken: Json | undefined): JsonObject =>
  typeof clientToken === "string" ? { ...payload, clientToken } : payload

const reject = (
  thing: string,
  operation: string,
  document: ShadowDocument | undefined,
  code: number,
  message: string,
  now: number,
  clientToken?: Json,
): ShadowOutcome => ({
  document,
  messages: [
    {
      topic: shadowTopic(thing, `${operation}/rejected`),
      payload: withToken({ code, message, timestamp: now }, clientToken),
    },
  ],
})

const parseRequest = (payload: Uint8Array | string): JsonObject | undefined | "invalid" => {
  const text = typeof payload === "string" ? payload : new TextDecoder().decode(payload)
  if (text.trim() === "") return undefined
  try {
    const value = JSON.parse(text) as Json
    return isJsonObject(value) ? value : "invalid"
  } catch {
    return "invalid"
  }
}

/** Full state view of a document: desired, reported and their delta. */
const fullState = (doc: ShadowDocument): JsonObject => {
  const delta = deltaOf(doc.state.desired, doc.state.reported)
  return {
    ...(doc.state.desired ? { desired: doc.state.desired } : {}),
    ...(doc.state.reported ? { reported: doc.state.reported } : {}),
    ...(delta ? { delta } : {}),
  }
}

const snapshot = (doc: ShadowDocument): JsonObject => ({
  state: {
    ...(doc.state.desired ? { desired: doc.state.desired } : {}),
    ...(doc.state.reported ? { reported: doc.state.reported } : {}),
  },
  metadata: doc.metadata as JsonObject,
  version: doc.version,
})

/**
 * Handles one request. `nowSeconds` is the service clock (epoch seconds), `lastVersion` the
 * version of a deleted shadow, so a re-created one continues from it.
 */
export const handleShadowRequest = (
  thing: string,
  operation: "get" | "update" | "delete",
  payload: Uint8Array | string,
  current: ShadowDocument | undefined,
  nowSeconds: number,
  lastVersion = 0,
): ShadowOutcome => {
  const request = parseRequest(payload)
  if (request === "invalid")
    return reject(thing, operation, current, 400, "Payload contains invalid json", nowSeconds)
  const clientToken = request?.clientToken
  if (operation === "get") {
    if (!current)
      return reject(
        thing,
        "get",
        current,
        404,
        `No shadow exists with name: '${thing}'`,
        nowSeconds,
        clientToken,
      )
    return {
      document: current,
      messages: [
        {
          topic: shadowTopic(thing, "get/accepted"),
          payload: withToken(
            {
              state: fullState(current),
              metadata: current.metadata as JsonObject,
              version: current.version,
              timestamp: nowSeconds,
            },
            clientToken,
          ),
        },
      ],
    }
  }
  if (operation === "delete") {
    if (!current)
      return reject(
        thing,
        "delete",
        current,
        404,
        `No shadow exists with name: '${thing}'`,
        nowSeconds,
        clientToken,
      )
    return {
      document: undefined,
      messages: [
        {
          topic: shadowTopic(thing, "delete/accepted"),
          payload: withToken({ version: current.version, timestamp: nowSeconds }, clientToken),
        },
      ],
    }
  }
  if (request === undefined || !isJsonObject(request.state)) {
    return reject(thing, "update", current, 400, "Missing required node: state", nowSeconds, clientToken)
  }
  const version = current?.version ?? lastVersion
  if (request.version !== undefined && request.version !== version) {
    return reject(thing, "update", current, 409, "Version conflict", nowSeconds, clientToken)
  }
  const state = request.state
  const desiredReq = state.desired
  const reportedReq = state.reported
  for (const [name, section] of [
    ["desired", desiredReq],
    ["reported", reportedReq],
  ] as const) {
    if (section !== undefined && section !== null && !isJsonObject(section)) {
      return reject(
        thing,
        "update",
        current,
        400,
        `State node '${name}' must be an object`,
        nowSeconds,
        clientToken,
      )
    }
  }
  const section = (stored: JsonObject | undefined, req: Json | undefined) =>
    req === undefined ? stored : req === null ? undefined : mergeSection(stored, req as JsonObject)
  const meta = (stored: JsonObject | undefined, req: Json | undefined) =>
    req === undefined
      ? stored
      : req === null
        ? undefined
        : mergeMetadata(stored, req as JsonObject, nowSeconds)
  const desired = section(current?.state.desired, desiredReq)
  const reported = section(current?.state.reported, reportedReq)
  const metaDesired = meta(current?.metadata.desired, desiredReq)
  const metaReported = meta(current?.metadata.reported, reportedReq)
  const next: ShadowDocument = {
    state: { ...(desired ? { desired } : {}), ...(reported ? { reported } : {}) },
    metadata: {
      ...(metaDesired ? { desired: metaDesired } : {}),
      ...(metaReported ? { reported: metaReported } : {}),
    },
    version: version + 1,
    timestamp: nowSeconds,
  }
  const requestMetadata: JsonObject = Object.fromEntries(
    Object.entries(state)
      .filter(([key, value]) => (key === "desired" || key === "reported") && isJsonObject(value))
      .map(([key, value]) => [key, metadataOf(value as JsonObject, nowSeconds)]),
  )
  const messages: ShadowMessage[] = [
    {
      topic: shadowTopic(thing, "update/accepted"),
      payload: withToken(
        { state, metadata: requestMetadata, version: next.version, timestamp: nowSeconds },
        clientToken,
      ),
    },
    {
      topic: shadowTopic(thing, "update/documents"),
      payload: withToken(
        { previous: current ? snapshot(current) : null, current: snapshot(next), timestamp: nowSeconds },
        clientToken,
      ),
    },
  ]
  // Delta: only for keys this request put in `desired`, when `reported` does not match them.
  const delta = isJsonObject(desiredReq) ? deltaOf(pick(desired, desiredReq), reported) : undefined
  if (delta !== undefined) {
    messages.push({
      topic: shadowTopic(thing, "update/delta"),
      payload: withToken(
        {
          version: next.version,
          timestamp: nowSeconds,
          state: delta,
          metadata: metadataOf(delta, nowSeconds),
        },
        clientToken,
      ),
    })
  }
  return { document: next, messages }
}

const pick = (source: JsonObject | undefined, keysOf: JsonObject): JsonObject | undefined => {
  if (source === undefined) return undefined
  const entries = Object.keys(keysOf)
    .filter((key) => Object.hasOwn(source, key))
    .map((key): [string, Json] => [key, source[key] as Json])
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}
