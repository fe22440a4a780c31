/**
 * Items survive the trip to attribute values and back exactly — including what DynamoDB cannot
 * hold natively (out-of-range numbers, -0, `__proto__` keys, our own attribute names) — and
 * fields that fit are stored as native attributes, queryable as in the hands-on's table.
 */
import type { Json, JsonObject } from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeItem, encodeItem, JSON_ATTRIBUTE } from "../../src/dynamodb/index.ts"

const jsonObject = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom("__proto__", JSON_ATTRIBUTE, "expiresAt", "deviceId")),
  fc.jsonValue() as fc.Arbitrary<Json>,
  { maxKeys: 6 },
) as fc.Arbitrary<JsonObject>

describe("attribute values", () => {
  it("decode(encode(item)) equals the item, for any JSON object (property)", () =>
    checkProperty(
      fc.property(jsonObject, (item) => {
        const reserved = new Set(["expiresAt"])
        const decoded = decodeItem(encodeItem(item, reserved), reserved)
        expect(decoded).toStrictEqual(JSON.parse(JSON.stringify(item)))
        for (const key of Object.keys(item)) expect(Object.hasOwn(decoded, key)).toBe(true)
      }),
      200,
    ))

  it("stores fields natively where DynamoDB can, and only the rest as JSON", () => {
    const item = JSON.parse(
      '{"deviceId":"d","ts":"t","TEMPERATURE":21.5,"ok":[1,"a",null,true,{"x":1e125}],"big":1e300,"tiny":1e-200,"negZero":-0,"__proto__":"data","nested":{"__proto__":1}}',
    )
    const encoded = encodeItem(item)
    expect(encoded.TEMPERATURE).toEqual({ N: "21.5" })
    expect(encoded.ok).toEqual({
      L: [{ N: "1" }, { S: "a" }, { NULL: true }, { BOOL: true }, { M: { x: { N: "1e+125" } } }],
    })
    expect(encoded.negZero).toEqual({ N: "0" }) // -0 reads back as 0, as through JSON
    expect(Object.keys(encoded).sort()).toEqual([
      "TEMPERATURE",
      "deviceId",
      "negZero",
      "ok",
      JSON_ATTRIBUTE,
      "ts",
    ])
    expect(JSON.parse(encoded[JSON_ATTRIBUTE]?.S ?? "{}")).toStrictEqual(
      JSON.parse('{"big":1e300,"tiny":1e-200,"__proto__":"data","nested":{"__proto__":1}}'),
    )
    expect(decodeItem(encoded)).toStrictEqual(JSON.parse(JSON.stringify(item)))
  })

  it("reads attribute types others may have written: sets, binary", () => {
    expect(
      decodeItem({
        ss: { SS: ["a", "b"] },
        ns: { NS: ["1", "2.5"] },
        b: { B: Uint8Array.of(1, 2, 3) },
      }),
    ).toEqual({ ss: ["a", "b"], ns: [1, 2.5], b: "AQID" })
  })
})
