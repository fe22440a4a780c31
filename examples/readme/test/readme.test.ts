/**
 * Every ```ts block of the root README.md is an example users will paste, so each one runs
 * here: it is written to a file beside this test (so `@sluice/*` imports resolve as they would
 * in a user's project) and imported. An example proves itself with node:assert. A block can
 * opt out only with a visible `<!-- untested: reason -->` line above it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))
const readme = readFileSync(join(here, "../../../README.md"), "utf8")

interface Example {
  readonly name: string
  readonly code: string
  readonly untested: string | undefined
}

const examples = (): Example[] => {
  const found: Example[] = []
  const pattern = /(?:<!--\s*(example|untested):\s*([^>]*?)\s*-->\s*\n)?```ts\n([\s\S]*?)```/g
  for (const match of readme.matchAll(pattern)) {
    const [, kind, label, code] = match
    const line = readme.slice(0, match.index).split("\n").length
    found.push({
      name: kind === "example" && label ? label : `block at README.md:${line}`,
      code: code ?? "",
      untested: kind === "untested" ? (label ?? "no reason given") : undefined,
    })
  }
  return found
}

const workDir = join(here, "../.generated")

describe("README examples", () => {
  const all = examples()

  it("has examples", () => {
    expect(all.length).toBeGreaterThanOrEqual(3)
  })

  for (const [index, example] of all.entries()) {
    const run = example.untested ? it.skip : it
    run(`runs: ${example.name}${example.untested ? ` (untested: ${example.untested})` : ""}`, async () => {
      mkdirSync(workDir, { recursive: true })
      const file = join(workDir, `example-${index}.ts`)
      writeFileSync(file, `${example.code}\nexport {}\n`)
      try {
        await import(/* @vite-ignore */ `${file}?t=${Date.now()}`)
      } finally {
        rmSync(file, { force: true })
      }
    })
  }
})
