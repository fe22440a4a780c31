/**
 * `sluice rule test`: the one-line result, exit codes (0 ran, 1 a case failed, 2 bad usage or a
 * bad statement, with its position on stderr), and case files — the committed
 * `rules/hands-on.cases.json` among them.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import type { CommandIO } from "../src/command.ts"
import { main } from "../src/main.ts"

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))

const run = async (args: string[], cwd = repoRoot) => {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd }
  const code = await main(["rule", "test", ...args], io)
  return { code, out: out.join(""), err: err.join("") }
}

const single = (sql: string, payload: string, ...more: string[]) =>
  run(["--sql", sql, "--topic", "data/dev1", "--payload", payload, ...more])

describe("sluice rule test --sql", () => {
  it("prints exactly one line with the output of a match", async () => {
    const result = await single("SELECT * FROM 'data/+' WHERE TEMPERATURE > 20", '{"TEMPERATURE":25}')
    expect(result).toEqual({ code: 0, out: '{"matched":true,"output":{"TEMPERATURE":25}}\n', err: "" })
  })
  it('prints {"matched":false} when the rule does not match', async () => {
    expect((await single("SELECT * FROM 'data/+' WHERE TEMPERATURE > 30", '{"TEMPERATURE":25}')).out).toBe(
      '{"matched":false}\n',
    )
    expect((await single("SELECT * FROM 'other/+'", "{}")).out).toBe('{"matched":false}\n')
  })
  it("takes the client id and timestamp from the command line", async () => {
    const result = await single(
      "SELECT clientid() AS c, timestamp() AS t, topic(2) AS d FROM 'data/+'",
      "{}",
      "--client-id",
      "dev1",
      "--timestamp",
      "1700000000000",
    )
    expect(result.out).toBe('{"matched":true,"output":{"c":"dev1","t":1700000000000,"d":"dev1"}}\n')
  })
  it("runs SQL version 2015-10-08 on request", async () => {
    expect(
      (await single("SELECT VALUE a / 4 FROM 'data/+'", '{"a":10.0}', "--sql-version", "2015-10-08")).out,
    ).toBe('{"matched":true,"output":2.5}\n')
  })
  it("prints binary outputs as base64", async () => {
    const result = await run([
      "--sql",
      "SELECT * FROM 'data/+'",
      "--topic",
      "data/d",
      "--payload-base64",
      "/wCA",
    ])
    expect(result.out).toBe('{"matched":true,"outputBase64":"/wCA"}\n')
  })
  it("a bad statement exits 2 with line, column and message on stderr", async () => {
    const result = await single("SELECT a\nFROM 'data/+' WHERE b = = 1", "{}")
    expect(result.code).toBe(2)
    expect(result.out).toBe("")
    expect(result.err).toBe(
      "sluice rule test: line 2, column 25: expected an expression, found '='\n  FROM 'data/+' WHERE b = = 1\n                          ^\n",
    )
  })
  it("an unknown function exits 2 naming it", async () => {
    const result = await single("SELECT nope(a) FROM 'data/+'", "{}")
    expect(result.code).toBe(2)
    expect(result.err).toContain("line 1, column 8: unknown function 'nope'")
  })
  it("usage errors exit 2 with a pointer to --help", async () => {
    for (const args of [
      ["--sql", "SELECT * FROM 'a'", "--topic", "a", "--payload", "{not json"],
      ["--sql", "SELECT * FROM 'a'", "--topic", "a"],
      ["--sql", "SELECT * FROM 'a'", "--payload", "{}"],
      ["--sql", "SELECT * FROM 'a'", "--topic", "a", "--payload", "{}", "--timestamp", "soon"],
      ["--sql", "SELECT * FROM 'a'", "--topic", "a", "--payload", "{}", "--sql-version", "beta"],
      ["--file", "x.json", "--sql", "SELECT * FROM 'a'"],
    ]) {
      const result = await run(args)
      expect(result.code, args.join(" ")).toBe(2)
      expect(result.err).toMatch(/--help/)
    }
  })
  it("documents every option in --help", async () => {
    const result = await run(["--help"])
    expect(result.code).toBe(0)
    for (const option of [
      "--sql",
      "--topic",
      "--payload",
      "--client-id",
      "--timestamp",
      "--file",
      "--sql-version",
    ]) {
      expect(result.out).toContain(option)
    }
  })
})

describe("sluice rule test --file", () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-rule-test-"))
  const write = (name: string, content: unknown) => {
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content))
    return name
  }

  it("runs the committed hands-on cases", async () => {
    const result = await run(["--file", "rules/hands-on.cases.json"])
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/5 cases: 5 passed, 0 failed\n$/)
  })

  it("reports each case and exits 1 when one fails", async () => {
    const file = write("cases.json", [
      {
        name: "passes",
        sql: "SELECT a FROM 't'",
        topic: "t",
        payload: { a: 1 },
        expected: { matched: true, output: { a: 1 } },
      },
      {
        name: "fails",
        sql: "SELECT a FROM 't'",
        topic: "t",
        payload: { a: 2 },
        expected: { matched: true, output: { a: 1 } },
      },
      { name: "bad sql", sql: "SELECT FROM 't'", topic: "t", payload: {}, expected: { matched: false } },
      {
        sql: "SELECT newuuid() AS u, timestamp() AS t FROM 't'",
        topic: "t",
        payload: {},
        expected: { matched: true, output: { u: "00000000-0000-4000-8000-000000000001", t: 0 } },
      },
    ])
    const result = await run(["--file", file], dir)
    expect(result.code).toBe(1)
    expect(result.out).toBe(
      [
        "ok    passes",
        "FAIL  fails",
        '      expected {"matched":true,"output":{"a":1}}',
        '      actual   {"matched":true,"output":{"a":2}}',
        "FAIL  bad sql",
        "      line 1, column 8: expected an expression or '*' to select, found 'FROM'",
        "        SELECT FROM 't'",
        "               ^",
        "ok    case 4",
        "4 cases: 2 passed, 2 failed",
        "",
      ].join("\n"),
    )
  })

  it("a malformed file is a usage error", async () => {
    expect((await run(["--file", write("bad.json", "{")], dir)).code).toBe(2)
    expect((await run(["--file", write("shape.json", { nope: 1 })], dir)).code).toBe(2)
    const noExpected = write("noexp.json", [{ sql: "SELECT a FROM 't'", topic: "t", payload: {} }])
    const result = await run(["--file", noExpected], dir)
    expect(result.code).toBe(2)
    expect(result.err).toContain('case 1 (case 1): "expected" must be a result')
    expect((await run(["--file", "missing.json"], dir)).err).toContain("cannot read missing.json: ENOENT")
  })
})
