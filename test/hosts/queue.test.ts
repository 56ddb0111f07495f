// The document queue across machines: Redis, a producer and three worker hosts, each in its own
// network namespace, with latency, packet loss and partitions made by the kernel (helpers/fabric.ts)
// or, for latency, by the relay in front of Redis (no netem in this kernel). Every document any
// scenario answers is checked against the ground truth: none lost, none answered twice, none
// different from a clean single-process run.
import type { SourceDocument } from '@mx/engine'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { groundTruth, markdownCorpus, tally } from './helpers/corpus'
import { createFleet, type Fleet } from './helpers/fleet'
import type { HostProcess } from './helpers/host-process'
import { doneCounts, jobIdsOf, longestGap, round, serveBatch } from './helpers/queue-checks'
import { partitionWorker, redisCutFromProducer } from './helpers/queue-faults'
import { recordScenario, writeDocsSection } from './helpers/record'
import { describeHosts } from './helpers/require'

const WORKERS = ['w1', 'w2', 'w3'] as const
// Locks of 4 s renewed every 2 s, stalled jobs looked for every 2 s: a cut-off host's jobs move
// in seconds. A small pool per host (one thread): the machine has two cores for five hosts.
const WORKER_SETTINGS = { concurrency: 8, lockDurationMs: 4_000, stalledIntervalMs: 2_000 }
// Documents of the steady-state runs: a few seconds each, so that the start of a run (the first
// fetches) and its end (the last completion events) weigh little beside the steady part.
const STEADY_DOCS = 1000

describeHosts('the document queue across hosts in network namespaces', () => {
  let fleet: Fleet
  let producer: HostProcess
  let workers: HostProcess[]

  beforeAll(async () => {
    fleet = await createFleet(['producer', ...WORKERS])
    workers = await Promise.all(WORKERS.map((role) => fleet.startWorker(role, WORKER_SETTINGS)))
    producer = await fleet.startProducer('producer')
    // First documents load the extractor in every thread: not part of any measurement.
    await serveBatch(producer, markdownCorpus(24, 'warmup'), 'warmup')
  })
  afterAll(async () => {
    await fleet?.stop()
    writeDocsSection()
  })

  /** Every job of `docs` in the queue exactly once, each completed exactly once, none failed. */
  async function expectQueuedOnce(docs: readonly SourceDocument[]) {
    const jobs = await producer.ask({ cmd: 'jobs' })
    const byDocument = jobs.byDocument as Record<string, number>
    const completions = (await producer.ask({ cmd: 'completions' })).counts as Record<
      string,
      number
    >
    expect(docs.filter((doc) => byDocument[doc.id] !== 1)).toEqual([])
    expect(Object.values(completions).filter((n) => n !== 1)).toEqual([])
    expect(jobs.failed).toBe(0)
  }

  it('steady state at 20 ± 5 ms and 1 % loss: each document once, identical; throughput against loopback recorded', async () => {
    const loopDocs = markdownCorpus(STEADY_DOCS, 'loop')
    const steadyDocs = markdownCorpus(STEADY_DOCS, 'steady')
    const [loopTruth, steadyTruth] = await Promise.all([
      groundTruth(loopDocs),
      groundTruth(steadyDocs),
    ])
    const loop = await serveBatch(producer, loopDocs, 'loop')

    await fleet.redis.setDelay(20, 5)
    for (const role of ['producer', ...WORKERS]) fleet.setFaults(role, { lossPercent: 1 })
    let steady: Awaited<ReturnType<typeof serveBatch>>
    try {
      steady = await serveBatch(producer, steadyDocs, 'steady')
    } finally {
      await fleet.redis.setDelay(0)
      for (const role of ['producer', ...WORKERS]) fleet.setFaults(role, {})
    }

    const counts = {
      loop: tally(loopTruth, loop.answers),
      steady: tally(steadyTruth, steady.answers),
    }
    expect(counts.loop).toMatchObject({ lost: 0, duplicated: 0, wrong: 0, extra: 0 })
    expect(counts.steady).toMatchObject({ lost: 0, duplicated: 0, wrong: 0, extra: 0 })
    // Extracted exactly once: one `job done` per job across the fleet, no job taken twice.
    const extracted = doneCounts(workers, jobIdsOf(steady))
    expect(extracted.size).toBe(STEADY_DOCS)
    expect([...extracted.values()].filter((n) => n !== 1)).toEqual([])
    await expectQueuedOnce([...loopDocs, ...steadyDocs])
    // Throughput is a measurement, not an assertion (tests never assert wall-clock times): the
    // ratio and its target (#26: within 2× of loopback) go to docs/reliability.md. It measured
    // 1.5× when #26 closed and 2.2–3.7× since (the loopback run got faster, this one did not).
    const slowdown = loop.perSecond / steady.perSecond
    const verdict = slowdown <= 2 ? 'met' : 'NOT met'
    // A gap of about 5 s would be a completion event the producer missed, found by its re-read.
    const gaps = { loop: longestGap(loop), steady: longestGap(steady) }

    recordScenario('1-steady', {
      order: 1,
      title: 'Steady state: producer, 3 worker hosts (1 thread each), Redis',
      faults: '20 ± 5 ms each way (relay), 1 % TCP loss each way on every host (nft)',
      checked: `${STEADY_DOCS} documents (and ${STEADY_DOCS} over loopback)`,
      lost: 0,
      duplicated: 0,
      wrong: 0,
      recovery: 'n/a',
      measured: `${round(steady.perSecond)} documents/s against ${round(loop.perSecond)} over loopback (loopback ${round(slowdown, 2)}× as fast, target ≤ 2×: ${verdict}); longest wait between two answers ${round(gaps.steady / 1000, 2)} s (loopback ${round(gaps.loop / 1000, 2)} s); each extracted once`,
      raw: {
        gaps,
        loop: counts.loop,
        steady: counts.steady,
        loopPerSecond: loop.perSecond,
        steadyPerSecond: steady.perSecond,
      },
    })
  })

  it('one worker host cut off for 30 s mid-run: its jobs finish elsewhere, once; healed, it takes jobs again', async () => {
    const result = await partitionWorker(fleet, producer, workers, 'w1', 30_000)
    expect(result.takenOver).toBeGreaterThan(0)
    expect(result.tally).toMatchObject({ lost: 0, duplicated: 0, wrong: 0, extra: 0 })
    for (const rejoin of result.rejoinTallies) {
      expect(rejoin).toMatchObject({ lost: 0, duplicated: 0, wrong: 0, extra: 0 })
    }
    expect(result.jobsAfterHeal).toBeGreaterThan(0)
    await expectQueuedOnce(result.docs)

    recordScenario('2-worker-partition', {
      order: 2,
      title: 'A worker host partitioned mid-run for 30 s, then healed (no restart)',
      faults: 'every packet of w1 dropped (nft) with jobs in flight',
      checked: `${result.docs.length} documents`,
      lost: 0,
      duplicated: 0,
      wrong: 0,
      recovery: `last document answered ${round(result.recoveredMs / 1000)} s after the cut; w1 took a job again ${round(result.rejoinMs / 1000)} s after the heal`,
      measured: `${result.takenOver} jobs locked by w1 at the cut found stalled and completed by w2/w3 (4 s locks); w1 completed ${result.jobsAfterHeal} jobs after healing`,
      raw: { ...result, docs: result.docs.length },
    })
  })

  it('Redis cut off from the producer for 10 s: cached answers go on, nothing queued twice, it resumes', async () => {
    const result = await redisCutFromProducer(fleet, producer, 10_000)
    expect(
      result.warmTallies.every((t) => t.lost === 0 && t.wrong === 0 && t.duplicated === 0),
    ).toBe(true)
    expect(result.cachedServes).toBeGreaterThanOrEqual(5)
    expect(result.slowestCachedServeMs).toBeLessThan(1_000)
    expect(result.tally).toMatchObject({ lost: 0, duplicated: 0, wrong: 0, extra: 0 })
    await expectQueuedOnce([...result.warm, ...result.during])

    recordScenario('3-redis-partition', {
      order: 3,
      title: 'Redis partitioned from the producer for 10 s',
      faults: 'producer ↔ Redis packets dropped (nft), workers still connected',
      checked: `${result.during.length} documents in flight + ${result.cachedServes} × ${result.warm.length} served from the memory tier during the cut`,
      lost: 0,
      duplicated: 0,
      wrong: 0,
      recovery: `all documents answered ${round(result.resumedMs / 1000)} s after the heal`,
      measured: `slowest cached batch during the cut ${round(result.slowestCachedServeMs)} ms; ${result.answeredDuringCut} queued documents answered during the cut; every document queued once`,
      raw: { ...result, warm: result.warm.length, during: result.during.length },
    })
  })
})
