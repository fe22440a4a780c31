/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): the frames with the most self time, and the
 * share of time under each of a few named subsystems (total time, by frame URL) — the "top
 * frames" BENCHMARKS.md quotes before and after each optimisation.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/stack.ts
 *   npx tsx bench/topFrames.ts /tmp/prof/CPU.*.cpuprofile [top=25]
 */
import { readFileSync } from "node:fs"
import { isMain } from "./measure.ts"

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
  readonly children?: ReadonlyArray<number>
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, "")
    .replace(/.*\/node_modules\//, "~")
    .replace(/.*\/packages\//, "")
    .replace(/.*\/bench\//, "bench/")

export const topFrames = (path: string, top = 25): string[] => {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const byFrame = new Map<string, number>()
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame
    const key = `${functionName || "(anonymous)"} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ""}`
    byFrame.set(key, (byFrame.get(key) ?? 0) + (self.get(node.id) ?? 0))
  }
  const idle = [...byFrame].filter(([k]) => k.startsWith("(idle)")).reduce((a, [, v]) => a + v, 0)
  const lines = [
    `${path}: ${(total / 1e6).toFixed(1)} s sampled, ${((100 * idle) / total).toFixed(0)} % idle`,
  ]
  for (const [frame, micros] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`${((100 * micros) / total).toFixed(1).padStart(5)} %  ${frame}`)
  return lines
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2)
  const top = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 25)
  for (const path of args.filter((arg) => !/^\d+$/.test(arg))) console.log(topFrames(path, top).join("\n"))
}
