/**
 * The local shadow service's storage: one JSON file per thing under `<data-dir>/shadows/`,
 * replaced atomically on every change, so shadows (and their versions) survive restarts.
 *
 * Requests for one thing are applied one at a time (a per-thing promise chain): the classic
 * shadow's versions and deltas depend on order. A deleted shadow leaves a tombstone with its
 * last version, so a re-created one continues from it, as on IoT Core.
 */
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises"
import { join } from "node:path"
import {
  DEVICE_NAME_PATTERN,
  handleShadowRequest,
  type ShadowDocument,
  type ShadowMessage,
} from "@sluice/core"

interface StoredShadow {
  readonly document: ShadowDocument | undefined
  readonly lastVersion: number
}

export interface ShadowStore {
  /** Applies a request; resolves with the messages to publish. */
  readonly handle: (
    thing: string,
    operation: "get" | "update" | "delete",
    payload: Uint8Array | string,
  ) => Promise<ReadonlyArray<ShadowMessage>>
  readonly get: (thing: string) => ShadowDocument | undefined
  readonly all: () => ReadonlyMap<string, ShadowDocument>
  /** Called after every change, with the thing's new document. */
  readonly onChange: (listener: (thing: string, document: ShadowDocument | undefined) => void) => void
}

const writeAtomic = async (path: string, content: string) => {
  const temp = `${path}.tmp-${process.pid}`
  await writeFile(temp, content)
  await rename(temp, path)
}

export const openShadowStore = async (dir: string, now: () => number = Date.now): Promise<ShadowStore> => {
  await mkdir(dir, { recursive: true })
  const shadows = new Map<string, StoredShadow>()
  for (const name of await readdir(dir)) {
    if (!name.endsWith(".json")) continue
    const thing = name.slice(0, -".json".length)
    if (!DEVICE_NAME_PATTERN.test(thing)) continue
    try {
      shadows.set(thing, JSON.parse(await readFile(join(dir, name), "utf8")) as StoredShadow)
    } catch {
      // A file we cannot read is left alone, not overwritten until the thing's next update.
    }
  }
  const chains = new Map<string, Promise<unknown>>()
  const listeners: Array<(thing: string, document: ShadowDocument | undefined) => void> = []

  const apply = async (
    thing: string,
    operation: "get" | "update" | "delete",
    payload: Uint8Array | string,
  ) => {
    const stored = shadows.get(thing)
    const outcome = handleShadowRequest(
      thing,
      operation,
      payload,
      stored?.document,
      Math.floor(now() / 1000),
      stored?.lastVersion ?? 0,
    )
    if (outcome.document !== stored?.document) {
      const next: StoredShadow = {
        document: outcome.document,
        lastVersion: outcome.document?.version ?? stored?.document?.version ?? stored?.lastVersion ?? 0,
      }
      await writeAtomic(join(dir, `${thing}.json`), JSON.stringify(next))
      shadows.set(thing, next)
      for (const listener of listeners) listener(thing, outcome.document)
    }
    return outcome.messages
  }

  return {
    handle: (thing, operation, payload) => {
      if (!DEVICE_NAME_PATTERN.test(thing))
        return Promise.reject(new Error(`not a valid thing name: ${thing}`))
      const run = (chains.get(thing) ?? Promise.resolve()).then(() => apply(thing, operation, payload))
      chains.set(
        thing,
        run.catch(() => undefined),
      )
      return run
    },
    get: (thing) => shadows.get(thing)?.document,
    all: () =>
      new Map(
        [...shadows].flatMap(([thing, stored]) =>
          stored.document ? [[thing, stored.document] as const] : [],
        ),
      ),
    onChange: (listener) => {
      listeners.push(listener)
    },
  }
}
