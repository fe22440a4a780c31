/**
 * An aedes broker in this process, on a free loopback port, that records what clients do:
 * CONNECT packets (client id, clean flag, keep-alive), subscriptions with their QoS, and
 * publishes with their QoS. `stop()` then `start()` brings a fresh broker back on the same
 * port (sessions lost, as after a crash of a broker without persistence). `holdAcks` makes
 * the broker withhold PUBACKs on `data/…` (the publish is not even accepted), so a test can
 * leave publishes in flight and cut the connection under them.
 */
import { createServer, type Server, type Socket } from "node:net"
import { Aedes } from "aedes"

export interface SeenConnect {
  readonly clientId: string
  readonly clean: boolean
  readonly keepalive: number
  readonly protocolVersion: number
}
export interface SeenPublish {
  readonly clientId: string
  readonly topic: string
  readonly payload: string
  readonly qos: number
  readonly dup: boolean
}
export interface SeenSubscribe {
  readonly clientId: string
  readonly topic: string
  readonly qos: number
}

export interface TestAedes {
  readonly url: string
  readonly port: number
  readonly connects: SeenConnect[]
  readonly publishes: SeenPublish[]
  readonly subscribes: SeenSubscribe[]
  /** Subscribes and publishes in arrival order: `subscribe <topic> q<qos>`, `publish <topic> q<qos>`. */
  readonly log: string[]
  /** Publishes by clients on topics starting with `prefix`. */
  readonly published: (prefix: string) => SeenPublish[]
  /** Publishes a message as the "cloud" (QoS 1). */
  readonly publish: (topic: string, payload: string) => Promise<void>
  /** While true, publishes on data/… get no PUBACK. */
  holdAcks: boolean
  /** Delay before accepting each CONNECT, ms (to see how many connect at once). */
  connectDelayMs: number
  /** Most CONNECTs waiting on that delay at the same time. */
  readonly maxConcurrentConnects: number
  /** Cuts every client connection (the broker stays up). */
  readonly dropClients: () => void
  readonly stop: () => Promise<void>
  readonly start: () => Promise<void>
}

/** Starts on `port` (default any free one). */
export const startAedes = async (fixedPort = 0): Promise<TestAedes> => {
  let broker: Aedes | undefined
  let server: Server | undefined
  const sockets = new Set<Socket>()
  let port = fixedPort
  let connecting = 0
  const self: TestAedes = {
    url: "",
    port: 0,
    connects: [],
    publishes: [],
    subscribes: [],
    log: [],
    holdAcks: false,
    connectDelayMs: 0,
    maxConcurrentConnects: 0,
    published: (prefix) => self.publishes.filter((p) => p.topic.startsWith(prefix)),
    publish: (topic, payload) =>
      new Promise((resolve, reject) =>
        broker!.publish(
          { cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
          (error) => (error ? reject(error) : resolve()),
        ),
      ),
    dropClients: () => {
      for (const socket of sockets) socket.destroy()
    },
    stop: async () => {
      self.dropClients()
      await new Promise<void>((resolve) => broker!.close(() => resolve()))
      await new Promise<void>((resolve) => server!.close(() => resolve()))
    },
    start: async () => {
      const b = await Aedes.createBroker()
      b.preConnect = (_client, packet, callback) => {
        self.connects.push({
          clientId: packet.clientId,
          clean: packet.clean ?? true,
          keepalive: packet.keepalive ?? 0,
          protocolVersion: packet.protocolVersion ?? 4,
        })
        if (self.connectDelayMs === 0) return callback(null, true)
        connecting++
        Object.assign(self, { maxConcurrentConnects: Math.max(self.maxConcurrentConnects, connecting) })
        setTimeout(() => {
          connecting--
          callback(null, true)
        }, self.connectDelayMs)
      }
      b.authorizePublish = (client, packet, callback) => {
        if (self.holdAcks && packet.topic.startsWith("data/")) return // never answered: no PUBACK
        if (client) {
          self.log.push(`publish ${packet.topic} q${packet.qos}`)
          self.publishes.push({
            clientId: client.id,
            topic: packet.topic,
            payload: packet.payload.toString(),
            qos: packet.qos,
            dup: packet.dup,
          })
        }
        callback(null)
      }
      b.on("subscribe", (subscriptions, client) => {
        for (const s of subscriptions) {
          self.log.push(`subscribe ${s.topic} q${s.qos}`)
          self.subscribes.push({ clientId: client.id, topic: s.topic, qos: s.qos })
        }
      })
      const s = createServer((socket) => {
        sockets.add(socket)
        socket.once("close", () => sockets.delete(socket))
        b.handle(socket)
      })
      await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve))
      port = (s.address() as { port: number }).port
      broker = b
      server = s
      Object.assign(self, { port, url: `mqtt://127.0.0.1:${port}` })
    },
  }
  await self.start()
  return self
}
