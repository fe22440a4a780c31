/**
 * A test's own MQTT client on the broker: subscribes (QoS 1) to what devices publish and
 * records every message with the QoS it arrived at — with a QoS 1 subscription a message
 * arrives at QoS 1 only if it was published at QoS 1. It can also play the cloud side of the
 * shadow (publish get answers and deltas). Persistent session, so across a broker restart
 * with persistence nothing addressed to it is lost.
 */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt"

export interface Observed {
  readonly topic: string
  readonly payload: string
  readonly qos: number
}

export interface Observer {
  readonly messages: Observed[]
  /** Messages on topics starting with `prefix`. */
  readonly on: (prefix: string) => Observed[]
  /** Messages on exactly `topic`. */
  readonly at: (topic: string) => Observed[]
  readonly publish: (topic: string, payload: string) => Promise<void>
  readonly close: () => Promise<void>
  readonly client: MqttClient
}

export const observe = async (
  url: string,
  topics: ReadonlyArray<string> = ["data/#", "$aws/things/+/shadow/#"],
  options: IClientOptions = {},
): Promise<Observer> => {
  const client = await mqtt.connectAsync(url, {
    clientId: `observer-${Math.random().toString(36).slice(2)}`,
    clean: false,
    reconnectPeriod: 100,
    ...options,
  })
  const messages: Observed[] = []
  client.on("message", (topic, payload, packet) =>
    messages.push({ topic, payload: payload.toString(), qos: packet.qos }),
  )
  await client.subscribeAsync([...topics], { qos: 1 })
  return {
    messages,
    client,
    on: (prefix) => messages.filter((m) => m.topic.startsWith(prefix)),
    at: (topic) => messages.filter((m) => m.topic === topic),
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1 })
    },
    close: () => client.endAsync(true),
  }
}
