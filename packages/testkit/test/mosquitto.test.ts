/**
 * The mosquitto helper: a real broker on a free port that answers MQTT, stops for good,
 * comes back on the same port (with its sessions when persistent), and speaks mutual TLS
 * with certificates from generateCertificates. MQTT is spoken by hand here (a CONNECT
 * packet, a CONNACK back) so testkit needs no MQTT client.
 */
import { readFileSync } from "node:fs"
import { connect as connectTcp, type Socket } from "node:net"
import { connect as connectTls } from "node:tls"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  generateCertificates,
  type MosquittoBroker,
  startMosquitto,
  type TestCertificates,
} from "../src/index.ts"

/** MQTT 3.1.1 CONNECT for client id `id`, clean session, keep-alive 60 s. */
const connectPacket = (id: string) => {
  const variable = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60])
  const payload = Buffer.concat([Buffer.from([0, id.length]), Buffer.from(id)])
  return Buffer.concat([Buffer.from([0x10, variable.length + payload.length]), variable, payload])
}

/** Sends CONNECT on an open socket and resolves with the CONNACK's return code. */
const connack = (socket: Socket, id = "probe"): Promise<number> =>
  new Promise((resolve, reject) => {
    socket.once("data", (data) => {
      socket.destroy()
      data[0] === 0x20 ? resolve(data[3]!) : reject(new Error(`not a CONNACK: ${data.toString("hex")}`))
    })
    socket.once("error", reject)
    socket.write(connectPacket(id))
  })

const mqttPing = (port: number) =>
  new Promise<number>((resolve, reject) => {
    const socket = connectTcp({ host: "127.0.0.1", port }, () => connack(socket).then(resolve, reject))
    socket.once("error", reject)
  })

const brokers: MosquittoBroker[] = []
afterAll(async () => {
  await Promise.all(brokers.map((b) => b.stop()))
})

describe("startMosquitto", () => {
  it("starts a broker on a free loopback port that answers MQTT, and stops it", {
    timeout: 20_000,
  }, async () => {
    const broker = await startMosquitto()
    brokers.push(broker)
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`)
    expect(broker.running).toBe(true)
    expect(broker.pid).toBeGreaterThan(0)
    expect(await mqttPing(broker.port)).toBe(0)
    await broker.stop()
    await broker.stop() // idempotent
    expect(broker.running).toBe(false)
    await expect(mqttPing(broker.port)).rejects.toThrow(/ECONNREFUSED/)
  })

  it("comes back on the same port after stop, and two brokers get two ports", {
    timeout: 20_000,
  }, async () => {
    const a = await startMosquitto()
    const b = await startMosquitto()
    brokers.push(a, b)
    expect(a.port).not.toBe(b.port)
    const port = a.port
    await a.restart()
    expect(a.port).toBe(port)
    expect(await mqttPing(port)).toBe(0)
    expect(a.logs()).toMatch(/mosquitto version .* running/)
  })

  it("keeps state across a restart with persistence (a retained message here)", async () => {
    const broker = await startMosquitto({ persistence: true })
    brokers.push(broker)
    // CONNECT, then PUBLISH QoS 1 with retain to "t", and wait for its PUBACK: only then is
    // the message the broker's to keep.
    await new Promise<void>((resolve, reject) => {
      const socket = connectTcp({ host: "127.0.0.1", port: broker.port }, () => {
        socket.write(connectPacket("writer"))
        socket.write(Buffer.from([0x33, 9, 0, 1, 0x74, 0, 1, ...Buffer.from("kept")]))
      })
      let buffer = Buffer.alloc(0)
      socket.on("data", (data) => {
        buffer = Buffer.concat([buffer, data])
        if (buffer.includes(Buffer.from([0x40, 2, 0, 1]))) {
          socket.end(Buffer.from([0xe0, 0]), () => resolve()) // DISCONNECT
        }
      })
      socket.once("error", reject)
    })
    await broker.restart()
    expect(readFileSync(`${broker.dir}/mosquitto.db`).length).toBeGreaterThan(0)
    // SUBSCRIBE to "t" and expect the retained PUBLISH back.
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connectTcp({ host: "127.0.0.1", port: broker.port }, () => {
        socket.write(connectPacket("reader"))
        socket.write(Buffer.from([0x82, 6, 0, 1, 0, 1, 0x74, 0]))
      })
      let buffer = Buffer.alloc(0)
      socket.on("data", (data) => {
        buffer = Buffer.concat([buffer, data])
        const at = buffer.indexOf("kept")
        if (at >= 0) {
          socket.destroy()
          resolve(buffer.subarray(at, at + 4).toString())
        }
      })
      socket.once("error", reject)
    })
    expect(received).toBe("kept")
  }, 20_000)

  describe("with mutual TLS", () => {
    let certs: TestCertificates
    let broker: MosquittoBroker
    beforeAll(async () => {
      certs = await generateCertificates({ clients: ["device-1"] })
      broker = await startMosquitto({
        tls: { caFile: certs.caFile, certFile: certs.server.certFile, keyFile: certs.server.keyFile },
      })
      brokers.push(broker)
    }, 30_000)

    const tlsConnack = (withClientCertificate: boolean) =>
      new Promise<number>((resolve, reject) => {
        const socket = connectTls(
          {
            host: "localhost",
            port: broker.port,
            ca: readFileSync(certs.caFile),
            ...(withClientCertificate
              ? {
                  cert: readFileSync(certs.clients["device-1"]!.certFile),
                  key: readFileSync(certs.clients["device-1"]!.keyFile),
                }
              : {}),
          },
          () => connack(socket, "device-1").then(resolve, reject),
        )
        socket.once("error", reject)
        socket.once("close", () => reject(new Error("closed before CONNACK")))
      })

    it("accepts a client certificate signed by the CA, over a server certificate naming localhost", async () => {
      expect(broker.url).toBe(`mqtts://localhost:${broker.port}`)
      expect(await tlsConnack(true)).toBe(0)
    })

    it("refuses a client without a certificate", async () => {
      await expect(tlsConnack(false)).rejects.toThrow(/certificate required|closed before CONNACK|ECONNRESET/)
    })
  })
})

describe("generateCertificates", () => {
  it("writes a CA, a server pair and a pair per client, as PEM", async () => {
    const certs = await generateCertificates({ clients: ["a", "b:c"] })
    for (const file of [
      certs.caFile,
      certs.server.certFile,
      certs.clients.a!.certFile,
      certs.clients["b:c"]!.certFile,
    ]) {
      expect(readFileSync(file, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/)
    }
    expect(readFileSync(certs.clients.a!.keyFile, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/)
  }, 30_000)
})
