/**
 * Prometheus text exposition (format 0.0.4) of the pipeline's status: counters per stage and
 * gauges for what is in flight, lag and clients.
 */
import type { PipelineStatus } from "./dashboardSource.ts"

const COUNTERS: ReadonlyArray<[keyof PipelineStatus, string, string]> = [
  ["received", "sluice_messages_received_total", "Messages accepted by the broker after a durable append."],
  ["routed", "sluice_rule_actions_total", "Rule actions dispatched."],
  ["stored", "sluice_readings_stored_total", "Readings written to the table."],
  ["delivered", "sluice_readings_delivered_total", "Readings written to data-lake objects."],
  ["deadLettered", "sluice_dead_letters_total", "Records dead-lettered with a reason."],
]
const GAUGES: ReadonlyArray<[keyof PipelineStatus, string, string]> = [
  ["inFlight", "sluice_in_flight", "Messages accepted but not yet stored."],
  ["lagMs", "sluice_stream_lag_milliseconds", "Age of the oldest unprocessed stream record."],
  ["throughputPerSec", "sluice_throughput_readings_per_second", "Readings stored per second, recent."],
  ["connectedClients", "sluice_mqtt_connected_clients", "MQTT clients connected."],
  ["uptimeMs", "sluice_uptime_milliseconds", "Time since the stack started."],
]

export const renderMetrics = (status: PipelineStatus): string => {
  const lines: string[] = []
  for (const [key, name, help] of COUNTERS)
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${status[key]}`)
  for (const [key, name, help] of GAUGES)
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${status[key]}`)
  return `${lines.join("\n")}\n`
}
