/**
 * The AWS IoT Core transport, through aws-iot-device-sdk-v2 (aws-crt underneath): mutual TLS
 * with the device's certificate and key, its MQTT 3.1.1 connection like the hands-on device's
 * (`clean_session: false`, keep-alive 300 s, client id = thing name, QoS 1).
 *
 * What the SDK needs, found by running it against mosquitto with generated certificates:
 * - the broker certificate must name the endpoint exactly — a DNS name in its subject
 *   alternative names (or CN), or an IP address SAN when the endpoint is an IP; s2n refuses
 *   the handshake otherwise (AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE);
 * - a private CA must be given (`with_certificate_authority_from_path`), else only the system
 *   store is trusted; the SDK always offers ALPN `x-amzn-mqtt-ca`, which brokers without ALPN
 *   ignore;
 * - the connection buffers its events until a `connect` listener exists, so one is installed;
 * - it reconnects by itself only after a first success: the first connection is retried here,
 *   with jittered backoff, and later ones by the SDK between `reconnect_min_sec` and
 *   `reconnect_max_sec`; offline publishes are queued by the SDK and unacknowledged ones resent;
 * - the Node binding has no `resubscribe_existing_topics`, so a lost session is re-subscribed
 *   topic by topic.
 * One TLS context is built per set of certificate files and shared by the devices using it.
 */
import { createRequire } from "node:module"
import type * as AwsIotSdk from "aws-iot-device-sdk-v2"
import { seededRandom } from "../random.ts"
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts"
import { type CertificateOptions, checkCertificateFiles, resolveCertificateFiles } from "./certificates.ts"
import { describeConnectError } from "./describeError.ts"
import { HANDS_ON_KEEPALIVE_S, type Transport, type TransportFactory } from "./transport.ts"

/** AWS IoT Core's MQTT port over TLS. */
export const AWS_IOT_MQTT_PORT = 8883

export interface AwsIotOptions {
  /** `xxxx-ats.iot.<region>.amazonaws.com`, optionally with `:port` (default 8883). */
  readonly endpoint: string
  /** Certificate (required), private key (required) and root CA. */
  readonly certificates: CertificateOptions
  readonly backoff?: BackoffOptions
  readonly seed?: string | number
  readonly keepaliveSeconds?: number
}

/** Splits `host[:port]`; throws on a bad port. */
export const parseEndpoint = (endpoint: string): { host: string; port: number } => {
  const text = endpoint.replace(/^[a-z]+:\/\//, "")
  const match = /^(.*?)(?::(\d+))?$/.exec(text)
  const host = match?.[1] ?? ""
  const port = match?.[2] === undefined ? AWS_IOT_MQTT_PORT : Number(match[2])
  if (!host || /[/\s]/.test(host)) throw new Error(`endpoint ${JSON.stringify(endpoint)} is not a host name`)
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`endpoint ${endpoint} has port ${port}; expected 1–65535`)
  return { host, port }
}

// The SDK (aws-crt and its native binding) is loaded on first use, so programs that only
// speak MQTT.js (`sluice up`, `sluice sim --broker`) do not pay for it at startup.
let sdk: typeof AwsIotSdk | undefined
const loadSdk = (): typeof AwsIotSdk => {
  sdk ??= createRequire(import.meta.url)("aws-iot-device-sdk-v2") as typeof AwsIotSdk
  return sdk
}

let sharedClient: AwsIotSdk.mqtt.MqttClient | undefined
const builders = new Map<string, AwsIotSdk.iot.AwsIotMqttConnectionConfigBuilder>()

const configFor = (options: AwsIotOptions, deviceName: string): AwsIotSdk.mqtt.MqttConnectionConfig => {
  const { iot } = loadSdk()
  const files = resolveCertificateFiles(options.certificates, deviceName, ["cert", "privateKey"])
  checkCertificateFiles(files)
  const { host, port } = parseEndpoint(options.endpoint)
  const key = `${host}:${port}\u0000${files.rootCa}\u0000${files.cert}\u0000${files.privateKey}`
  let builder = builders.get(key)
  if (!builder) {
    const backoff = options.backoff ?? {}
    builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(files.cert!, files.privateKey!)
      .with_endpoint(host)
      .with_port(port)
      .with_clean_session(false)
      .with_keep_alive_seconds(options.keepaliveSeconds ?? HANDS_ON_KEEPALIVE_S)
      .with_reconnect_min_sec(
        Math.max(1, Math.round((backoff.initialMs ?? DEFAULT_BACKOFF.initialMs) / 1000)),
      )
      .with_reconnect_max_sec(Math.max(1, Math.round((backoff.maxMs ?? DEFAULT_BACKOFF.maxMs) / 1000)))
    if (files.rootCa !== undefined) builder.with_certificate_authority_from_path(undefined, files.rootCa)
    builders.set(key, builder)
  }
  // build() keeps the builder's TLS context, so every device of this key shares it.
  return builder.with_client_id(deviceName).build()
}

export const awsIotTransport =
  (options: AwsIotOptions): TransportFactory =>
  (deviceName) => {
    const config = configFor(options, deviceName)
    const target = `aws-iot://${config.host_name}:${config.port}`
    const { mqtt } = loadSdk()
    sharedClient ??= new mqtt.MqttClient()
    const connection = sharedClient.new_connection(config)
    const random = seededRandom(options.seed ?? 0, `${deviceName}/backoff`)
    const subscriptions = new Set<string>()
    let established = false
    let connected = false
    let stopping = false
    let retryTimer: NodeJS.Timeout | undefined

    const transport: Transport = {
      target,
      start: (events) => {
        connection.on("connect", () => {}) // uncorks the connection's buffered events
        connection.on("error", () => {}) // failures arrive through the promises and events below
        connection.on("message", (topic, payload) => events.onMessage(topic, new Uint8Array(payload)))
        connection.on("interrupt", (error) => {
          connected = false
          if (!stopping)
            events.onConnectionLost(describeConnectError(target, error, "lost the connection to"))
        })
        connection.on("connection_failure", ({ error }) => {
          // Initial attempts are reported by connectFirst; these are the SDK's own retries.
          if (established && !stopping) events.onConnectFailed(describeConnectError(target, error), undefined)
        })
        connection.on("resume", (_returnCode, sessionPresent) => {
          connected = true
          events.onConnect({ sessionPresent, reconnect: true })
          if (!sessionPresent) {
            for (const topic of subscriptions) {
              connection.subscribe(topic, mqtt.QoS.AtLeastOnce).catch((error) => {
                events.onConnectionLost(new Error(`resubscribe to ${topic} failed: ${String(error)}`))
              })
            }
          }
        })
        let failures = 0
        const connectFirst = () => {
          connection.connect().then(
            (sessionPresent) => {
              if (stopping) return
              established = true
              connected = true
              events.onConnect({ sessionPresent, reconnect: false })
            },
            (error) => {
              if (stopping) return
              failures++
              const delay = backoffDelay(failures, options.backoff ?? {}, random)
              events.onConnectFailed(describeConnectError(target, error), delay)
              retryTimer = setTimeout(connectFirst, delay)
            },
          )
        }
        connectFirst()
      },
      publish: async (topic, payload) => {
        await connection.publish(topic, payload, mqtt.QoS.AtLeastOnce)
      },
      subscribe: async (topics) => {
        for (const topic of topics) subscriptions.add(topic)
        const results = await Promise.all(
          topics.map((topic) => connection.subscribe(topic, mqtt.QoS.AtLeastOnce)),
        )
        const refused = results.filter(
          (result) => (result.qos as number) === 128 || (result.error_code ?? 0) !== 0,
        )
        if (refused.length > 0)
          throw new Error(`broker refused subscription to ${refused.map((r) => r.topic).join(", ")}`)
      },
      stop: async (drainMs = 0) => {
        stopping = true
        clearTimeout(retryTimer)
        const deadline = Date.now() + drainMs
        while (
          connected &&
          connection.getOperationalStatistics().incompleteOperationCount > 0 &&
          Date.now() < deadline
        ) {
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        await Promise.race([
          connection.disconnect().catch(() => {}),
          new Promise((resolve) => setTimeout(resolve, 2_000)),
        ])
        connected = false
      },
    }
    return transport
  }
