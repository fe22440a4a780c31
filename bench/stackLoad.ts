/**
 * One load against one broker, for bench/stack.ts: forks the broker (bench/stackServer.ts:
 * aedes alone or the whole stack) and the publishers (bench/stackPublishers.ts), each in its own
 * process, relays the publishers' window to the broker, and gathers both sides' figures.
 *
 * Three processes, so each side's CPU, heap and garbage collector are its own, and the bench
 * runner (with every other suite's leftovers) stays out of the measurement. On this 2-core
 * machine the broker and the publishers each get about one core.
 */
import { type ChildProcess, type ForkOptions, fork } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { PublisherConfig, PublisherMessage } from "./stackPublishers.ts"
import type { ServerCommand, ServerReport } from "./stackServer.ts"

const here = dirname(fileURLToPath(import.meta.url))

export interface LoadResult {
  /** PUBACKs received inside the window, per second. */
  readonly ackedPerSec: number
  readonly ackP50Ms: number
  readonly ackP99Ms: number
  /** Readings stored inside the window, per second (stack only). */
  readonly storedPerSec?: number
  /** publish-to-stored of the readings sent inside the window (stack only). */
  readonly storedP50Ms?: number
  readonly storedP99Ms?: number
  /** Readings sent in the window that were not stored by the end of the drain wait. */
  readonly notStored?: number
  readonly sent: number
  readonly errors: number
  /** The broker's process over the window: % of one core (every thread), CPU µs per acked reading. */
  readonly cpuPercent: number
  readonly cpuMicrosPerReading: number
  /** The kernel's share of that CPU (system time: fsyncs, socket and file calls). */
  readonly systemPercent: number
  /** Share of the window the broker's event loop was busy. */
  readonly loopUtilization: number
  readonly peakRssMiB: number
}

export const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number)

const tsx: ForkOptions = { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once("exit", () => resolve())
  })

/** The next IPC message of `child` that `pick` accepts. */
const next = <A>(child: ChildProcess, pick: (message: unknown) => A | undefined, what: string) =>
  new Promise<A>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const picked = pick(message)
      if (picked === undefined) return
      child.off("message", onMessage)
      child.off("exit", onExit)
      resolve(picked)
    }
    const onExit = (code: number | null) => reject(new Error(`${what}: the process exited (${code})`))
    child.on("message", onMessage)
    child.once("exit", onExit)
  })

export type PublishersDone = Extract<PublisherMessage, { type: "done" }>

/** Forks the publishers at `url`; `onWindow` hears the window open and close. */
export const startPublishers = (
  url: string,
  config: Omit<PublisherConfig, "url">,
  onWindow: (event: "start" | "end") => void = () => {},
) => {
  const child = fork(join(here, "stackPublishers.ts"), [JSON.stringify({ ...config, url })], tsx)
  child.on("message", (message: PublisherMessage) => {
    if (message.type === "window") onWindow("start")
    if (message.type === "windowEnd") onWindow("end")
  })
  return {
    done: next(
      child,
      (m) => ((m as PublisherMessage).type === "done" ? (m as PublishersDone) : undefined),
      "publishers",
    ),
    stop: async () => {
      if (child.connected) child.send("stop")
      await exited(child)
    },
  }
}

/** Runs the publishers at a fresh broker of `kind` and gathers the window's figures. */
export const drive = async (
  kind: "aedes" | "stack",
  config: Omit<PublisherConfig, "url">,
): Promise<LoadResult> => {
  const server = fork(join(here, "stackServer.ts"), [kind], tsx)
  let publishers: ReturnType<typeof startPublishers> | undefined
  try {
    const { url } = await next(
      server,
      (m) => ((m as { type?: string }).type === "ready" ? (m as { url: string }) : undefined),
      "broker",
    )
    const tell = (command: ServerCommand) => server.send(command)
    publishers = startPublishers(url, config, (event) => tell({ type: event }))
    const done = await publishers.done
    tell({ type: "report", startAt: done.startAt, endAt: done.endAt, sent: done.sent - done.errors })
    const report = await next(
      server,
      (m) => ((m as { type?: string }).type === "report" ? (m as ServerReport) : undefined),
      "broker report",
    )
    const seconds = config.windowMs / 1000
    const latencies = report.storedLatencies
    return {
      ackedPerSec: done.acked / seconds,
      ackP50Ms: percentile(done.ackLatencies, 50),
      ackP99Ms: percentile(done.ackLatencies, 99),
      sent: done.sent,
      errors: done.errors,
      cpuPercent: (100 * report.cpuMs) / report.wallMs,
      cpuMicrosPerReading: (1000 * report.cpuMs) / Math.max(1, done.acked),
      systemPercent: (100 * report.systemMs) / Math.max(1e-9, report.cpuMs),
      loopUtilization: report.loopUtilization,
      peakRssMiB: report.peakRssMiB,
      ...(latencies === undefined
        ? {}
        : {
            storedPerSec: (report.storedInWindow ?? 0) / seconds,
            storedP50Ms: percentile(latencies, 50),
            storedP99Ms: percentile(latencies, 99),
            notStored: Math.max(0, done.sent - done.errors - latencies.length),
          }),
    }
  } finally {
    if (server.connected) server.send({ type: "stop" } satisfies ServerCommand)
    await Promise.all([publishers?.stop(), exited(server)])
  }
}
