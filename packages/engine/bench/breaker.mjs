// Circuit breaker bench: 10 000 documents against an extractor that always fails (inline, level
// basic, no cache, no retries), breaker off vs on, side by side in this process. The extractor
// does about a millisecond of parsing before it throws, like a parser that gets far into a
// document or a dependency that times out: the breaker's worth is the work it no longer starts.
// With the breaker, the first documents fail for real until 5 have (a few more were admitted
// while those were in flight) and the breaker opens (its 60 s cool-down outlasts the run); the
// rest fail fast with MX_ENGINE_CIRCUIT_OPEN.
// Run with `pnpm bench` from this package (builds first), or `node bench/breaker.mjs` after a build.
import { createHash } from 'node:crypto'
import { loadavg } from 'node:os'
import { createEngine } from '@mx/engine'
import { bench, formatBench, formatRatios } from '@mx/profiler/bench'

const DOCUMENTS = Number(process.env.DOCUMENTS ?? 10_000)
/** sha-256 rounds of the content before the parser gives up (about 1 ms on the bench machine). */
const WORK = Number(process.env.WORK ?? 1000)
const MAX_IN_FLIGHT = 64

const failing = {
  name: 'always-failing',
  version: '1',
  parse(doc) {
    let digest = String(doc.content)
    for (let i = 0; i < WORK; i++) digest = createHash('sha256').update(digest).digest('hex')
    throw Object.assign(new Error(`cannot parse ${doc.id} (${digest.slice(0, 8)})`), {
      code: 'BENCH_UNPARSABLE',
    })
  },
  element: () => ({}),
  document: () => ({}),
}

function* documents(count) {
  for (let i = 0; i < count; i++)
    yield { id: `doc-${i}`, content: `# Document ${i}\n\nSome words that never parse.` }
}

/** One run: its results by error code, and the engine's resilience report. */
async function run(breaker, count) {
  const engine = createEngine({ extractor: failing, level: 'basic', retry: false, breaker })
  const codes = {}
  try {
    for await (const result of engine.extractMany(documents(count), {
      maxInFlight: MAX_IN_FLIGHT,
    })) {
      const code = result.ok ? 'ok' : result.error.code
      codes[code] = (codes[code] ?? 0) + 1
    }
    return { codes, report: engine.report().resilience }
  } finally {
    await engine.close()
  }
}

function check(name, actual, expected) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${name}: expected ${e}, got ${a}`)
}

console.log(
  `breaker bench: node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${DOCUMENTS} documents, ${WORK} sha-256 rounds per failing parse`,
)
// Timed by the shared harness, wall time, one run each after a warm-up run; the warm-up run is
// a short one (200 documents, the harness's first call), so neither path pays for compilation.
const last = {}
const task = (name, breaker) => {
  let calls = 0
  return async () => {
    last[name] = await run(breaker, calls++ === 0 ? 200 : DOCUMENTS)
  }
}
const result = await bench(
  [
    ['breaker off', task('off', false)],
    ['breaker on', task('on', { failures: 5, coolDown: 60_000 })],
  ],
  { minSamples: 1, maxSamples: 1, timeMs: 0, warmupMs: 0, opsPerCall: DOCUMENTS },
)
const { off, on } = last
check('breaker off', off.codes, { MX_ENGINE_PARSE: DOCUMENTS })
// Documents already admitted when the fifth failure lands still run: at most maxInFlight more.
const real = on.codes.MX_ENGINE_PARSE
if (!(real >= 5 && real <= 5 + MAX_IN_FLIGHT)) throw new Error(`breaker on: ${real} real failures`)
check('breaker on', on.codes, { MX_ENGINE_PARSE: real, MX_ENGINE_CIRCUIT_OPEN: DOCUMENTS - real })
check('breaker on, report', on.report.breakers, [
  { extractor: 'always-failing', state: 'open', opened: 1, rejected: DOCUMENTS - real },
])
console.log(`always-failing extractor, ${DOCUMENTS} docs (per document):`)
console.log(formatBench(result))
const [offRun, onRun] = result.tasks
console.log(formatRatios([{ ours: onRun, peer: offRun }]))
const ratio = onRun.stats.median / offRun.stats.median
console.log(
  `breaker on takes ${(ratio * 100).toFixed(2)} % of the time of breaker off (target < 1 %)${ratio < 0.01 ? '' : ': TARGET NOT MET'}`,
)
