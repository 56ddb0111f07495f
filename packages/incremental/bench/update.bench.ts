// One element edited in a 10,000-element document: incremental update against recomputing
// everything, and against the document-level strategy of LlamaIndex's IngestionPipeline and
// LangChain's indexing API (hash the whole document; if it changed, re-extract all of it).
import { loadavg } from 'node:os'
import { tempDir } from '@mx/testkit'
import {
  canonicalJson,
  createTracker,
  type DocumentContext,
  fsStore,
  hashValue,
  memoryStore,
  type UpdateSpec,
  type VersionStore,
} from '../src/index'
import { type Block, extract, fmt, makeDocument, percentile } from './util'

type Meta = ReturnType<typeof extract>
const SIZE = 10_000
const EDITS = 100
const WARMUP = 10

const derived = {
  outline: (ctx: DocumentContext<Block, Meta>) =>
    ctx
      .elements()
      .filter((el) => el.type === 'heading')
      .map((el) => el.text),
  words: (ctx: DocumentContext<Block, Meta>) =>
    ctx.results().reduce((sum, r) => sum + r.result.words, 0),
  links: (ctx: DocumentContext<Block, Meta>) => [
    ...new Set(ctx.results().flatMap((r) => r.result.urls)),
  ],
}
const spec: UpdateSpec<Block, Meta> = { element: extract, derived }

/** What a from-scratch run computes: every element's metadata and every document value. */
function recomputeAll(doc: Block[]) {
  const results = doc.map((el) => ({ id: el.id, result: extract(el) }))
  const outline = doc.filter((el) => el.type === 'heading').map((el) => el.text)
  const words = results.reduce((sum, r) => sum + r.result.words, 0)
  const links = [...new Set(results.flatMap((r) => r.result.urls))]
  return { results, outline, words, links }
}

function edited(doc: Block[], round: number): Block[] {
  const next = doc.slice()
  const at = (round * 7919) % SIZE
  const old = next[at] as Block
  next[at] = { ...old, text: `${old.text} edit ${round}` }
  return next
}

async function incremental(label: string, store: VersionStore, immutableElements: boolean) {
  const tracker = createTracker({ store, ignoreFields: ['meta.modifiedAt'], immutableElements })
  let doc = makeDocument(SIZE)
  await tracker.update('doc', doc, spec)
  const samples: number[] = []
  let recomputed = 0
  // untimed warm-up edits first (JIT), like the baselines' untimed first run
  for (let round = 1; round <= WARMUP + EDITS; round++) {
    doc = edited(doc, round)
    const start = performance.now()
    const r = await tracker.update('doc', doc, spec)
    if (round > WARMUP) samples.push(performance.now() - start)
    recomputed = r.counts.recomputed
  }
  return { label, p50: percentile(samples, 50), p90: percentile(samples, 90), recomputed }
}

function timed(label: string, run: (round: number) => void, rounds = 10) {
  run(0)
  const samples: number[] = []
  for (let round = 1; round <= rounds; round++) {
    const start = performance.now()
    run(round)
    samples.push(performance.now() - start)
  }
  return { label, p50: percentile(samples, 50), p90: percentile(samples, 90), recomputed: SIZE + 3 }
}

const base = makeDocument(SIZE)
const full = timed('recompute everything (no change detection)', (round) => {
  recomputeAll(edited(base, round))
})
let lastDocHash = ''
const documentLevel = timed('document-level (LlamaIndex/LangChain style)', (round) => {
  const doc = edited(base, round)
  const hash = hashValue(doc.map((el) => canonicalJson(el)))
  if (hash !== lastDocHash) recomputeAll(doc)
  lastDocHash = hash
})
const memory = await incremental('@mx/incremental, memoryStore', memoryStore(), false)
const memoryImmutable = await incremental(
  '@mx/incremental, memoryStore, immutableElements',
  memoryStore(),
  true,
)
const dir = tempDir('mx-incremental-bench-')
const disk = await incremental(
  '@mx/incremental, fsStore (fsync)',
  fsStore({ dir: dir.path }),
  false,
)
const diskImmutable = await incremental(
  '@mx/incremental, fsStore (fsync), immutableElements',
  fsStore({ dir: `${dir.path}/second` }),
  true,
)
dir.remove()

console.log(
  `${SIZE} elements, one edited per update; p50/p90 of ${EDITS} updates after ${WARMUP} warm-up ones (baselines: 10 runs after 1); load average ${loadavg()[0]?.toFixed(1)} on 2 cores\n`,
)
console.log(
  `${'strategy'.padEnd(52)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'recomputed'.padStart(10)} ${'vs full'.padStart(9)}`,
)
for (const row of [full, documentLevel, memory, memoryImmutable, disk, diskImmutable]) {
  const ratio = full.p50 / row.p50
  console.log(
    `${row.label.padEnd(52)} ${fmt(row.p50).padStart(8)} ${fmt(row.p90).padStart(8)} ${String(row.recomputed).padStart(10)} ${`${ratio.toFixed(1)}x`.padStart(9)}`,
  )
}
console.log(
  `\ndocument-level / incremental (memoryStore): ${(documentLevel.p50 / memory.p50).toFixed(1)}x;` +
    ` with immutableElements: ${(documentLevel.p50 / memoryImmutable.p50).toFixed(1)}x`,
)
