/**
 * The ObjectStore port on the local filesystem: the data lake as a folder.
 *
 * A key `a/b/c.gz` is the file `<root>/a/b/c.gz`. Keys pass the lake's key rule first
 * (core/lake/objectKey.ts, Poison otherwise), and the joined path is checked to lie under the
 * root, so nothing — a device name, a custom transform's partition key — can write outside it.
 *
 * `put` is atomic and durable: write `<dir>/.<name>.<n>.tmp`, fsync it, rename it over the key,
 * fsync the folder. A reader sees the old object or the new one, never a partial file; after
 * `put` resolves the object survives a power cut. Temporary names start with `.`, which no key
 * may, so `list` never shows them; a crash can leave one behind, and opening the store removes
 * them (one writer per lake folder is assumed — the local stack's single process).
 *
 * `list` walks the folder under the prefix and returns keys in ascending byte order, as S3.
 * `delete` removes the file and any folders it leaves empty. Unlike S3, a key cannot be both an
 * object and a folder (`a` and `a/b`): such a put fails with Poison. The lake's keys never do
 * that (objects are leaves named `…/<stream>-…-<uuid>.gz`).
 */
import { randomBytes } from "node:crypto"
import { mkdir, open, readdir, readFile, rename, rmdir, stat, unlink } from "node:fs/promises"
import path from "node:path"
import {
  type ObjectInfo,
  ObjectStore,
  type ObjectStoreError,
  objectKeyProblem,
  objectPrefixProblem,
  Poison,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import { classifyFsError, codeOf } from "./fileErrors.ts"

export interface FileObjectStoreOptions {
  /** The lake folder; created if missing. */
  readonly root: string
  /** fsync files and folders (default true). Off only for benchmarks that measure without it. */
  readonly fsync?: boolean
  /**
   * Test hook: called at each step of a put; throwing stops the put there, as a crash would.
   * Steps: `"written"` (temporary file complete, not renamed) and `"renamed"`.
   */
  readonly onPutStep?: (step: "written" | "renamed", key: string) => void
}

const TEMP_PATTERN = /^\..+\.tmp$/

/** Removes temporary files a crashed put left behind. */
const sweepTemporaryFiles = async (dir: string): Promise<number> => {
  let removed = 0
  let entries: import("node:fs").Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if (codeOf(error) === "ENOENT") return 0
    throw error
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) removed += await sweepTemporaryFiles(full)
    else if (TEMP_PATTERN.test(entry.name)) {
      await unlink(full)
      removed++
    }
  }
  return removed
}

const fsyncPath = async (target: string, flags: string) => {
  const handle = await open(target, flags)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export const makeService = (options: FileObjectStoreOptions): ObjectStore["Service"] => {
  const root = path.resolve(options.root)
  const fsync = options.fsync ?? true
  let counter = 0

  const pathOf = (key: string): Effect.Effect<string, ObjectStoreError> => {
    const problem = objectKeyProblem(key)
    if (problem !== undefined)
      return Effect.fail(new Poison({ reason: `object key ${JSON.stringify(key)} ${problem}` }))
    const full = path.join(root, ...key.split("/"))
    // Belt and braces: the key rule already makes this impossible.
    if (!full.startsWith(root + path.sep))
      return Effect.fail(new Poison({ reason: `object key ${JSON.stringify(key)} leaves the lake` }))
    return Effect.succeed(full)
  }

  // A simulated crash (test hook) is a defect, like a killed process; real errors are classified.
  const attempt = <A>(what: string, run: () => Promise<A>): Effect.Effect<A, ObjectStoreError> =>
    Effect.flatMap(
      Effect.promise(() =>
        run().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
      ),
      (outcome) => {
        if (!("error" in outcome)) return Effect.succeed(outcome.value)
        const { error } = outcome
        if (error instanceof Error && error.name === "SimulatedCrash") return Effect.die(error)
        return Effect.fail(classifyFsError(what, error))
      },
    )

  const writeAtomically = async (key: string, full: string, body: Uint8Array) => {
    const dir = path.dirname(full)
    const created = await mkdir(dir, { recursive: true })
    // A new folder survives a power cut only once its parent's entry does: sync the parent of
    // each folder mkdir created (`created` is the first of them, `dir` the last).
    if (created !== undefined && fsync) {
      for (let folder = dir; ; folder = path.dirname(folder)) {
        await fsyncPath(path.dirname(folder), "r")
        if (folder === created || folder === root) break
      }
    }
    const temp = path.join(
      dir,
      `.${path.basename(full)}.${process.pid}.${counter++}.${randomBytes(3).toString("hex")}.tmp`,
    )
    try {
      const handle = await open(temp, "w")
      try {
        await handle.writeFile(body)
        if (fsync) await handle.sync()
      } finally {
        await handle.close()
      }
      options.onPutStep?.("written", key)
      await rename(temp, full)
    } catch (error) {
      // A test crash leaves the temporary file, as a real one would; other failures clean up.
      if (!(error instanceof Error && error.name === "SimulatedCrash")) await unlink(temp).catch(() => {})
      throw error
    }
    options.onPutStep?.("renamed", key)
    if (fsync) await fsyncPath(dir, "r")
  }

  const walk = async (dir: string, out: ObjectInfo[]) => {
    let entries: import("node:fs").Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      const code = codeOf(error)
      if (code === "ENOENT" || code === "ENOTDIR") return
      throw error
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) await walk(full, out)
      else if (entry.isFile()) {
        const key = path.relative(root, full).split(path.sep).join("/")
        out.push({ key, size: (await stat(full)).size })
      }
    }
  }

  const removeEmptyParents = async (dir: string) => {
    while (dir.startsWith(root + path.sep)) {
      try {
        await rmdir(dir)
      } catch {
        return // not empty, or gone: either way, stop
      }
      dir = path.dirname(dir)
    }
  }

  return ObjectStore.of({
    put: (key, body) =>
      Effect.flatMap(pathOf(key), (full) => attempt(`put ${key}`, () => writeAtomically(key, full, body))),
    get: (key) =>
      Effect.flatMap(pathOf(key), (full) =>
        attempt(`get ${key}`, async () => {
          try {
            return new Uint8Array(await readFile(full))
          } catch (error) {
            const code = codeOf(error)
            if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined
            throw error
          }
        }),
      ),
    list: (prefix) => {
      const problem = objectPrefixProblem(prefix)
      if (problem !== undefined) {
        return Effect.fail(new Poison({ reason: `listing prefix ${JSON.stringify(prefix)} ${problem}` }))
      }
      const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : ""
      return attempt(`list ${prefix}`, async () => {
        const out: ObjectInfo[] = []
        await walk(path.join(root, ...folder.split("/").filter((s) => s !== "")), out)
        return out
          .filter((info) => info.key.startsWith(prefix))
          .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
      })
    },
    delete: (key) =>
      Effect.flatMap(pathOf(key), (full) =>
        attempt(`delete ${key}`, async () => {
          try {
            await unlink(full)
          } catch (error) {
            const code = codeOf(error)
            // A folder at the key (other objects below it) means no object at the key.
            if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return
            throw error
          }
          await removeEmptyParents(path.dirname(full))
        }),
      ),
  })
}

/** Opens the store: creates the folder and removes temporary files of crashed puts. */
export const make = (
  options: FileObjectStoreOptions,
): Effect.Effect<ObjectStore["Service"], ObjectStoreError> =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(options.root, { recursive: true })
      await sweepTemporaryFiles(path.resolve(options.root))
      return makeService(options)
    },
    catch: (error) => classifyFsError(`open lake folder ${options.root}`, error),
  })

export const layer = (options: FileObjectStoreOptions): Layer.Layer<ObjectStore, ObjectStoreError> =>
  Layer.effect(ObjectStore, make(options))
