export {
  type DeadLettersLike,
  deadLettersServiceOf,
  type PlainDeadLetters,
  plainDeadLettersOf,
} from "./plainDeadLetters.ts"
export { type PlainTable, plainTableOf, type TableLike, tableServiceOf } from "./plainTable.ts"
