/**
 * Limits of the device-facing side of the pipeline.
 */

/**
 * AWS IoT Core rejects a publish whose payload exceeds 128 KiB.
 * Source: AWS IoT Core endpoints and quotas, "Maximum MQTT message size" (128 KB).
 */
export const IOT_CORE_MAX_PAYLOAD_BYTES = 128 * 1024

/**
 * AWS IoT thing names: 1–128 characters of `[a-zA-Z0-9:_-]`.
 * Source: AWS IoT API reference, CreateThing `thingName` pattern.
 * We hold device names to it because a device name becomes a table key, a partition key, an
 * object-key segment and a path segment: this alphabet is safe in all of them (no `/`, no `.`).
 */
export const DEVICE_NAME_PATTERN = /^[a-zA-Z0-9:_-]{1,128}$/

/** The field that carries a device's own sequence number when it sends one. */
export const SEQUENCE_FIELD = "SEQ"
