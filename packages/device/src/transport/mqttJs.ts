/**
 * The MQTT.js transport: any MQTT broker over `mqtt://` or `mqtts://` (CA, certificate, key).
 *
 * MQTT 3.1.1 like the hands-on device: client id = device name, `clean: false`, keep-alive
 * 300 s, QoS 1. MQTT.js's own reconnect uses one fixed period, so it is switched off
 * (`reconnectPeriod: 0`) and this adapter reconnects with jittered exponential backoff
 * instead — passing MQTT.js its existing message stores, because `client.reconnect()` without
 * them starts empty ones and would forget publishes still awaiting PUBACK. On reconnect
 * MQTT.js resends those unacknowledged publishes itself (before emitting `connect`); when the
 * broker lost the session (`sessionPresent: false`) this adapter subscribes again.
 *
 * TLS material is turned into one `SecureContext` per distinct set of files and shared by
 * every device using it: building a context parses the key, which would otherwise be repeated
 * for each of ten thousand connections.
 */
import { createSecureContext, type SecureContext } from "node:tls"
import mqtt, { type IClientOptions, type MqttClient } from "mqtt"
import { seededRandom } from "../random.ts"
import { type BackoffOptions, backoffDelay } from "./backoff.ts"
import { type CertificateOptions, readPem, resolveCertificateFiles } from "./certificates.ts"
import { describeConnectError } from "./describeError.ts"
import { HANDS_ON_KEEPALIVE_S, type Transport, type TransportFactory } from "./transport.ts"

export interface MqttJsOptions {
  /** `mqtt://host[:1883]` or `mqtts://host[:8883]`. */
  readonly url: string
  /** For mqtts: root CA, and a client certificate and key for mutual TLS. */
  readonly certificates?: CertificateOptions
  readonly backoff?: BackoffOptions
  /** Seed of the backoff jitter streams. */
  readonly seed?: string | number
  /** Bound on one connection attempt (TCP, TLS, CONNACK). Default 30 s. */
  readonly connectTimeoutMs?: number
  readonly keepaliveSeconds?: number
}

const SUPPORTED_PROTOCOLS = new Set(["mqtt:", "mqtts:", "tcp:", "ssl:", "tls:"])

/** Checks the broker URL; returns a reason when it is unusable. */
export const brokerUrlProblem = (url: string): string | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `broker URL ${JSON.stringify(url)} is not a URL (expected mqtt://host:port or mqtts://host:port)`
  }
  if (!SUPPORTED_PROTOCOLS.has(parsed.protocol)) {
    return `broker URL ${url} has protocol ${parsed.protocol.slice(0, -1)}; expected mqtt or mqtts`
  }
  if (!parsed.hostname) return `broker URL ${url} names no host`
  return undefined
}

const isTls = (url: string) => /^(mqtts|ssl|tls):/.test(url)

/** The URL as shown in messages and summaries: a password in it becomes `***`. */
export const redactBrokerUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (!parsed.password) return url
    parsed.password = "***"
    return parsed.toString().replace(/\/$/, url.endsWith("/") ? "/" : "")
  } catch {
    return url
  }
}

const contexts = new Map<string, SecureContext>()

const secureContextFor = (
  certificates: CertificateOptions,
  deviceName: string,
): SecureContext | undefined => {
  const files = resolveCertificateFiles(certificates, deviceName, [])
  if (files.cert !== undefined && files.privateKey === undefined) {
    resolveCertificateFiles(certificates, deviceName, ["privateKey"]) // throws the explanatory error
  }
  if (files.rootCa === undefined && files.cert === undefined) return undefined
  const key = `${files.rootCa}\u0000${files.cert}\u0000${files.privateKey}`
  let context = contexts.get(key)
  if (!context) {
    context = createSecureContext({
      ...(files.rootCa === undefined ? {} : { ca: readPem(files.rootCa, "rootCa") }),
      ...(files.cert === undefined ? {} : { cert: readPem(files.cert, "cert") }),
      ...(files.privateKey === undefined ? {} : { key: readPem(files.privateKey, "privateKey") }),
    })
    contexts.set(key, context)
  }
  return context
}

export const mqttJsTransport =
  (options: MqttJsOptions): TransportFactory =>
  (deviceName) => {
    const problem = brokerUrlProblem(options.url)
    if (problem) throw new Error(problem)
    const target = redactBrokerUrl(options.url)
    const secureContext =
      isTls(options.url) && options.certificates
        ? secureContextFor(options.certificates, deviceName)
        : undefined
    const random = seededRandom(options.seed ?? 0, `${deviceName}/backoff`)
    const subscriptions = new Set<string>()
    let client: MqttClient | undefined
    let connected = false
    let everConnected = false
    let stopping = false
    let failures = 0
    let lastError: unknown
    let retryTimer: NodeJS.Timeout | undefined

    const transport: Transport = {
      target,
      start: (events) => {
        const clientOptions: IClientOptions & { secureContext?: SecureContext } = {
          clientId: deviceName,
          protocolVersion: 4,
          clean: false,
          keepalive: options.keepaliveSeconds ?? HANDS_ON_KEEPALIVE_S,
          reconnectPeriod: 0,
          connectTimeout: options.connectTimeoutMs ?? 30_000,
          resubscribe: false,
          // MQTT.js formats a debug line for every packet unless given its own logger; with
          // ten thousand clients that is measurable CPU for output nobody reads.
          log: () => {},
          ...(secureContext ? { secureContext } : {}),
        }
        const c = mqtt.connect(options.url, clientOptions)
        client = c
        c.on("connect", (connack) => {
          const reconnect = everConnected
          connected = true
          everConnected = true
          failures = 0
          lastError = undefined
          events.onConnect({ sessionPresent: connack.sessionPresent, reconnect })
          if (reconnect && !connack.sessionPresent && subscriptions.size > 0) {
            c.subscribe([...subscriptions], { qos: 1 }, (error) => {
              if (error) events.onConnectionLost(new Error(`resubscribe failed: ${error.message}`))
            })
          }
        })
        c.on("error", (error) => {
          lastError = error
        })
        c.on("message", (topic, payload) => events.onMessage(topic, payload))
        c.on("close", () => {
          if (stopping) return
          const cause = lastError ?? new Error("connection closed")
          lastError = undefined
          if (connected) {
            connected = false
            events.onConnectionLost(describeConnectError(target, cause, "lost the connection to"))
          } else {
            failures++
          }
          const error = describeConnectError(target, cause)
          const delay = backoffDelay(Math.max(1, failures), options.backoff ?? {}, random)
          if (failures > 0) events.onConnectFailed(error, delay)
          clearTimeout(retryTimer)
          retryTimer = setTimeout(() => {
            if (!stopping) c.reconnect({ incomingStore: c.incomingStore, outgoingStore: c.outgoingStore })
          }, delay)
        })
      },
      publish: (topic, payload) =>
        new Promise((resolve, reject) => {
          if (!client) return reject(new Error("transport not started"))
          client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve()))
        }),
      subscribe: (topics) =>
        new Promise((resolve, reject) => {
          if (!client) return reject(new Error("transport not started"))
          for (const topic of topics) subscriptions.add(topic)
          client.subscribe([...topics], { qos: 1 }, (error, granted) => {
            if (error) return reject(error)
            const refused = (granted ?? []).filter((grant) => grant.qos === 128)
            if (refused.length > 0)
              return reject(
                new Error(`broker refused subscription to ${refused.map((g) => g.topic).join(", ")}`),
              )
            resolve()
          })
        }),
      stop: async (drainMs = 0) => {
        stopping = true
        clearTimeout(retryTimer)
        const c = client
        if (!c) return
        const deadline = Date.now() + drainMs
        while (connected && hasOutgoing(c) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2_000)
          // A graceful end waits for every PUBACK; once the drain time is over, force it.
          c.end(!connected || hasOutgoing(c), {}, () => {
            clearTimeout(timer)
            resolve()
          })
        })
        connected = false
      },
    }
    return transport
  }

/** Whether publishes still await PUBACK (MQTT.js keeps them in `outgoing` until acknowledged). */
const hasOutgoing = (client: MqttClient): boolean => Object.keys(client.outgoing).length > 0
