/**
 * Date-time patterns as Joda-Time and java.time write them: runs of one letter are fields
 * (`yyyy`, `MM`), text in single quotes is literal (`'at'`, `''` is a quote), and every other
 * character stands for itself. Both `parse_time` (Joda) and `time_to_epoch` (java.time) read
 * patterns through this tokenizer; each then decides which letters it knows.
 */

export type PatternToken =
  | { readonly kind: "field"; readonly letter: string; readonly count: number }
  | { readonly kind: "text"; readonly text: string }

const isLetter = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")

/** The tokens of a pattern, or undefined when a quote is left open. */
export const tokenizePattern = (pattern: string): PatternToken[] | undefined => {
  const tokens: PatternToken[] = []
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i] as string
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: "text", text: "'" })
        i += 2
        continue
      }
      let text = ""
      let j = i + 1
      for (;;) {
        if (j >= pattern.length) return undefined
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'"
            j += 2
            continue
          }
          break
        }
        text += pattern[j]
        j++
      }
      tokens.push({ kind: "text", text })
      i = j + 1
    } else if (isLetter(c)) {
      let j = i
      while (pattern[j] === c) j++
      tokens.push({ kind: "field", letter: c, count: j - i })
      i = j
    } else {
      tokens.push({ kind: "text", text: c })
      i++
    }
  }
  return tokens
}

export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
]
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
