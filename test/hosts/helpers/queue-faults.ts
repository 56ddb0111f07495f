// The two partition scenarios of the queue, as steps on a running fleet; the test file asserts
// on what they return and records it.
import { groundTruth, markdownCorpus, type Tally, tally } from './corpus'
import type { Fleet } from './fleet'
import type { HostProcess } from './host-process'
import { jobIdsOf, jobLines, serveBatch, sleep } from './queue-checks'

/**
 * Cuts `role` off (every packet dropped) while it holds jobs, heals it after `cutMs`, then serves
 * batches until it completes a job of its own again.
 */
export async function partitionWorker(
  fleet: Fleet,
  producer: HostProcess,
  workers: readonly HostProcess[],
  role: string,
  cutMs: number,
) {
  const docs = markdownCorpus(120, 'cut')
  const truth = await groundTruth(docs)
  const victim = workers.find((w) => w.host.role === role) as HostProcess
  const others = workers.filter((w) => w !== victim)
  const mark = victim.messages.length
  const serving = serveBatch(producer, docs, 'cut')
  // Cut mid-run: once it has started 3 jobs of the batch, it holds the locks of more (BullMQ hands
  // a consumer its next job in the reply that completes the last one).
  await victim.waitFor('log', {
    from: mark,
    test: () => jobLines(victim, 'job received', mark).length >= 3,
  })
  fleet.setFaults(role, { cut: 'all' })
  const cutAt = Date.now()
  const batch = await serving
  const recoveredMs = Math.max(...batch.answers.map((a) => a.at)) - cutAt
  // Its jobs that BullMQ found stalled (lock not renewed) and handed to w2 / w3.
  const jobs = await producer.ask({ cmd: 'jobs' })
  const stalled = Object.keys(jobs.stalled as Record<string, string>).filter((id) =>
    docs.some((doc) => doc.id === id),
  )
  await sleep(cutAt + cutMs - Date.now())
  fleet.setFaults(role, {})
  const healAt = Date.now()
  const rejoined = await untilItTakesJobs(producer, victim, others, healAt)
  return {
    docs,
    tally: tally(truth, batch.answers),
    takenOver: stalled.length,
    recoveredMs,
    ...rejoined,
  }
}

/**
 * Serves small batches until `victim` completes a job no other host touched (its TCP connections
 * come back on their own after a heal, within the retransmission backoff); 90 s at most.
 */
async function untilItTakesJobs(
  producer: HostProcess,
  victim: HostProcess,
  others: readonly HostProcess[],
  healAt: number,
) {
  const rejoinTallies: Tally[] = []
  let jobsAfterHeal = 0
  let rejoinMs = Number.NaN
  for (let round = 0; jobsAfterHeal === 0 && Date.now() - healAt < 90_000; round++) {
    const docs = markdownCorpus(30, `rejoin${round}`)
    const truth = await groundTruth(docs)
    const victimMark = victim.messages.length
    const batch = await serveBatch(producer, docs, `rejoin${round}`)
    rejoinTallies.push(tally(truth, batch.answers))
    const ids = jobIdsOf(batch)
    const elsewhere = new Set(
      others.flatMap((w) => jobLines(w, 'job received').map((m) => String(m.correlationId))),
    )
    const own = jobLines(victim, 'job done', victimMark).filter(
      (m) => ids.has(String(m.correlationId)) && !elsewhere.has(String(m.correlationId)),
    )
    jobsAfterHeal = own.length
    const first = jobLines(victim, 'job received', victimMark)[0]
    if (first !== undefined) rejoinMs = Number(first.at) - healAt
    else await sleep(500)
  }
  return { rejoinTallies, jobsAfterHeal, rejoinMs }
}

/**
 * Cuts the producer from Redis for `cutMs` while a batch is in the queue, serving a cached batch
 * again and again meanwhile; then heals and waits for the batch.
 */
export async function redisCutFromProducer(fleet: Fleet, producer: HostProcess, cutMs: number) {
  const warm = markdownCorpus(40, 'warm')
  const during = markdownCorpus(40, 'during')
  const [warmTruth, truth] = await Promise.all([groundTruth(warm), groundTruth(during)])
  await serveBatch(producer, warm, 'warm')
  const mark = producer.messages.length
  const serving = serveBatch(producer, during, 'during')
  await producer.waitFor('result', { from: mark, test: (m) => m.tag === 'during' })
  fleet.setFaults('producer', { cut: [fleet.fabric.host('redis').address] })
  const cutAt = Date.now()
  const warmTallies: Tally[] = []
  let slowestCachedServeMs = 0
  while (Date.now() - cutAt < cutMs - 1_000) {
    const cached = await serveBatch(producer, warm, `warm${warmTallies.length}`, 5_000)
    if (cached.done.fromCache !== warm.length) throw new Error('a warm document missed the cache')
    warmTallies.push(tally(warmTruth, cached.answers))
    slowestCachedServeMs = Math.max(slowestCachedServeMs, Number(cached.done.ms))
    await sleep(500)
  }
  await sleep(cutAt + cutMs - Date.now())
  const answeredDuringCut = producer.messages
    .slice(mark)
    .filter((m) => m.type === 'result' && m.tag === 'during' && Number(m.at) >= cutAt).length
  fleet.setFaults('producer', {})
  const healAt = Date.now()
  const batch = await serving
  return {
    warm,
    during,
    warmTallies,
    cachedServes: warmTallies.length,
    slowestCachedServeMs,
    answeredDuringCut,
    resumedMs: Math.max(...batch.answers.map((a) => a.at)) - healAt,
    tally: tally(truth, batch.answers),
  }
}
