import { createResourcePool } from '../src/index'

const OPS = 300_000
const r = { parsed: 0 }
const work = async (x: { parsed: number }) => {
  x.parsed++
}
async function run(name: string, borrow: () => Promise<unknown>, conc = 4) {
  for (let k = 0; k < 4; k++) {
    let remaining = OPS
    const t = performance.now()
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (remaining-- > 0) await borrow()
      }),
    )
    if (k === 3) console.log(name, Math.round(((performance.now() - t) * 1e6) / OPS), 'ns')
  }
}
await run('floor: work only', () => work(r))
const pool = createResourcePool({ create: () => ({ parsed: 0 }), max: 4, min: 4 })
await new Promise((res) => setTimeout(res, 10))
await run('mx use', () => pool.use(work))
await run('mx acquire/release', async () => {
  const x = await pool.acquire()
  try {
    await work(x)
  } finally {
    pool.release(x)
  }
})
await run('mx use sync fn', () =>
  pool.use((x) => {
    x.parsed++
  }),
)
