// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are IoT substitution templates
/**
 * `${expression}` substitution templates: what they see (the original payload and functions,
 * not SELECT aliases), how values are inserted, escaping, and errors.
 */
import { describe, expect, it } from "vitest"
import { compileTemplate } from "../../src/rules/index.ts"
import { jsonBytes, testContext, utf8 } from "./helpers.ts"

const render = (template: string, payload: unknown, topic = "my/iot/topic"): string => {
  const compiled = compileTemplate(template)
  if (!compiled.ok) throw new Error(compiled.error.message)
  return compiled.template.render(
    { topic, payload: payload instanceof Uint8Array ? payload : jsonBytes(payload) },
    testContext(),
  )
}

describe("substitution templates", () => {
  it("the reference's republish example: ${topic()}/republish", () => {
    expect(render("${topic()}/republish", { deviceid: "iot123", temp: 54.98 })).toBe("my/iot/topic/republish")
  })
  it("the reference's error-action S3 key", () => {
    expect(render("${replace(topic(), '/', '-') + '-' + timestamp() + '-' + newuuid()}", {})).toBe(
      "my-iot-topic-1481825251155-00000000-0000-4000-8000-000000000001",
    )
  })
  it('parse_time in a template: ${parse_time("yyyy", timestamp(), "UTC")}', () => {
    expect(render('${parse_time("yyyy", timestamp(), "UTC")}', {})).toBe("2016")
  })
  it("sees payload fields, several per template", () => {
    expect(
      render("${DEVICE_NAME}/${TIMESTAMP}", { DEVICE_NAME: "dev1", TIMESTAMP: "2026-11-26T10:00:00" }),
    ).toBe("dev1/2026-11-26T10:00:00")
    expect(render("temp=${coords.latitude}", { coords: { latitude: 47.6 } })).toBe("temp=47.6")
  })
  it("inserts Arrays and Objects as JSON, and nothing for Undefined or Null", () => {
    expect(render("${a}|${b}|${missing}|${n}", { a: [1, "x"], b: { k: true }, n: null })).toBe(
      '[1,"x"]|{"k":true}||',
    )
  })
  it("ends an expression at the brace that closes it, not one inside a literal or string", () => {
    expect(render("${get({'k': '}'}, 'k')}!", {})).toBe("}!")
  })
  it("$$ is a literal dollar; a lone $ is text", () => {
    expect(render("$$aws/things/${topic(3)}/shadow/update", {}, "a/b/thing1")).toBe(
      "$aws/things/thing1/shadow/update",
    )
    expect(render("cost $5", {})).toBe("cost $5")
  })
  it("without ${ the text is constant", () => {
    const compiled = compileTemplate("telemetry")
    expect(compiled.ok && compiled.template.isConstant).toBe(true)
  })
  it("on a binary payload, fields are empty and functions still work", () => {
    expect(render("${device_id}-${topic(1)}", new Uint8Array([0xff, 0xfe]))).toBe("-my")
  })
  it("reports syntax errors with positions inside the template", () => {
    expect(compileTemplate("a-${topic(}")).toMatchObject({
      ok: false,
      error: { line: 1, column: 11, message: "expected an expression, found '}'" },
    })
    expect(compileTemplate("a-${topic()")).toMatchObject({ ok: false, error: { column: 3 } })
    expect(compileTemplate("${}")).toMatchObject({ ok: false, error: { message: /between the braces/ } })
    expect(compileTemplate("${nope(1)}")).toMatchObject({
      ok: false,
      error: { message: "unknown function 'nope'" },
    })
  })
  it("uses the rule's SQL version", () => {
    const v1 = compileTemplate("${v / 4}", { sqlVersion: "2015-10-08" })
    const v2 = compileTemplate("${v / 4}", { sqlVersion: "2016-03-23" })
    const message = { topic: "t", payload: utf8('{"v": 10.0}') }
    expect(v1.ok && v1.template.render(message, testContext())).toBe("2.5")
    expect(v2.ok && v2.template.render(message, testContext())).toBe("2")
  })
})
