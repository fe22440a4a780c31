/**
 * PostgreSQL failures as Sluice's four error classes, by SQLSTATE (PostgreSQL manual,
 * appendix A "Error Codes"). A PlainTable signals them by throwing them: the handlers retry
 * Retryable and Throttled with backoff, dead-letter the records behind a Poison, and stop on
 * Fatal. Anything unrecognised is Retryable, which is also what Sluice assumes for any plain
 * exception — bounded retries will surface it.
 */
import { Fatal, Poison, Retryable, Throttled } from "@sluice/core"

type PgError = Error & { code?: string }

export const classifyPgError = (error: unknown, what: string): Retryable | Throttled | Fatal | Poison => {
  const code = (error as PgError)?.code ?? ""
  const reason = `PostgreSQL ${what}: ${error instanceof Error ? error.message : String(error)}${code ? ` (${code})` : ""}`
  // 53xxx insufficient resources (too many connections, out of memory or disk): slow down.
  if (code.startsWith("53")) return new Throttled({ reason })
  // 22xxx data exception (e.g. \u0000 in jsonb), 54xxx program limit (e.g. a row too large):
  // this item can never be stored.
  if (code.startsWith("22") || code.startsWith("54")) return new Poison({ reason })
  // 28xxx bad credentials, 3D000 no such database, 42xxx missing table or column, bad SQL,
  // no privilege: the sink is misconfigured, and no record is at fault.
  if (code.startsWith("28") || code === "3D000" || code.startsWith("42"))
    return new Fatal({ reason, cause: error })
  // 08xxx connection lost, 40001/40P01 serialization failure or deadlock, 57Pxx shutdown,
  // and errors without a code (ECONNREFUSED, ECONNRESET, timeouts).
  return new Retryable({ reason, cause: error })
}
