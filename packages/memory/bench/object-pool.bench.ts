import { createObjectPool } from '../src/index'
import { formatRate, opsPerSecond, printTable } from './util'

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

const cases: [string, number, () => void][] = [
  [
    'createObjectPool acquire()+release()',
    OPS,
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
    OPS,
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
    OPS,
    () => {
      for (let i = 0; i < OPS; i++) {
        const scratch = makeScratch()
        scratch.tokens += i
        sink += scratch.tokens
      }
    },
  ],
  [
    'pooled 4 KiB Float64Array acquire()+release()',
    BUFFER_OPS,
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
    BUFFER_OPS,
    () => {
      for (let i = 0; i < BUFFER_OPS; i++) {
        const buffer = new Float64Array(512)
        buffer[i & 511] = i
        sink += buffer[(i * 7) & 511] as number
      }
    },
  ],
]

const rates: [string, number][] = []
for (const [name, ops, run] of cases) {
  run() // warm-up
  rates.push([name, await opsPerSecond(ops, run)])
}
printTable(
  'object pool: acquire + release (small objects: 20 M ops; 4 KiB arrays: 2 M ops)',
  rates.map(([name, rate]) => ({
    case: name,
    rate: formatRate(rate),
    'ns/op': (1e9 / rate).toFixed(1),
  })),
)
if (sink === 42) console.log('')
