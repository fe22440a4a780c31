/**
 * Appends gathered per turn of the event loop: every rule action delivery bound for one stream
 * during a turn goes out in one `putRecords` call (split at Kinesis's 500 entries and 5 MiB),
 * instead of one call per delivery.
 *
 *     turn:  msg 1 ─ kinesis, firehose, search ─┐
 *            msg 2 ─ kinesis, firehose, search ─┼─ setImmediate ─▶ putRecords(telemetry, [1, 2, 3])
 *            msg 3 ─ kinesis, firehose, search ─┘                  putRecords(firehose-…, [1, 2, 3]) …
 *
 * Why: at thousands of messages a second a call per delivery costs three calls, three entry
 * arrays and a handful of promises per message; the stream log groups the writes anyway (group
 * commit), so all this buys is fewer objects for the garbage collector. The PUBACK still waits
 * for the message's own entries to be durable; the wait grows by at most one turn.
 *
 * Order: entries enter a batch in call order, a full batch is handed to `putRecords` at once
 * (whose appends queue synchronously), and batches of one stream go out in order — so a
 * device's messages reach each stream in the order they were published, as before.
 */
import type { PutEntryResult, StreamEntry } from "@sluice/core"

/** An append to a durable stream, resolving per entry. */
export type Append = (entries: ReadonlyArray<StreamEntry>) => Promise<ReadonlyArray<PutEntryResult>>

/** Told the outcome of one entry: its result, or the error of the whole call. */
export interface EntryOwner {
  entryDone(result: PutEntryResult | undefined, error?: unknown): void
}

/** PutRecords limits (Kinesis API reference): 500 entries, 5 MiB of keys and data per call. */
const MAX_ENTRIES = 500
const MAX_BYTES = 5 * 1024 * 1024

class Batch {
  entries: StreamEntry[] = []
  owners: EntryOwner[] = []
  bytes = 0
}

class StreamBatcher {
  private batch = new Batch()

  constructor(
    private readonly append: Append,
    private readonly scheduled: Set<StreamBatcher>,
    private readonly schedule: () => void,
  ) {}

  add(entry: StreamEntry, owner: EntryOwner): void {
    // A partition key's UTF-8 is at most 3 bytes per UTF-16 unit: an upper bound without encoding.
    const bytes = entry.partitionKey.length * 3 + entry.data.length
    if (
      this.batch.entries.length > 0 &&
      (this.batch.entries.length >= MAX_ENTRIES || this.batch.bytes + bytes > MAX_BYTES)
    )
      this.flush()
    this.batch.entries.push(entry)
    this.batch.owners.push(owner)
    this.batch.bytes += bytes
    if (!this.scheduled.has(this)) {
      this.scheduled.add(this)
      this.schedule()
    }
  }

  flush(): void {
    const batch = this.batch
    if (batch.entries.length === 0) return
    this.batch = new Batch()
    let call: Promise<ReadonlyArray<PutEntryResult>>
    try {
      call = this.append(batch.entries)
    } catch (error) {
      call = Promise.reject(error)
    }
    call.then(
      (results) => {
        for (let i = 0; i < batch.owners.length; i++) (batch.owners[i] as EntryOwner).entryDone(results[i])
      },
      (error: unknown) => {
        for (const owner of batch.owners) owner.entryDone(undefined, error)
      },
    )
  }
}

/** One batcher per append function, flushed together once per turn. */
export const appendBatches = () => {
  const batchers = new Map<Append, StreamBatcher>()
  const scheduled = new Set<StreamBatcher>()
  let pending = false
  const flushAll = () => {
    pending = false
    const due = [...scheduled]
    scheduled.clear()
    for (const batcher of due) batcher.flush()
  }
  const schedule = () => {
    if (pending) return
    pending = true
    setImmediate(flushAll)
  }
  return {
    /** Queues one entry for `append`; its owner is told the outcome once the batch's call settles. */
    add: (append: Append, entry: StreamEntry, owner: EntryOwner): void => {
      let batcher = batchers.get(append)
      if (batcher === undefined) {
        batcher = new StreamBatcher(append, scheduled, schedule)
        batchers.set(append, batcher)
      }
      batcher.add(entry, owner)
    },
  }
}
