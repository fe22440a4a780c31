/**
 * A real PostgreSQL server for the example's tests: a fresh cluster in a temporary directory,
 * on a free loopback port, trust authentication for one user, stopped and removed afterwards.
 *
 * - Binaries: `initdb` and `pg_ctl` from $PG_BIN, the newest /usr/lib/postgresql/<v>/bin (the
 *   Debian `postgresql` package, which `.ci/run` installs), or $PATH. Not found → it throws:
 *   a test of this example must never pass without a server.
 * - PostgreSQL refuses to run as root. As root the cluster is created and started as the
 *   `postgres` user (the Debian package creates it; `nobody` otherwise) through `runuser`
 *   (or `su` where runuser is missing), in a directory handed to that user.
 * - Speed over durability: fsync off, no initdb sync — this server holds test data only.
 * - If the test process dies, an exit hook stops the server (`pg_ctl stop -m immediate`).
 */
import { execFile, execFileSync } from "node:child_process"
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { promisify } from "node:util"
import { freePort } from "@sluice/testkit"

const run = promisify(execFile)

export interface PostgresServer {
  readonly host: "127.0.0.1"
  readonly port: number
  readonly user: string
  readonly database: "postgres"
  readonly stop: () => Promise<void>
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The directory holding both initdb and pg_ctl. */
export const postgresBinDir = (): string => {
  const versioned = (() => {
    try {
      return readdirSync("/usr/lib/postgresql")
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    } catch {
      return []
    }
  })()
  const candidates = [
    process.env.PG_BIN,
    ...versioned,
    ...(process.env.PATH ?? "").split(delimiter),
    "/usr/local/bin",
  ]
  for (const dir of candidates) {
    if (dir && executable(join(dir, "initdb")) && executable(join(dir, "pg_ctl"))) return dir
  }
  throw new Error(
    "PostgreSQL's initdb and pg_ctl were not found (looked in $PG_BIN, /usr/lib/postgresql/*/bin, $PATH): " +
      "install the Debian package `postgresql` (.ci/run does) — this test needs a real server",
  )
}

const accountOf = (name: string): { uid: number; gid: number } | undefined => {
  try {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name}:`))
    if (line === undefined) return undefined
    const [, , uid, gid] = line.split(":")
    return { uid: Number(uid), gid: Number(gid) }
  } catch {
    return undefined
  }
}

const hasRunuser = () => ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].some(executable)

/** The command line that runs a PostgreSQL binary, as an unprivileged user when we are root. */
const commandAs = (owner: string | undefined, binary: string, args: string[]): [string, string[]] => {
  if (owner === undefined) return [binary, args]
  if (hasRunuser()) return ["runuser", ["-u", owner, "--", binary, ...args]]
  const quoted = [binary, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ")
  return ["su", [owner, "-s", "/bin/sh", "-c", quoted]]
}

const env = () => ({ ...process.env, LC_ALL: "C", LANG: "C" })

const runAs = (owner: string | undefined) => (binary: string, args: string[]) => {
  const [command, argv] = commandAs(owner, binary, args)
  return run(command, argv, { env: env(), timeout: 60_000 })
}

export const startPostgres = async (): Promise<PostgresServer> => {
  const bin = postgresBinDir()
  const root = process.getuid?.() === 0
  const owner = root ? (accountOf("postgres") ? "postgres" : "nobody") : undefined
  const exec = runAs(owner)
  const dir = mkdtempSync(join(tmpdir(), "sluice-pg-"))
  if (owner !== undefined) {
    const account = accountOf(owner)
    if (account === undefined) throw new Error(`user ${owner} not found`)
    chownSync(dir, account.uid, account.gid)
  }
  const data = join(dir, "data")
  const log = join(dir, "postgres.log")
  const user = "sluice"
  const pgCtl = join(bin, "pg_ctl")
  try {
    await exec(join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      user,
      "--auth=trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ])
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed: ${(error as Error).message}`)
  }

  let port = 0
  let lastError: unknown
  for (let attempt = 0; attempt < 5 && port === 0; attempt++) {
    const candidate = await freePort()
    const serverOptions = `-p ${candidate} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`
    try {
      await exec(pgCtl, ["-D", data, "-l", log, "-w", "-t", "30", "-o", serverOptions, "start"])
      port = candidate
    } catch (error) {
      lastError = error // most likely another process took the port first
    }
  }
  if (port === 0) {
    let logText = ""
    try {
      logText = readFileSync(log, "utf8").slice(-2000)
    } catch {}
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`PostgreSQL did not start: ${(lastError as Error)?.message}\n${logText}`)
  }

  const onExit = () => {
    try {
      const [command, argv] = commandAs(owner, pgCtl, ["-D", data, "-m", "immediate", "stop"])
      execFileSync(command, argv, { env: env(), stdio: "ignore" })
    } catch {}
  }
  process.once("exit", onExit)
  let stopped = false
  return {
    host: "127.0.0.1",
    port,
    user,
    database: "postgres",
    stop: async () => {
      if (stopped) return
      stopped = true
      process.removeListener("exit", onExit)
      await exec(pgCtl, ["-D", data, "-m", "fast", "-w", "stop"]).catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
