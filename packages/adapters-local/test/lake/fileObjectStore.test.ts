import { existsSync, readdirSync, statSync } from "node:fs"
import path from "node:path"
import { SimulatedCrash } from "@sluice/adapters-memory"
import { HOSTILE_KEYS, suite } from "@sluice/adapters-memory/contract"
import { ObjectStore } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect, Exit, Layer } from "effect"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import * as FileObjectStore from "../../src/lake/fileObjectStore.ts"
import { removeDir, tempDir } from "./lakeFixtures.ts"

const parent = tempDir("sluice-objects-")
afterAll(() => removeDir(parent))
let count = 0
const freshRoot = () => path.join(parent, `lake-${count++}`)

suite("filesystem", { objectStore: () => FileObjectStore.layer({ root: freshRoot() }) })

const text = (s: string) => new TextEncoder().encode(s)
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  )

describe("filesystem ObjectStore: atomic writes and crashes", () => {
  it("a crash after writing the temporary file leaves no object, and reopening sweeps the leftover", async () => {
    const root = freshRoot()
    const crashing = FileObjectStore.makeService({
      root,
      onPutStep: (step) => {
        if (step === "written") throw new SimulatedCrash("killed before rename")
      },
    })
    await run(Effect.flatMap(FileObjectStore.make({ root }), (store) => store.put("a/old.gz", text("old"))))
    const exit = await Effect.runPromiseExit(crashing.put("a/old.gz", text("new, never visible")))
    expect(Exit.isFailure(exit) && Exit.hasDies(exit)).toBe(true)
    const leftovers = filesUnder(root).filter((file) => path.basename(file).startsWith("."))
    expect(leftovers).toHaveLength(1)
    const store = await run(FileObjectStore.make({ root }))
    expect(await run(store.list(""))).toEqual([{ key: "a/old.gz", size: 3 }])
    expect(new TextDecoder().decode(await run(store.get("a/old.gz")))).toBe("old")
    expect(filesUnder(root).filter((file) => path.basename(file).startsWith("."))).toEqual([])
  })

  it("a crash after the rename leaves the whole new object", async () => {
    const root = freshRoot()
    const crashing = FileObjectStore.makeService({
      root,
      onPutStep: (step) => {
        if (step === "renamed") throw new SimulatedCrash("killed before the folder fsync")
      },
    })
    await Effect.runPromiseExit(crashing.put("k.gz", text("whole")))
    const store = await run(FileObjectStore.make({ root }))
    expect(new TextDecoder().decode(await run(store.get("k.gz")))).toBe("whole")
  })

  it("under any sequence of puts and crashes, every object holds exactly one body that was put", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: fc.constantFrom("p/a.gz", "p/b.gz", "q/a.gz"),
            body: fc.string({ minLength: 1, maxLength: 200 }),
            crash: fc.constantFrom(undefined, "written", "renamed"),
          }),
          { maxLength: 12 },
        ),
        async (puts) => {
          const root = freshRoot()
          const bodies = new Map<string, Set<string>>()
          for (const { key, body, crash } of puts) {
            const store = FileObjectStore.makeService({
              root,
              onPutStep: (step) => {
                if (step === crash) throw new SimulatedCrash(`crash at ${step}`)
              },
            })
            bodies.set(key, (bodies.get(key) ?? new Set()).add(body))
            await Effect.runPromiseExit(store.put(key, text(body)))
          }
          const reopened = await run(FileObjectStore.make({ root }))
          for (const info of await run(reopened.list(""))) {
            const stored = new TextDecoder().decode(await run(reopened.get(info.key)))
            expect(bodies.get(info.key)?.has(stored)).toBe(true)
          }
          removeDir(root)
        },
      ),
      20,
    ))
})

describe("filesystem ObjectStore: hostile keys", () => {
  it("never creates anything outside its folder, whatever the key", async () => {
    const outer = path.join(parent, `outer-${count++}`)
    const root = path.join(outer, "lake")
    const store = await run(FileObjectStore.make({ root }))
    const keys = [
      ...HOSTILE_KEYS,
      "../sibling.gz",
      "..%2f..%2fescape",
      "a/../../../../tmp/x",
      "C:\\evil",
      "~/x",
    ]
    for (const key of keys) await Effect.runPromiseExit(store.put(key, text("evil")))
    await Effect.runPromiseExit(store.put("legit/ok.gz", text("ok")))
    expect(readdirSync(outer)).toEqual(["lake"])
    for (const file of filesUnder(root)) expect(file.startsWith(root + path.sep)).toBe(true)
    expect(existsSync(path.join(root, "legit", "ok.gz"))).toBe(true)
  })

  it("treats a key that collides with a folder as Poison, not as a retryable fault", async () => {
    const store = await run(FileObjectStore.make({ root: freshRoot() }))
    await run(store.put("a/b", text("x")))
    const exit = await Effect.runPromiseExit(store.put("a", text("y")))
    expect(JSON.stringify(exit)).toContain("Poison")
  })

  it("deletes nothing when the key is a folder of other objects (no object there)", async () => {
    const store = await run(FileObjectStore.make({ root: freshRoot() }))
    await run(store.put("a/c", text("x")))
    await run(store.delete("a"))
    expect(await run(store.list(""))).toEqual([{ key: "a/c", size: 1 }])
  })

  it("removes folders a delete leaves empty, so a key can become an object again", async () => {
    const root = freshRoot()
    const store = await run(FileObjectStore.make({ root }))
    await run(store.put("a/b/c", text("x")))
    await run(store.delete("a/b/c"))
    await run(store.put("a", text("now a file")))
    expect(statSync(path.join(root, "a")).isFile()).toBe(true)
  })

  it("is provided as a layer", async () => {
    const program = Effect.gen(function* () {
      const store = yield* ObjectStore
      return yield* store.list("")
    })
    const keys = await Effect.runPromise(
      Effect.provide(program, Layer.orDie(FileObjectStore.layer({ root: freshRoot() }))),
    )
    expect(keys).toEqual([])
  })
})
