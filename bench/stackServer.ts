/**
 * The broker under test for bench/stack.ts, in a process of its own (so its heap, its garbage
 * collector and its CPU time are nobody else's): either aedes with no hooks, or the whole local
 * stack (`startStack`, hands-on rules, a fresh data dir).
 *
 * For the stack it times each reading from its `SENT_AT` (set by the publishers) to the moment
 * the consumer invocation that stored it returned — the `onConsumed` hook of `startStack`,
 * called after the SQLite COMMIT was made durable. The hook decodes the last 64 base64
 * characters of each record and finds `SENT_AT` in them, on the event loop under test (well
 * under 1 µs a record; decoding whole records cost 3 % of the loop).
 *
 * Protocol (IPC): argv[2] is "aedes" or "stack"; the child sends `{ type: "ready", url }`; the
 * parent sends `start` and `end` as the publishers' window opens and closes (CPU and loop use
 * are measured between them), then `{ type: "report", startAt, endAt, sent }`; the child
 * answers with a `ServerReport` (waiting up to 30 s for the window's readings to be stored) and
 * exits on `stop`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance as loopPerformance } from "node:perf_hooks"
import type { KinesisBatchResponse, KinesisStreamEvent } from "@sluice/core"
import { Aedes } from "aedes"
import { startStack } from "../packages/cli/src/stack/stack.ts"
import { envString } from "./benchEnv.ts"

export interface ServerReport {
  readonly type: "report"
  /** This process over the window: CPU time (user + system, every thread) and wall time. */
  readonly cpuMs: number
  readonly systemMs: number
  readonly wallMs: number
  /** Share of the window the event loop was busy (1 = saturated). */
  readonly loopUtilization: number
  /** Readings stored inside the window (stack only). */
  readonly storedInWindow?: number
  /** publish-to-stored of readings sent inside the window, ms, sorted (stack only). */
  readonly storedLatencies?: ReadonlyArray<number>
  readonly peakRssMiB: number
}

export type ServerCommand =
  | { readonly type: "start" }
  | { readonly type: "end" }
  | { readonly type: "report"; readonly startAt: number; readonly endAt: number; readonly sent: number }
  | { readonly type: "stop" }

const now = () => performance.timeOrigin + performance.now()

const startAedes = async () => {
  const aedes = await Aedes.createBroker()
  const server = createServer(aedes.handle)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const main = async (kind: string) => {
  const stored: number[] = [] // pairs: sentAt, storedAt
  const observe = (event: KinesisStreamEvent, response: KinesisBatchResponse) => {
    const at = now()
    const failed = response.batchItemFailures[0]?.itemIdentifier
    for (const record of event.Records) {
      if (record.kinesis.sequenceNumber === failed) break
      // SENT_AT is the payload's last field: decode only the base64 tail holding it (64
      // characters from a multiple of 4, as the whole string's length is one).
      const text = Buffer.from(record.kinesis.data.slice(-64), "base64").toString("latin1")
      const i = text.indexOf('"SENT_AT":')
      if (i >= 0) stored.push(Number.parseFloat(text.slice(i + 10)), at)
    }
  }
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-stack-"))
  const broker =
    kind === "aedes"
      ? await startAedes()
      : await startStack({
          dataDir,
          host: "127.0.0.1",
          mqttPort: 0,
          httpPort: 0,
          devices: 0,
          onConsumed: observe,
          log: (line) => process.stderr.write(`stack: ${line}\n`),
        }).then((stack) => ({ url: stack.mqttUrl, stop: stack.stop }))
  // SLUICE_BENCH_STACK_PROFILE=<dir>: a CPU profile of the measured window only (not startup).
  const profileDir = envString("SLUICE_BENCH_STACK_PROFILE")
  const profiler = profileDir ? new Session() : undefined
  if (profileDir) mkdirSync(profileDir, { recursive: true })
  profiler?.connect()
  await profiler?.post("Profiler.enable")
  let cpu = process.cpuUsage()
  let wall = now()
  let loop = loopPerformance.eventLoopUtilization()
  let window = { used: process.cpuUsage(cpu), wallMs: 0, loopUtilization: 0 }
  process.on("message", async (command: ServerCommand) => {
    if (command.type === "start") {
      await profiler?.post("Profiler.start")
      cpu = process.cpuUsage()
      wall = now()
      loop = loopPerformance.eventLoopUtilization()
    } else if (command.type === "end") {
      window = {
        used: process.cpuUsage(cpu),
        wallMs: now() - wall,
        loopUtilization: loopPerformance.eventLoopUtilization(loop).utilization,
      }
      if (profiler && profileDir) {
        const { profile } = await profiler.post("Profiler.stop")
        const path = join(profileDir, `${kind}-${new Date().toISOString().replace(/[:.]/g, "")}.cpuprofile`)
        writeFileSync(path, JSON.stringify(profile))
        process.stderr.write(`stack: wrote ${path}\n`)
      }
    } else if (command.type === "report") {
      const { used, wallMs, loopUtilization } = window
      const inWindow = () => {
        let n = 0
        for (let i = 0; i < stored.length; i += 2)
          if ((stored[i] as number) >= command.startAt && (stored[i] as number) < command.endAt) n++
        return n
      }
      const deadline = now() + 30_000
      while (kind !== "aedes" && inWindow() < command.sent && now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50))
      const latencies: number[] = []
      let storedInWindow = 0
      for (let i = 0; i < stored.length; i += 2) {
        const sentAt = stored[i] as number
        const storedAt = stored[i + 1] as number
        if (sentAt >= command.startAt && sentAt < command.endAt) latencies.push(storedAt - sentAt)
        if (storedAt >= command.startAt && storedAt < command.endAt) storedInWindow++
      }
      latencies.sort((a, b) => a - b)
      const report: ServerReport = {
        type: "report",
        cpuMs: (used.user + used.system) / 1000,
        systemMs: used.system / 1000,
        wallMs,
        loopUtilization,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        ...(kind === "aedes" ? {} : { storedInWindow, storedLatencies: latencies }),
      }
      process.send?.(report)
    } else if (command.type === "stop") {
      await broker.stop()
      rmSync(dataDir, { recursive: true, force: true })
      process.exit(0)
    }
  })
  process.send?.({ type: "ready", url: broker.url })
}

if (process.send !== undefined) await main(process.argv[2] ?? "stack")
