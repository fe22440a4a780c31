/**
 * The hostile-input corpus (packages/simulation/corpus, described in its README), read as data
 * for the tests against a running stack, and small MQTT helpers that never hang on a broker
 * that closes the connection.
 */
import { readFileSync } from "node:fs"
import mqtt from "mqtt"

const corpus = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../simulation/corpus/${name}`, import.meta.url), "utf8"))

export interface PayloadCase {
  readonly name: string
  readonly text?: string
  readonly base64?: string
  readonly generate?: { readonly nest?: number; readonly arrays?: number; readonly pad?: number }
  readonly expect: "reading" | "invalid"
  readonly field?: string
}

const READING = '{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":21,"HUMIDITY":48'

export const payloadBytes = (entry: PayloadCase): Buffer => {
  if (entry.base64 !== undefined) return Buffer.from(entry.base64, "base64")
  if (entry.text !== undefined) return Buffer.from(entry.text, "utf8")
  const g = entry.generate ?? {}
  if (g.nest !== undefined)
    return Buffer.from(`${READING},"extra":${"[".repeat(g.nest)}1${"]".repeat(g.nest)}}`)
  if (g.arrays !== undefined) return Buffer.from(`${"[".repeat(g.arrays)}${"]".repeat(g.arrays)}`)
  return Buffer.from(`${READING},"PAD":"${"x".repeat(g.pad ?? 0)}"}`)
}

export const payloads = () => corpus("payloads.json") as PayloadCase[]
export const topics = () => corpus("topics.json") as Array<{ topic: string; valid: boolean; routed: boolean }>
export const rulesFiles = () =>
  corpus("rulesFiles.json") as Array<{
    name: string
    text?: string
    issue: string | null
    stackRefuses?: boolean
  }>
export const httpRequests = () =>
  corpus("http.json") as Array<{
    method: string
    path: string
    body?: string
    bodyBytes?: number
    status: number
  }>

/**
 * Publishes once with QoS 1 on a fresh connection: "acked" when the PUBACK came, "refused" when
 * the broker closed the connection or the client refused first. Bounded: never waits more than
 * `timeoutMs`.
 */
export const publishOnce = async (
  url: string,
  clientId: string,
  topic: string,
  payload: Buffer,
  timeoutMs = 5_000,
): Promise<"acked" | "refused"> => {
  const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, connectTimeout: timeoutMs })
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      client.publishAsync(topic, payload, { qos: 1 }).then(
        () => "acked" as const,
        () => "refused" as const,
      ),
      new Promise<"refused">((resolve) => client.once("close", () => resolve("refused"))),
      new Promise<"refused">((resolve) => {
        timer = setTimeout(() => resolve("refused"), timeoutMs)
      }),
    ])
  } finally {
    clearTimeout(timer)
    await client.endAsync(true).catch(() => {})
  }
}
