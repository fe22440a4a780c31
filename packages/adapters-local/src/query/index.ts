export { type CompactionResult, compactLake } from "./compactLake.ts"
export { type LakeFile, listLakeFiles, PARQUET_EXTENSION } from "./lakeFiles.ts"
export { type Lake, LakeQueryError, type LakeQueryResult, openLake } from "./lakeQuery.ts"
export { createLakeView, KNOWN_COLUMNS, VIEW_NAME, type ViewPlan } from "./lakeView.ts"
