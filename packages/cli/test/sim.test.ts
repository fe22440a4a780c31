/**
 * `sluice sim` end to end against aedes in this process: short runs with `--duration`, the
 * JSON summary, what reaches the broker, progress and error reporting, and every kind of bad
 * option (exit 2, with the flag named).
 */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort, generateCertificates, startMosquitto } from "@sluice/testkit"
import { Aedes } from "aedes"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { CommandIO } from "../src/command.ts"
import { main } from "../src/main.ts"

const capture = () => {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIO = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd: process.cwd(),
  }
  return { io, out: () => out.join(""), err: () => err.join("") }
}

let aedes: Aedes
let server: Server
let url: string
const seen: Array<{ clientId: string; topic: string; payload: string; qos: number }> = []

beforeEach(async () => {
  seen.length = 0
  aedes = await Aedes.createBroker()
  aedes.on("publish", (packet, client) => {
    if (client)
      seen.push({
        clientId: client.id,
        topic: packet.topic,
        payload: packet.payload.toString(),
        qos: packet.qos,
      })
  })
  server = createServer(aedes.handle)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`
})

afterEach(async () => {
  await new Promise<void>((resolve) => aedes.close(() => resolve()))
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const sim = async (...args: string[]) => {
  const c = capture()
  const code = await main(["sim", ...args], c.io)
  return { code, out: c.out(), err: c.err() }
}

describe("sluice sim", () => {
  it("runs a small fleet for --duration and prints a JSON summary", async () => {
    const { code, out, err } = await sim(
      "--broker",
      url,
      "--devices",
      "3",
      "--interval",
      "0.2",
      "--duration",
      "1.5",
      "--seed",
      "7",
      "--seq",
      "--json",
      "--ramp-up",
      "0",
    )
    expect(code).toBe(0)
    const summary = JSON.parse(out)
    expect(summary).toMatchObject({ target: url, seed: "7", devices: 3, connected: 0, errors: 0, queued: 0 })
    expect(summary.acked).toBeGreaterThanOrEqual(3) // at least one reading each, however loaded the machine
    expect(summary).toMatchObject({ inFlight: 0, failed: 0, acked: summary.sent }) // stop waited for every PUBACK
    expect(err).toContain(`3 devices (device-1 … device-3) → ${url}, every 0.2 s, seed 7`)
    const data = seen.filter((p) => p.topic.startsWith("data/"))
    expect(new Set(data.map((p) => p.clientId))).toEqual(new Set(["device-1", "device-2", "device-3"]))
    for (const p of data) {
      expect(p.qos).toBe(1)
      expect(p.topic).toBe(`data/${p.clientId}`)
      expect(Object.keys(JSON.parse(p.payload))).toEqual([
        "DEVICE_NAME",
        "TIMESTAMP",
        "TEMPERATURE",
        "HUMIDITY",
        "SEQ",
      ])
    }
  })

  it("simulates one named device like the hands-on's --device_name, and prints a readable summary", async () => {
    const { code, out } = await sim(
      "--broker",
      url,
      "--device-name",
      "handson-device",
      "--interval",
      "0.3",
      "--duration",
      "0.5",
    )
    expect(code).toBe(0)
    expect(out).toMatch(
      /^sluice sim: 1 device → mqtt:\/\/127\.0\.0\.1:\d+, 0\.\d s\n {2}readings {2}\d+ taken/,
    )
    expect(out).toMatch(/seed {6}\d+ \(replay with --seed \d+\)/)
    expect(seen.some((p) => p.clientId === "handson-device" && p.topic === "data/handson-device")).toBe(true)
    expect(seen.some((p) => p.topic === "$aws/things/handson-device/shadow/get")).toBe(true)
  })

  it("shows live progress when asked", async () => {
    const { code, err } = await sim(
      "--broker",
      url,
      "--devices",
      "2",
      "--interval",
      "0.2",
      "--duration",
      "1.5",
      "--progress",
      "always",
    )
    expect(code).toBe(0)
    expect(err).toMatch(/connected 2\/2 · sent \d+\/s · acked \d+\/s · queued 0 · dropped 0 · errors 0\n/)
  })

  it("reports an unreachable broker once, with the reason, and exits 1 when nothing was delivered", async () => {
    const port = await freePort()
    const { code, out, err } = await sim(
      "--broker",
      `mqtt://127.0.0.1:${port}`,
      "--devices",
      "3",
      "--duration",
      "1.5",
      "--ramp-up",
      "0",
      "--json",
    )
    expect(code).toBe(1)
    const notes = err.split("\n").filter((line) => line.includes("connection refused"))
    expect(notes).toHaveLength(1)
    expect(notes[0]).toMatch(
      new RegExp(
        `^sluice sim: device-\\d: cannot connect to mqtt://127\\.0\\.0\\.1:${port}: connection refused .*; retrying with backoff \\(next in \\d\\.\\d s\\)$`,
      ),
    )
    const summary = JSON.parse(out)
    expect(summary).toMatchObject({ acked: 0, connected: 0 })
    expect(summary.errorSummary[0].count).toBe(summary.connectFailures)
  })

  it("reaches a mutual-TLS broker as AWS IoT Core, from the hands-on certs/ layout", async () => {
    const certs = await generateCertificates({ clients: ["cli-thing"] })
    const broker = await startMosquitto({
      tls: { caFile: certs.caFile, certFile: certs.server.certFile, keyFile: certs.server.keyFile },
    })
    try {
      const dir = mkdtempSync(join(tmpdir(), "sluice-sim-handson-"))
      copyFileSync(certs.caFile, join(dir, "AmazonRootCA1.pem"))
      copyFileSync(certs.clients["cli-thing"]!.certFile, join(dir, "9d1e-certificate.pem.crt"))
      copyFileSync(certs.clients["cli-thing"]!.keyFile, join(dir, "9d1e-private.pem.key"))
      const { code, out, err } = await sim(
        "--endpoint",
        `localhost:${broker.port}`,
        "--certs-dir",
        dir,
        "--device-name",
        "cli-thing",
        "--interval",
        "0.3",
        "--duration",
        "1.5",
        "--json",
      )
      expect(err).not.toContain("cannot connect")
      expect(code).toBe(0)
      const summary = JSON.parse(out)
      expect(summary).toMatchObject({ target: `aws-iot://localhost:${broker.port}`, devices: 1, errors: 0 })
      expect(summary.acked).toBeGreaterThanOrEqual(1)
      expect(broker.logs()).toMatch(/New client connected from .* as cli-thing \(p2, c0, k300/)
    } finally {
      await broker.stop()
    }
  }, 30_000)

  it("explains every option in --help", async () => {
    const c = capture()
    expect(await main(["sim", "--help"], c.io)).toBe(0)
    for (const flag of [
      "--broker",
      "--endpoint",
      "--devices",
      "--name-prefix",
      "--interval",
      "--duration",
      "--seed",
      "--model",
      "--root-ca",
      "--cert",
      "--private",
      "--certs-dir",
    ]) {
      expect(c.out()).toContain(flag)
    }
    expect(c.out()).toContain("$aws/things/<name>/shadow/get")
  })

  it.each([
    [["--devices", "0"], "--devices: Expected a value between 1 and 100000 (got 0)"],
    [["--devices", "2.5"], "--devices: Expected an integer (got 2.5)"],
    [["--interval", "soon"], '--interval: expected a number, got "soon"'],
    [["--interval", "0"], "--interval: Expected a value between 0 (excluded) and 86400 (got 0)"],
    [["--duration=-1"], "--duration: expected a number of seconds above 0, got -1"],
    [["--model", "gauss"], "--model: unknown model term 'gauss'"],
    [
      ["--model", "walk", "--model", "spikes:7"],
      "--model: model term 'spikes:7': the parameter must be a probability between 0 and 1",
    ],
    [["--name-prefix", "my device "], '--name-prefix: device name "my device 1" contains " "'],
    [["--device-name", "a/b"], '--device-name: device name "a/b" contains "/"'],
    [["--device-name", "x", "--devices", "3"], "--device-name names one device; drop --devices"],
    [["--broker", "http://x"], "--broker: broker URL http://x has protocol http; expected mqtt or mqtts"],
    [["--broker", "mqtt://x", "--endpoint", "y"], "--broker and --endpoint: give one"],
    [["--endpoint", "host:99999"], "--endpoint: endpoint host:99999 has port 99999; expected 1–65535"],
    [["--broker", "mqtt://x", "--cert", "c.pem"], "certificate options need TLS: use an mqtts:// broker URL"],
    [["--progress", "sometimes"], '--progress: expected auto, always or never, got "sometimes"'],
    [["--queue-limit=-5"], "--queue-limit: Expected a value between 0 and 10000000 (got -5)"],
    [["--no-such-flag"], "Unknown option '--no-such-flag'"],
  ])("refuses %j with exit 2 and says why", async (args, message) => {
    const { code, err } = await sim(...args)
    expect(code).toBe(2)
    expect(err).toContain(message)
    expect(err).toContain("Run `sluice sim --help` for usage.")
  })

  it("says which certificate file was expected where (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-sim-certs-"))
    writeFileSync(join(dir, "AmazonRootCA1.pem"), "-----BEGIN CERTIFICATE-----\n")
    const missing = await sim("--endpoint", "example.com", "--certs-dir", dir, "--device-name", "thing-1")
    expect(missing.code).toBe(2)
    expect(missing.err).toContain(
      `missing device certificate for thing-1: no file whose name contains "certificate" in ${dir}; pass --cert FILE or --certs-dir DIR`,
    )
    const unreadable = await sim("--broker", "mqtts://localhost:8883", "--root-ca", join(dir, "nope.pem"))
    expect(unreadable.code).toBe(2)
    expect(unreadable.err).toContain(
      `cannot read the root CA ${join(dir, "nope.pem")} (--root-ca): no such file`,
    )
    const noDefault = await sim("--endpoint", "example.com")
    expect(noDefault.code).toBe(2)
    expect(noDefault.err).toContain(`certificates directory ${process.cwd()}/certs does not exist`)
  })
})
