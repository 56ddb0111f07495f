// One element edited in a 10,000-element document: incremental update against recomputing
// everything, and against the document-level strategy of LlamaIndex's IngestionPipeline and
// LangChain's indexing API (hash the whole document; if it changed, re-extract all of it).
import { loadavg } from 'node:os'
import { type BenchTaskResult, bench, formatBench, formatRatios } from '@mx/profiler/bench'
import { tempDir } from '@mx/testkit'
import {
  canonicalJson,
  createTracker,
  type DocumentContext,
  fsStore,
  hashValue,
  mapReduce,
  memoryStore,
  type UpdateSpec,
  type VersionStore,
} from '../src/index'
import { type Block, extract, makeDocument } from './documents'

type Meta = ReturnType<typeof extract>
const SIZE = 10_000
/** Rounds, each running every strategy in turn for its share of the samples. */
const ROUNDS = 4
/** Updates per round at most (the incremental strategies), and at least (the baselines). */
const EDITS = 12
const BASELINE_ROUNDS = 3

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
/** The same three values as `mapReduce` folds: an edit re-maps only its chunk. */
const chunkedSpec: UpdateSpec<Block, Meta> = {
  element: extract,
  derived: {
    outline: mapReduce<Block, Meta, string[]>({
      map: (el) => (el.type === 'heading' ? [el.text] : []),
      reduce: (lists) => lists.flat(),
    }),
    words: mapReduce<Block, Meta, number>({
      map: (_el, r) => r.words,
      reduce: (counts) => counts.reduce((sum, n) => sum + n, 0),
    }),
    links: mapReduce<Block, Meta, string[]>({
      map: (_el, r) => r.urls,
      reduce: (lists) => [...new Set(lists.flat())],
    }),
  },
}

/** What a from-scratch run computes: every element's metadata and every document value. */
function recomputeAll(doc: Block[]) {
  const results = doc.map((el) => ({ id: el.id, result: extract(el) }))
  const outline = doc.filter((el) => el.type === 'heading').map((el) => el.text)
  const words = results.reduce((sum, r) => sum + r.result.words, 0)
  const links = [...new Set(results.flatMap((r) => r.result.urls))]
  return { results, outline, words, links }
}

function edited(doc: Block[], round: number, freeze = false): Block[] {
  const next = doc.slice()
  const at = (round * 7919) % SIZE
  const old = next[at] as Block
  const block = { ...old, text: `${old.text} edit ${round}` }
  next[at] = freeze ? Object.freeze(block) : block
  return next
}

/** One new paragraph inserted (the ids after it shift by one position). */
function inserted(doc: Block[], round: number): Block[] {
  const next = doc.slice()
  const at = (round * 7919) % SIZE
  const old = next[at] as Block
  next.splice(at, 0, { ...old, id: `inserted-${round}`, text: `new paragraph ${round}` })
  return next
}

/** An Immer-style caller's document: every element (and its `meta`) frozen. */
function frozen(doc: Block[]): Block[] {
  for (const block of doc) Object.freeze(Object.freeze(block).meta)
  return doc
}

interface Strategy {
  label: string
  /** Runs edit `round` and returns how many values it recomputed. */
  step: (round: number) => Promise<number>
  recomputed: number
}

/**
 * `caller`: how the caller edits. `mutable`: plain objects (the tracker must read every element
 * to notice in-place edits); `frozen`: Immer style, unchanged elements keep their identity and
 * every element is frozen (same default options, nothing promised); `immutable`: plain objects,
 * and the tracker is told `immutableElements: true`.
 */
async function incremental(
  label: string,
  store: VersionStore,
  caller: 'mutable' | 'frozen' | 'immutable',
  edit: 'modify' | 'insert' = 'modify',
  update: UpdateSpec<Block, Meta> = spec,
): Promise<Strategy> {
  const tracker = createTracker({
    store,
    ignoreFields: ['meta.modifiedAt'],
    immutableElements: caller === 'immutable',
  })
  let doc = caller === 'frozen' ? frozen(makeDocument(SIZE)) : makeDocument(SIZE)
  const first = await tracker.update('doc', doc, update)
  const expected = recomputeAll(doc)
  const { outline, words, links } = first.value.derived
  if (
    JSON.stringify([outline, words, links]) !==
    JSON.stringify([expected.outline, expected.words, expected.links])
  ) {
    throw new Error(`${label}: derived values differ from a from-scratch run`)
  }
  return {
    label,
    recomputed: 0,
    async step(round) {
      doc = edit === 'insert' ? inserted(doc, round) : edited(doc, round, caller === 'frozen')
      return (await tracker.update('doc', doc, update)).counts.recomputed
    },
  }
}

function baseline(label: string, run: (round: number) => void): Strategy {
  return {
    label,
    recomputed: 0,
    async step(round) {
      run(round)
      return SIZE + 3
    },
  }
}

const base = makeDocument(SIZE)
let lastDocHash = ''
const dir = tempDir('mx-incremental-bench-')
const strategies: Strategy[] = [
  baseline('recompute everything (no change detection)', (round) => {
    recomputeAll(edited(base, round))
  }),
  baseline('document-level (LlamaIndex/LangChain style)', (round) => {
    const doc = edited(base, round)
    const hash = hashValue(doc.map((el) => canonicalJson(el)))
    if (hash !== lastDocHash) recomputeAll(doc)
    lastDocHash = hash
  }),
  await incremental('@mx/incremental, memoryStore', memoryStore(), 'mutable'),
  await incremental('@mx/incremental, memoryStore, frozen elements', memoryStore(), 'frozen'),
  await incremental('@mx/incremental, memoryStore, immutableElements', memoryStore(), 'immutable'),
  await incremental(
    '@mx/incremental, memoryStore, mapReduce derived',
    memoryStore(),
    'mutable',
    'modify',
    chunkedSpec,
  ),
  await incremental(
    '@mx/incremental, memoryStore, one element inserted',
    memoryStore(),
    'mutable',
    'insert',
  ),
  await incremental('@mx/incremental, fsStore (fsync)', fsStore({ dir: dir.path }), 'mutable'),
  await incremental(
    '@mx/incremental, fsStore (fsync), immutableElements',
    fsStore({ dir: `${dir.path}/second` }),
    'immutable',
  ),
]
// Rounds alternate the strategies so load from other processes spreads over all of them, while
// each runs a block of updates in a row, paying for its own garbage collection only. Each is
// warmed up first (JIT) for at least 400 ms: 3 runs or more of a baseline. Each round a
// baseline runs 3 times, an incremental strategy up to 12 updates (50 ms of them at least).
let round = 0
const result = await bench(
  strategies.map(
    (strategy) =>
      [
        strategy.label,
        async () => {
          strategy.recomputed = await strategy.step(++round)
        },
      ] as const,
  ),
  {
    rounds: ROUNDS,
    minSamples: ROUNDS * BASELINE_ROUNDS,
    maxSamples: ROUNDS * EDITS,
    timeMs: ROUNDS * 50,
    warmupMs: 400,
    recordCpu: true,
  },
)
dir.remove()
const tasks = result.tasks
const cpuOf = ({ name, cpuSamples = [] }: BenchTaskResult) => ({ name, samples: cpuSamples })
const full = tasks[0] as BenchTaskResult
const documentLevel = tasks[1] as BenchTaskResult

console.log(
  `${SIZE} elements, one edited (or, where the row says so, inserted) per update; ${ROUNDS} alternating rounds after a warm-up; load average ${loadavg()[0]?.toFixed(1)} on 2 cores\n`,
)
console.log(formatBench(result))
// Checked: each strategy recomputes what it should, and no more.
for (const [index, { label, recomputed }] of strategies.entries()) {
  const expected = index < 2 ? SIZE + 3 : 4
  if (recomputed !== expected)
    throw new Error(`${label}: recomputed ${recomputed}, not ${expected}`)
}
console.log(
  `\nrecomputed per update: ${SIZE + 3} by the two baselines, 4 by every incremental strategy`,
)
console.log('\nagainst recomputing everything, wall time:')
console.log(formatRatios(tasks.slice(1).map((task) => ({ ours: task, peer: full }))))
console.log(
  '\nagainst recomputing everything, CPU time (less sensitive than wall time to the load):',
)
console.log(formatRatios(tasks.slice(1).map((task) => ({ ours: cpuOf(task), peer: cpuOf(full) }))))
console.log('\nagainst the document-level strategy (wall time):')
console.log(formatRatios(tasks.slice(2, 5).map((task) => ({ ours: task, peer: documentLevel }))))
