/**
 * Helpers shared by the lake tests: temporary folders, readings as the hands-on device sends
 * them, and reading a lake back (objects → gunzipped lines) without DuckDB.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import { ObjectStore } from "@sluice/core"
import { Effect } from "effect"

export const tempDir = (prefix = "sluice-lake-"): string => mkdtempSync(join(tmpdir(), prefix))
export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true })

export const scopedTempDir = (prefix?: string) =>
  Effect.acquireRelease(
    Effect.sync(() => tempDir(prefix)),
    (dir) => Effect.sync(() => removeDir(dir)),
  )

/** 2026-11-26T07:00:00Z */
export const T0 = Date.UTC(2026, 10, 26, 7, 0, 0)

export const payloadText = (device: string, epochMs: number, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({
    DEVICE_NAME: device,
    TIMESTAMP: new Date(epochMs).toISOString().slice(0, 19),
    TEMPERATURE: 20 + (epochMs % 7),
    HUMIDITY: 50,
    ...extra,
  })}\n`

export const payload = (device: string, epochMs: number, extra: Record<string, unknown> = {}) =>
  new TextEncoder().encode(payloadText(device, epochMs, extra))

export interface LakeObjectRead {
  readonly key: string
  readonly lines: ReadonlyArray<string>
}

/** Every object under `prefix`, gunzipped and split into lines (each line must end in \n). */
export const readObjects = (prefix = "") =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const out: LakeObjectRead[] = []
    for (const info of yield* store.list(prefix)) {
      const body = yield* store.get(info.key)
      const text = gunzipSync(body ?? new Uint8Array()).toString("utf8")
      if (text !== "" && !text.endsWith("\n"))
        throw new Error(`object ${info.key} does not end with a whole line`)
      out.push({ key: info.key, lines: text === "" ? [] : text.slice(0, -1).split("\n") })
    }
    return out
  })

/** The (deviceId, ts) of every data line in the lake. */
export const storedIds = (objects: ReadonlyArray<LakeObjectRead>) =>
  objects.flatMap((object) =>
    object.lines.map((line) => {
      const item = JSON.parse(line) as { deviceId: string; ts: string }
      return `${item.deviceId}/${item.ts}`
    }),
  )
