import { describe, expect, it } from "vitest"
import type { CommandIO } from "../src/command.ts"
import { commands } from "../src/commands/index.ts"
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

describe("sluice --help", () => {
  it("lists every command", async () => {
    const c = capture()
    expect(await main(["--help"], c.io)).toBe(0)
    for (const command of commands) expect(c.out()).toContain(command.path.join(" "))
  })

  it("explains every option of every command", async () => {
    for (const command of commands) {
      const c = capture()
      expect(await main([...command.path, "--help"], c.io)).toBe(0)
      for (const option of Object.keys(command.options)) expect(c.out()).toContain(`--${option}`)
    }
  })

  it("rejects an unknown command with exit 2", async () => {
    const c = capture()
    expect(await main(["no-such-command"], c.io)).toBe(2)
    expect(c.err()).toContain("unknown command")
  })

  it("rejects an unknown option with exit 2 and a pointer to --help", async () => {
    const c = capture()
    expect(await main(["up", "--no-such-option"], c.io)).toBe(2)
    expect(c.err()).toMatch(/--help/)
  })
})
