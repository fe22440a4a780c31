export { classifyPgError } from "./postgresErrors.ts"
export {
  createTables,
  type PostgresTableOptions,
  postgresTable,
  type Queryable,
  quoteName,
} from "./postgresTable.ts"
