/**
 * The embedded MQTT broker (aedes) with IoT Core's acknowledgement contract, made stronger:
 * a QoS 1 PUBACK is sent only after the message is durably appended to the ingest log.
 *
 * aedes sends PUBACK right after `authorizePublish` calls back, before it routes the message,
 * so the durable append happens inside that hook:
 *
 *     device            broker (authorizePublish)          ingest log
 *     PUBLISH q1 ────▶  accept(topic, payload) ───────────▶ append, group commit, fdatasync
 *                       ◀────────────────────────────────── durable
 *     ◀──── PUBACK      callback()  (aedes writes PUBACK, then routes to subscribers)
 *
 * If the append fails, the hook fails and aedes closes the connection without a PUBACK; the
 * device's persistent session resends the message when it reconnects — nothing acknowledged
 * is ever lost. Classic shadow requests (`$aws/things/<thing>/shadow/get|update|delete`) go to
 * the shadow handler instead, whose replies the broker publishes. Other `$aws/` topics are
 * reserved, as on IoT Core, except Basic Ingest (`$aws/rules/<rule>/…`).
 *
 * `policy: "device"` applies the hands-on IoT policy: a client publishes only to
 * `data/<its client id>`, its own shadow and Basic Ingest, and subscribes only to its own
 * shadow topics.
 */

import type { AddressInfo } from "node:net"
import { createServer, type Server } from "node:net"
import { parseShadowTopic, topicNameProblem } from "@sluice/core"
import { Aedes, type Client, type PublishPacket } from "aedes"

export interface AcceptedMessage {
  readonly topic: string
  readonly payload: Uint8Array
  readonly clientId: string
  readonly qos: number
}

export interface BrokerOptions {
  readonly host: string
  readonly port: number
  /** Durably accepts a device message; the PUBACK waits for it. Rejecting closes the client. */
  readonly accept: (message: AcceptedMessage) => Promise<void>
  /** Handles a classic shadow request; resolves with the replies to publish. */
  readonly shadow: (
    thing: string,
    operation: "get" | "update" | "delete",
    payload: Uint8Array,
  ) => Promise<ReadonlyArray<{ readonly topic: string; readonly payload: string }>>
  readonly policy?: "open" | "device"
  /** When set, clients must connect with this username and password. */
  readonly credentials?: { readonly username: string; readonly password: string }
}

export interface RunningBroker {
  readonly aedes: Aedes
  readonly port: number
  readonly url: string
  readonly publish: (topic: string, payload: string) => Promise<void>
  readonly connectedClients: () => number
  readonly close: () => Promise<void>
}

const ownShadow = (clientId: string, topic: string) => topic.startsWith(`$aws/things/${clientId}/shadow/`)

const publishAllowed = (
  policy: "open" | "device",
  client: Client | null,
  topic: string,
): string | undefined => {
  // MQTT 3.1.1 §1.5.3 and §4.7.3 (no U+0000, no wildcards), and IoT Core's 256-byte topic limit.
  const problem = topicNameProblem(topic)
  if (problem !== undefined) return problem
  if (topic.startsWith("$aws/") && !topic.startsWith("$aws/rules/") && !parseShadowTopic(topic)) {
    return `publishing to the reserved topic ${topic} is not allowed`
  }
  if (policy === "open" || client === null) return undefined
  if (topic === `data/${client.id}` || ownShadow(client.id, topic) || topic.startsWith("$aws/rules/"))
    return undefined
  return `client ${client.id} may not publish to ${topic} (device policy)`
}

export const startBroker = async (options: BrokerOptions): Promise<RunningBroker> => {
  const policy = options.policy ?? "open"
  // Connections one of whose messages could not be made durable. Their later messages are
  // refused too, so none of them can overtake the failed one: the device resends them all, in
  // order, on its next connection (a new Client object).
  const failed = new WeakSet<Client>()
  let aedesRef: Aedes | undefined
  const aedes = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      const expected = options.credentials
      if (!expected) return done(null, true)
      const ok = username === expected.username && password?.toString("utf8") === expected.password
      if (ok) return done(null, true)
      const error = Object.assign(new Error("bad username or password"), { returnCode: 4 as const })
      return done(error, false)
    },
    authorizePublish: (client, packet: PublishPacket, callback) => {
      const refusal = publishAllowed(policy, client, packet.topic)
      if (refusal) return callback(new Error(refusal))
      if (client === null) return callback(null)
      const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload
      const shadowRequest = parseShadowTopic(packet.topic)
      if (shadowRequest) {
        options
          .shadow(shadowRequest.thing, shadowRequest.operation, payload)
          .then((replies) => {
            callback(null)
            for (const reply of replies)
              aedesRef?.publish(
                {
                  cmd: "publish",
                  topic: reply.topic,
                  payload: Buffer.from(reply.payload),
                  qos: 1,
                  retain: false,
                  dup: false,
                },
                () => {},
              )
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))))
        return
      }
      if (failed.has(client))
        return callback(new Error("an earlier message of this connection was not stored"))
      options
        .accept({ topic: packet.topic, payload, clientId: client.id, qos: packet.qos })
        .then(() => callback(null))
        .catch((error: unknown) => {
          failed.add(client)
          callback(error instanceof Error ? error : new Error(String(error)))
        })
    },
    authorizeSubscribe: (client, subscription, callback) => {
      if (policy === "open" || ownShadow(client.id, subscription.topic)) return callback(null, subscription)
      return callback(
        new Error(`client ${client.id} may not subscribe to ${subscription.topic} (device policy)`),
      )
    },
  })
  aedesRef = aedes
  const server: Server = createServer(aedes.handle)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = options.host.includes(":") ? `[${options.host}]` : options.host
  return {
    aedes,
    port,
    url: `mqtt://${host}:${port}`,
    connectedClients: () => aedes.connectedClients,
    publish: (topic, payload) =>
      new Promise((resolve, reject) =>
        aedes.publish(
          { cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
          (error) => (error ? reject(error) : resolve()),
        ),
      ),
    close: async () => {
      // aedes first: it disconnects the clients, without which the server never finishes closing.
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
