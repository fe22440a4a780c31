/**
 * Prototype pollution probe for the hostile tests: Object.prototype must gain nothing, whatever
 * the input. Checked after each test.
 */
import { afterEach, expect } from "vitest"

export const prototypeProblems = (): string[] => {
  const problems: string[] = []
  const keys = Object.getOwnPropertyNames(Object.prototype)
  const extra = keys.filter((key) => !BASELINE.has(key))
  if (extra.length > 0) problems.push(`Object.prototype gained ${extra.join(", ")}`)
  if (({} as Record<string, unknown>).polluted !== undefined) problems.push("{}.polluted is defined")
  return problems
}

const BASELINE = new Set(Object.getOwnPropertyNames(Object.prototype))

/** Registers a check, after each test of the file, that no prototype was polluted. */
export const checkPrototypeAfterEach = () =>
  afterEach(() => {
    expect(prototypeProblems()).toEqual([])
  })
