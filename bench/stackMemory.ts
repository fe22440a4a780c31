/**
 * Memory of `sluice up` under sustained load: the real command in a child process
 * (`node packages/cli/bin/sluice.mjs up --data-dir <tmp> --mqtt-port 0 --http-port 0`), the
 * bench's publishers at a fixed rate for a while, and the child's resident set sampled from
 * `/proc/<pid>/status` — VmHWM is the kernel's own peak, so no spike between samples is missed.
 * The first seconds (startup, JIT) are reported apart from the steady window; the last sample
 * shows whether memory keeps growing.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { BenchRow } from "./measure.ts"
import { startPublishers } from "./stackLoad.ts"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** VmRSS and VmHWM of a process, MiB. */
const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) / 1024
  return { rss: field("VmRSS"), peak: field("VmHWM") }
}

export const measureStackMemory = async (options: {
  readonly rate: number
  readonly seconds: number
  readonly log: (line: string) => void
}): Promise<BenchRow[]> => {
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-up-"))
  const child = spawn(
    process.execPath,
    ["packages/cli/bin/sluice.mjs", "up", "--data-dir", dataDir, "--mqtt-port", "0", "--http-port", "0"],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  )
  let stderr = ""
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = ""
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString()
        const found = /mqtt\s+(mqtt:\/\/\S+)/.exec(stdout)
        if (found) resolve(found[1] as string)
      })
      child.once("exit", (code) => reject(new Error(`sluice up exited (${code}): ${stderr}`)))
    })
    const pid = child.pid as number
    const idle = memoryOf(pid)
    const samples: number[] = []
    let windowStart: number | undefined
    const sampler = setInterval(() => {
      if (windowStart !== undefined) samples.push(memoryOf(pid).rss)
    }, 250)
    const publishers = startPublishers(
      url,
      { clients: 50, window: 20, rate: options.rate, warmupMs: 3_000, windowMs: options.seconds * 1000 },
      (event) => {
        if (event === "start") windowStart = Date.now()
      },
    )
    const done = await publishers.done
    clearInterval(sampler)
    const { peak, rss } = memoryOf(pid)
    await publishers.stop()
    const acked = done.acked / options.seconds
    options.log(
      `sluice up (child process), ${options.rate}/s offered for ${options.seconds} s: acked ${Math.round(acked)}/s; ` +
        `rss idle ${Math.round(idle.rss)} MiB, during the window ${Math.round(Math.min(...samples))}–${Math.round(Math.max(...samples))} MiB, ` +
        `at its end ${Math.round(rss)} MiB, peak (VmHWM) ${Math.round(peak)} MiB`,
    )
    return [
      {
        suite: "stack",
        name: `sluice up peak RSS, ${options.rate}/s offered for ${options.seconds} s (VmHWM)`,
        unit: "MiB",
        value: peak,
        note: `idle after start ${Math.round(idle.rss)} MiB; in the window ${Math.round(Math.min(...samples))}–${Math.round(Math.max(...samples))} MiB; acked ${Math.round(acked)}/s`,
      },
    ]
  } finally {
    child.kill("SIGINT") // drains and exits 0
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  }
}
