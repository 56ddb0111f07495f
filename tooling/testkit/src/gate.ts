import { seededRandom } from './random'

/**
 * The measurement of the regression gate (`pnpm bench:gate`, see scripts/bench-gate.mjs): one
 * ratio of ours against a floor or a peer, measured interleaved in one process, so that the
 * machine's speed and load cancel out. Each package's `bench/gate.ts` measures its entries with
 * `gateRatios` and prints them for the runner.
 */

export interface GateEntry {
  /** Stable name: the baseline is matched by it. */
  name: string
  /** Our operation (one call = one operation; awaited when it returns a promise). */
  ours: () => unknown
  /** The floor or the peer doing the same work. */
  peer: () => unknown
}

export interface GateResult {
  name: string
  /** One per round: time per call of `ours` ÷ time per call of `peer` (above 1: ours slower). */
  samples: number[]
}

export interface GateOptions {
  /**
   * Rounds per entry (each times one batch of each side, in a random order). Default: the
   * `MX_GATE_ROUNDS` environment variable (the runner sets it), else 21.
   */
  rounds?: number
  /** Length of one timed batch, in ms. Default 15. */
  batchMs?: number
  /**
   * A slowdown injected into `ours` (0.25: each of its batches takes 25% longer, by spinning
   * inside the timed region): how the gate's own test proves that it catches a regression.
   * Default: the `MX_GATE_SLOWDOWN` environment variable, else 0.
   */
  slowdown?: number
}

/**
 * The clock of the batches: this process's CPU time (user + system) in ms. A batch preempted on
 * a busy machine (CI runs other test files alongside) does not count the time it waited for a
 * core, which wall time would add to one side at random.
 */
const now = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** Runs `fn` `calls` times (awaiting each call when it is async); resolves the ms it took. */
async function timed(fn: () => unknown, calls: number, async: boolean): Promise<number> {
  const started = now()
  if (async) for (let i = 0; i < calls; i++) await fn()
  else for (let i = 0; i < calls; i++) fn()
  return now() - started
}

/** Warms `fn` up for `ms`, then sizes a batch to last about `batchMs`. */
async function calibrate(fn: () => unknown, ms: number, batchMs: number) {
  const async = isThenable(fn())
  let calls = 1
  const until = now() + ms
  while (now() < until) {
    const took = await timed(fn, calls, async)
    if (took < batchMs / 4) calls *= 2
  }
  const perCall = (await timed(fn, calls, async)) / calls
  return { async, calls: Math.max(1, Math.round(batchMs / Math.max(perCall, 1e-6))) }
}

/** Spins until `until` (ms, `now()` clock). */
function spinUntil(until: number): void {
  while (now() < until) {
    // busy: the injected slowdown must cost CPU as a slower build would
  }
}

/** Measures one entry: `rounds` interleaved ratio samples. */
export async function gateRatio(entry: GateEntry, options: GateOptions = {}): Promise<GateResult> {
  const rounds = options.rounds ?? Number(process.env.MX_GATE_ROUNDS ?? 21)
  if (!(Number.isInteger(rounds) && rounds > 0))
    throw new Error(`rounds must be ≥ 1, got ${rounds}`)
  const batchMs = options.batchMs ?? 15
  const slowdown = options.slowdown ?? Number(process.env.MX_GATE_SLOWDOWN ?? 0)
  if (!(slowdown >= 0)) throw new Error(`MX_GATE_SLOWDOWN must be a number ≥ 0, got ${slowdown}`)
  const ours = await calibrate(entry.ours, 150, batchMs)
  const peer = await calibrate(entry.peer, 150, batchMs)
  const random = seededRandom(42)
  const samples: number[] = []
  for (let round = 0; round < rounds; round++) {
    const runOurs = async () => {
      const started = now()
      await timed(entry.ours, ours.calls, ours.async)
      if (slowdown > 0) spinUntil(started + (now() - started) * (1 + slowdown))
      return (now() - started) / ours.calls
    }
    const runPeer = async () => (await timed(entry.peer, peer.calls, peer.async)) / peer.calls
    let oursMs: number
    let peerMs: number
    if (random() < 0.5) {
      oursMs = await runOurs()
      peerMs = await runPeer()
    } else {
      peerMs = await runPeer()
      oursMs = await runOurs()
    }
    samples.push(oursMs / peerMs)
  }
  return { name: entry.name, samples }
}

/** Measures every entry in turn and prints the results as one `GATE <json>` line for the runner. */
export async function gateRatios(entries: GateEntry[], options: GateOptions = {}) {
  const results: GateResult[] = []
  for (const entry of entries) results.push(await gateRatio(entry, options))
  console.log(`GATE ${JSON.stringify(results)}`)
  return results
}
