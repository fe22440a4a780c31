/**
 * A real mosquitto broker for end-to-end tests: started on a free loopback port, plain or with
 * mutual TLS, awaited until it accepts TCP connections (bounded), and stopped for good.
 *
 * - `startMosquitto()` spawns the Debian package's binary (`/usr/sbin/mosquitto`) with a generated config in a fresh temporary directory. mosquitto 2 cannot
 *   listen on port 0 (it treats `listener 0 127.0.0.1` as a unix socket), so the port comes
 *   from `freePort()`; if another process grabs it first, start is retried on a new port
 *   (unless the caller fixed the port).
 * - `stop()` then `start()` (or `restart()`) bring the same broker back on the same port, with
 *   its session store when `persistence: true` — what a reconnect test needs.
 * - TLS: pass the files from `generateCertificates()` (./mosquittoCertificates.ts); clients
 *   must then present a certificate signed by the same CA (`require_certificate true`).
 * - Every broker still running when the test process exits is killed, so a failed test never
 *   leaves a broker behind. Logs are kept (last 500 lines) for failure messages: `logs()`.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { accessSync, constants, mkdtempSync, writeFileSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort } from "./ports.ts"

export interface MosquittoTlsOptions {
  /** PEM of the CA that signed the client certificates (and the server's). */
  readonly caFile: string
  readonly certFile: string
  readonly keyFile: string
  /** Demand a client certificate (mutual TLS). Default true. */
  readonly requireCertificate?: boolean
}

export interface MosquittoOptions {
  /** Fixed port; default a free one. */
  readonly port?: number
  readonly tls?: MosquittoTlsOptions
  /** Keep sessions and queued messages across `stop()`/`start()` (mosquitto's persistence file). */
  readonly persistence?: boolean
  /** Extra lines appended to mosquitto.conf. */
  readonly extraConfig?: ReadonlyArray<string>
  /** Bound on waiting for the broker to accept connections. Default 10 s. */
  readonly startTimeoutMs?: number
}

export interface MosquittoBroker {
  readonly host: "127.0.0.1"
  readonly port: number
  /** `mqtt://127.0.0.1:PORT`, or `mqtts://localhost:PORT` with TLS (the server certificate names localhost). */
  readonly url: string
  /** The temporary directory holding mosquitto.conf and the persistence file. */
  readonly dir: string
  readonly running: boolean
  /** The broker's process id while running (for CPU and memory readings in benchmarks). */
  readonly pid: number | undefined
  /** Start again on the same port after `stop()`. */
  readonly start: () => Promise<void>
  /** SIGTERM (mosquitto then saves its persistence file), SIGKILL after 5 s. Idempotent. */
  readonly stop: () => Promise<void>
  readonly restart: () => Promise<void>
  /** The broker's recent log lines, for failure messages. */
  readonly logs: () => string
}

const LOG_LINES_KEPT = 500
const STOP_GRACE_MS = 5_000
const PORT_ATTEMPTS = 5

/** Path of the mosquitto binary, or undefined when it is not installed. */
export const mosquittoBinary = (): string | undefined => {
  const candidates = [
    process.env.MOSQUITTO_BIN,
    "/usr/sbin/mosquitto",
    "/usr/local/sbin/mosquitto",
    "/usr/bin/mosquitto",
  ]
  for (const candidate of candidates) {
    if (!candidate) continue
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return undefined
}

class StartError extends Error {
  constructor(
    message: string,
    readonly portTaken: boolean,
  ) {
    super(message)
  }
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false
const installExitHook = () => {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL")
  })
}

const configText = (port: number, dir: string, options: MosquittoOptions): string => {
  const lines = [
    `listener ${port} 127.0.0.1`,
    "allow_anonymous true",
    // As root, mosquitto 2 drops to the `mosquitto` user and could no longer read the test's
    // 0600 key files or write its temp dir; `user root` keeps it as the caller (no effect otherwise).
    "user root",
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "log_type notice",
    "log_type information",
    "connection_messages true",
    `persistence ${options.persistence ? "true" : "false"}`,
    `persistence_location ${dir}/`,
    // Readings queued for an offline persistent session are the point of reconnect tests.
    "max_queued_messages 100000",
  ]
  if (options.tls) {
    lines.push(
      `cafile ${options.tls.caFile}`,
      `certfile ${options.tls.certFile}`,
      `keyfile ${options.tls.keyFile}`,
      `require_certificate ${options.tls.requireCertificate === false ? "false" : "true"}`,
    )
  }
  lines.push(...(options.extraConfig ?? []))
  return `${lines.join("\n")}\n`
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

const waitForExit = (child: ChildProcess, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true)
    const timer = setTimeout(() => resolve(false), ms)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve(true)
    })
  })

/** Starts mosquitto and resolves once it accepts TCP connections on its port. */
export const startMosquitto = async (options: MosquittoOptions = {}): Promise<MosquittoBroker> => {
  const binary = mosquittoBinary()
  if (!binary) {
    throw new Error(
      "mosquitto is not installed: `apt-get install -y mosquitto` (the Debian package; .ci/run installs it)",
    )
  }
  installExitHook()
  const dir = mkdtempSync(join(tmpdir(), "sluice-mosquitto-"))
  const configFile = join(dir, "mosquitto.conf")
  const startTimeoutMs = options.startTimeoutMs ?? 10_000
  const logLines: string[] = []
  let child: ChildProcess | undefined
  let port = options.port ?? (await freePort())

  const spawnOnce = async (): Promise<void> => {
    const firstLine = logLines.length
    writeFileSync(configFile, configText(port, dir, options))
    const proc = spawn(binary, ["-c", configFile], { stdio: ["ignore", "pipe", "pipe"] })
    child = proc
    live.add(proc)
    let exited = false
    proc.once("exit", () => {
      exited = true
      live.delete(proc)
    })
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line) logLines.push(line)
      if (logLines.length > LOG_LINES_KEPT) logLines.splice(0, logLines.length - LOG_LINES_KEPT)
    }
    proc.stdout?.on("data", keep)
    proc.stderr?.on("data", keep)
    const deadline = Date.now() + startTimeoutMs
    for (;;) {
      if (exited) {
        const lines = logLines.slice(firstLine)
        throw new StartError(
          `mosquitto exited during start on port ${port}:\n${lines.slice(-20).join("\n")}`,
          lines.some((line) => line.includes("Address already in use")),
        )
      }
      if (await canConnect(port)) return
      if (Date.now() > deadline) {
        proc.kill("SIGKILL")
        throw new Error(`mosquitto did not accept connections on port ${port} within ${startTimeoutMs} ms`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  const start = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return
    for (let attempt = 1; ; attempt++) {
      try {
        return await spawnOnce()
      } catch (error) {
        // A fixed port (or a restart, which must keep its port) cannot move elsewhere.
        if (
          !(error instanceof StartError && error.portTaken) ||
          options.port !== undefined ||
          broker ||
          attempt >= PORT_ATTEMPTS
        )
          throw error
        port = await freePort()
      }
    }
  }

  const stop = async (): Promise<void> => {
    const proc = child
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    proc.kill("SIGTERM")
    if (!(await waitForExit(proc, STOP_GRACE_MS))) {
      proc.kill("SIGKILL")
      await waitForExit(proc, STOP_GRACE_MS)
    }
  }

  let broker: MosquittoBroker | undefined
  await start()
  broker = {
    host: "127.0.0.1",
    port,
    url: options.tls ? `mqtts://localhost:${port}` : `mqtt://127.0.0.1:${port}`,
    dir,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null
    },
    get pid() {
      return this.running ? child?.pid : undefined
    },
    start,
    stop,
    restart: async () => {
      await stop()
      await start()
    },
    logs: () => logLines.join("\n"),
  }
  return broker
}
