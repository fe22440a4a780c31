/**
 * The publishers of the stack benchmark, run as a child process (bench/stackLoad.ts forks it) so
 * that MQTT.js's own work lands on the other core, not on the event loop under test — as aedes's
 * benchmarks run their sender.js apart from the server.
 *
 * `clients` MQTT.js clients publish QoS 1 hands-on readings to `data/<client id>`, in one of two
 * modes:
 * - closed loop (`rate: 0`): each client keeps `window` publishes in flight and sends the next
 *   as a PUBACK returns (aedes's sender.js, with more clients) — the most the broker accepts;
 * - open loop (`rate` > 0): a 5 ms tick publishes whatever the offered rate owes by now, round
 *   robin over the clients, whether or not earlier ones were acknowledged — so a slow broker
 *   cannot slow the offered load down and hide its own latency (no coordinated omission).
 *
 * Each payload carries `SEQ` (a per-client counter: every reading is its own row) and `SENT_AT`
 * (epoch ms with sub-ms precision: `performance.timeOrigin + performance.now()`, comparable with
 * the parent's clock on the same machine). The child reports PUBACKs counted inside the
 * measured window and publish-to-PUBACK latencies of the readings sent in it.
 *
 * Protocol (IPC): argv[2] is the JSON `PublisherConfig`; the child sends `connected`, then
 * `window` once the warm-up ends (with the window's start), `windowEnd`, then `done` with its
 * counts once the window's PUBACKs are in; it exits when the parent sends `stop` or disconnects.
 */
import mqtt, { type MqttClient } from "mqtt"

export interface PublisherConfig {
  readonly url: string
  readonly clients: number
  /** Closed loop: publishes in flight per client. */
  readonly window: number
  /** Open loop: readings per second over all clients; 0 = closed loop. */
  readonly rate: number
  readonly warmupMs: number
  readonly windowMs: number
}

export type PublisherMessage =
  | { readonly type: "connected" }
  | { readonly type: "window"; readonly startAt: number }
  | { readonly type: "windowEnd" }
  | {
      readonly type: "done"
      readonly startAt: number
      readonly endAt: number
      readonly sent: number
      readonly acked: number
      readonly errors: number
      /** publish-to-PUBACK of the readings sent in the window, ms, sorted. */
      readonly ackLatencies: ReadonlyArray<number>
    }

const now = () => performance.timeOrigin + performance.now()
const TICK_MS = 5

const main = async (config: PublisherConfig) => {
  const send = (message: PublisherMessage) => process.send?.(message)
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: config.clients }, (_, i) =>
      mqtt.connectAsync(config.url, {
        clientId: `bench-${i}`,
        clean: true,
        keepalive: 300,
        reconnectPeriod: 0,
      }),
    ),
  )
  send({ type: "connected" })
  const seq = new Array<number>(clients.length).fill(0)
  let windowStart = Number.POSITIVE_INFINITY
  let windowEnd = Number.POSITIVE_INFINITY
  let sent = 0
  let acked = 0
  let errors = 0
  let stopping = false
  const ackLatencies: number[] = []

  const publish = (c: number, then?: () => void) => {
    const client = clients[c] as MqttClient
    const sentAt = now()
    const n = seq[c] as number
    seq[c] = n + 1
    const payload = `{"DEVICE_NAME":"bench-${c}","TIMESTAMP":"${new Date(sentAt).toISOString().slice(0, 19)}","TEMPERATURE":${15 + (n % 11)},"HUMIDITY":${40 + (n % 21)},"SEQ":${n},"SENT_AT":${sentAt}}`
    const inWindow = sentAt >= windowStart && sentAt < windowEnd
    if (inWindow) sent++
    client.publish(`data/bench-${c}`, payload, { qos: 1 }, (error) => {
      const at = now()
      if (error) errors++
      else {
        if (at >= windowStart && at < windowEnd) acked++
        if (inWindow) ackLatencies.push(at - sentAt)
      }
      if (then && !stopping) then()
    })
  }

  let tick: NodeJS.Timeout | undefined
  if (config.rate > 0) {
    const start = now()
    let issued = 0
    let next = 0
    tick = setInterval(() => {
      const owed = Math.floor(((now() - start) * config.rate) / 1000) - issued
      for (let i = 0; i < owed; i++) {
        publish(next)
        next = (next + 1) % clients.length
      }
      issued += owed
    }, TICK_MS)
  } else {
    // As aedes's sender.js: the next publish of a chain goes out from setImmediate after its PUBACK.
    for (let c = 0; c < clients.length; c++) {
      const chain = () => setImmediate(() => publish(c, chain))
      for (let w = 0; w < config.window; w++) publish(c, chain)
    }
  }
  await new Promise((resolve) => setTimeout(resolve, config.warmupMs))
  windowStart = now()
  windowEnd = windowStart + config.windowMs
  send({ type: "window", startAt: windowStart })
  await new Promise((resolve) => setTimeout(resolve, config.windowMs))
  send({ type: "windowEnd" })
  if (tick) clearInterval(tick)
  stopping = true
  // Stragglers sent in the window still get their PUBACK (bounded wait).
  const deadline = now() + 10_000
  while (ackLatencies.length + errors < sent && now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20))
  ackLatencies.sort((a, b) => a - b)
  send({ type: "done", startAt: windowStart, endAt: windowEnd, sent, acked, errors, ackLatencies })
  const stop = () => {
    for (const client of clients) client.end(true)
    process.exit(0)
  }
  process.on("message", (message) => message === "stop" && stop())
  process.on("disconnect", stop)
}

if (process.send !== undefined) await main(JSON.parse(process.argv[2] ?? "{}") as PublisherConfig)
