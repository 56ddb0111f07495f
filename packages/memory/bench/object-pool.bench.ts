import { strictEqual } from 'node:assert'
import { bench, formatBench, formatRatios } from '@mx/profiler/bench'
import { createObjectPool } from '../src/index'

// Object pool acquire + release against allocating a fresh scratch object each time.
const OPS = 20_000_000
const makeScratch = () => ({ tokens: 0, hash: 0, flags: 0 })
let sink = 0

const pool = createObjectPool({
  create: makeScratch,
  reset: (scratch) => {
    scratch.tokens = 0
  },
  max: 64,
})

const BUFFER_OPS = 2_000_000
const buffers = createObjectPool({ create: () => new Float64Array(512), max: 16 })

const small = [
  [
    'createObjectPool acquire()+release()',
    () => {
      for (let i = 0; i < OPS; i++) {
        const scratch = pool.acquire()
        scratch.tokens += i
        sink += scratch.tokens
        pool.release(scratch)
      }
    },
  ],
  [
    'createObjectPool use()',
    () => {
      for (let i = 0; i < OPS; i++) {
        sink += pool.use((scratch) => {
          scratch.tokens += i
          return scratch.tokens
        })
      }
    },
  ],
  [
    'new small object each time (no pool)',
    () => {
      for (let i = 0; i < OPS; i++) {
        const scratch = makeScratch()
        scratch.tokens += i
        sink += scratch.tokens
      }
    },
  ],
] as const
const arrays = [
  [
    'pooled 4 KiB Float64Array acquire()+release()',
    () => {
      for (let i = 0; i < BUFFER_OPS; i++) {
        const buffer = buffers.acquire()
        buffer[i & 511] = i
        sink += buffer[(i * 7) & 511] as number
        buffers.release(buffer)
      }
    },
  ],
  [
    'new 4 KiB Float64Array each time (no pool)',
    () => {
      for (let i = 0; i < BUFFER_OPS; i++) {
        const buffer = new Float64Array(512)
        buffer[i & 511] = i
        sink += buffer[(i * 7) & 511] as number
      }
    },
  ],
] as const

// Each call runs the whole loop once: one warm-up call, then 5 timed calls, one case after the
// other; every figure is the median of its 5.
const options = { minSamples: 5, maxSamples: 5, timeMs: 0, warmupMs: 0 }
console.log('\n## object pool: acquire + release (small objects: 20 M ops; 4 KiB arrays: 2 M ops)')
const smallRun = await bench(small, { ...options, opsPerCall: OPS })
const arraysRun = await bench(arrays, { ...options, opsPerCall: BUFFER_OPS })
console.log(formatBench(smallRun))
console.log(formatBench(arraysRun))
const [acquired, used, allocated] = smallRun.tasks
const [pooledArray, newArray] = arraysRun.tasks
console.log(
  formatRatios([
    { ours: acquired, peer: allocated },
    { ours: used, peer: allocated },
    { ours: pooledArray, peer: newArray },
  ]),
)
// The pools hand back reset objects and the arrays they were given.
const scratch = pool.acquire()
strictEqual(scratch.tokens, 0)
pool.release(scratch)
strictEqual(buffers.acquire().length, 512)
if (sink === 42) console.log('')
