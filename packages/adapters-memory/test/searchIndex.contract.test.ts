import { searchIndexSuite } from "../src/contract/index.ts"
import { MemorySearchIndex } from "../src/index.ts"

searchIndexSuite("memory", () => MemorySearchIndex.layer())
