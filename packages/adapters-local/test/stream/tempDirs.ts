/**
 * Temporary directories for tests: each call makes a fresh one under the OS temp dir; `scoped`
 * removes it when the Effect scope closes (after what was opened in it, which closes first).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"

export const tempDir = (prefix = "sluice-test-"): string => mkdtempSync(join(tmpdir(), prefix))

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true })

export const scopedTempDir = (prefix?: string) =>
  Effect.acquireRelease(
    Effect.sync(() => tempDir(prefix)),
    (dir) => Effect.sync(() => removeDir(dir)),
  )
