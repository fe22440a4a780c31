/**
 * @sluice/device — the hands-on device simulator as a library: one device (`startDevice`) or a
 * fleet (`startFleet`), over MQTT.js or AWS IoT Core, with seeded sensor models, the shadow
 * `wait_time` protocol and a bounded offline queue. `sluice sim` is its command line.
 */
export { type Clock, type ManualClock, manualClock, systemClock, type Timer } from "./clock.ts"
export { ConnectGate } from "./connectGate.ts"
export {
  DEFAULT_QUEUE_LIMIT,
  type Device,
  type DeviceEvent,
  type DeviceOptions,
  startDevice,
} from "./device.ts"
export type { DeviceStats } from "./deviceStats.ts"
export { type Fleet, startFleet, transportFromOptions } from "./fleet.ts"
export {
  DEFAULT_BROKER,
  DEFAULT_MAX_CONNECTING,
  DEFAULT_NAME_PREFIX,
  type FleetOptions,
  fleetOptionProblems,
  InvalidFleetOptions,
  MAX_DEVICES,
  type ModelChoice,
} from "./fleetOptions.ts"
export type { ErrorCount, FleetStats } from "./fleetStats.ts"
export { makeSensor, type Sensor, type SensorValues } from "./models/sensor.ts"
export {
  type BaseModel,
  formatModel,
  HANDS_ON_MODEL,
  InvalidModel,
  type ModelSpec,
  parseModel,
} from "./models/spec.ts"
export { OfflineQueue } from "./offlineQueue.ts"
export { type Random, randomSeed, seededRandom } from "./random.ts"
export {
  type DeviceReading,
  dataTopic,
  encodeReading,
  HANDS_ON_HUMIDITY,
  HANDS_ON_TEMPERATURE,
} from "./reading.ts"
export { Scheduler } from "./scheduler.ts"
export {
  onDelta,
  onGetAccepted,
  onGetRejected,
  reportedWaitTime,
  SHADOW_DEFAULT_WAIT_TIME_S,
  SHADOW_MAX_WAIT_TIME_S,
  type ShadowAction,
  type ShadowTopics,
  shadowTopics,
} from "./shadow.ts"
export { assertThingName, fleetDeviceNames, InvalidDeviceName, thingNameProblem } from "./thingName.ts"
export { formatDeviceTimestamp } from "./timestamp.ts"
export { AWS_IOT_MQTT_PORT, type AwsIotOptions, awsIotTransport, parseEndpoint } from "./transport/awsIot.ts"
export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./transport/backoff.ts"
export {
  CertificateError,
  type CertificateFiles,
  type CertificateOptions,
  checkCertificateFiles,
  resolveCertificateFiles,
} from "./transport/certificates.ts"
export { brokerUrlProblem, type MqttJsOptions, mqttJsTransport } from "./transport/mqttJs.ts"
export {
  type ConnectInfo,
  type ConnectionEvents,
  HANDS_ON_KEEPALIVE_S,
  type Transport,
  type TransportFactory,
} from "./transport/transport.ts"
