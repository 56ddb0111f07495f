// The cache scenarios across hosts, as steps on a running fleet of cache hosts; the test file
// asserts on what they return and records it.
import type { Fleet } from './fleet'
import type { HostProcess } from './host-process'
import { sleep } from './queue-checks'

/** `count` cold keys `getOrSet` by every host at once: factory runs per key, wrong answers. */
export async function fleetSingleFlight(hosts: readonly HostProcess[], count: number) {
  const tag = `cold${Date.now()}`
  const answers = await Promise.all(
    hosts.map((host, h) =>
      host.ask(
        { cmd: 'fill', tag, count, start: Math.floor((h * count) / hosts.length), factoryMs: 5 },
        180_000,
      ),
    ),
  )
  const runsPerKey = new Array<number>(count).fill(0)
  for (const answer of answers) {
    for (const i of answer.runs as number[]) runsPerKey[i] = (runsPerKey[i] ?? 0) + 1
  }
  const wrong = answers
    .flatMap((answer) => answer.values as string[])
    .filter((value, i) => value !== `value of ${tag}:${i % count}`).length
  return {
    keys: count,
    factoryRuns: runsPerKey.reduce((sum, n) => sum + n, 0),
    keysRunTwice: runsPerKey.filter((n) => n > 1).length,
    keysNeverRun: runsPerKey.filter((n) => n === 0).length,
    wrong,
    runsByHost: answers.map((answer) => (answer.runs as number[]).length),
    slowestHostMs: Math.max(...answers.map((answer) => Number(answer.ms))),
  }
}

/**
 * `stale` takes the lock of a cold key and is cut off mid-factory; `next` waits for the lock's
 * TTL, takes it and writes; `stale` is healed and its factory finishes late: its write is refused
 * (fencing token). `reader` then says what is stored.
 */
export async function fencedLateWrite(
  fleet: Fleet,
  [stale, next, reader]: readonly [HostProcess, HostProcess, HostProcess],
) {
  const key = `fence${Date.now()}`
  const before = Number(((await stale.ask({ cmd: 'stats' })).stats as { fenced: number }).fenced)
  const from = stale.messages.length
  const holding = stale.ask({ cmd: 'hold', key, value: `from ${stale.host.role} (stale)` }, 60_000)
  await stale.waitFor('factory-started', { from, test: (m) => m.key === key })
  fleet.setFaults(stale.host.role, { cut: 'all' })
  const cutAt = Date.now()
  const taken = await next.ask({ cmd: 'getOrSet', key, value: `from ${next.host.role}` }, 60_000)
  const takeoverMs = Date.now() - cutAt
  fleet.setFaults(stale.host.role, {})
  stale.send({ cmd: 'release', key })
  const late = await holding
  const stats = (await stale.ask({ cmd: 'stats' })).stats as { fenced: number }
  return {
    takeoverMs,
    nextValue: taken.value,
    lateCallerGot: late.value,
    fenced: stats.fenced - before,
    stored: (await reader.ask({ cmd: 'get', key })).value,
    staleHostReads: (await stale.ask({ cmd: 'get', key })).value,
    expected: `from ${next.host.role}`,
  }
}

/**
 * `rounds` writes on `writer`; every other host watches the key from before the write and
 * reports when it stopped serving the old value. Resolves each staleness in ms.
 */
export async function invalidationStaleness(
  writer: HostProcess,
  readers: readonly HostProcess[],
  rounds: number,
) {
  const staleMs: number[] = []
  const wrongAfter: string[] = []
  let cachedBeforeWrite = 0
  let rereads = 0
  for (let round = 0; round < rounds; round++) {
    const key = `inv${Date.now()}:${round}`
    await writer.ask({ cmd: 'set', key, value: 'v0' })
    // The old value must sit in each reader's memory tier, or there is nothing to invalidate. A
    // bus resync between the read and the look (a heartbeat lost under 5 % loss) rightly empties
    // that tier, so a reader reads again, a few times at most.
    for (const reader of readers) {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (attempt > 0) rereads++
        await reader.ask({ cmd: 'get', key })
        const held = (await reader.ask({ cmd: 'peek', keys: [key] })).values as unknown[]
        if (held[0] === 'v0') {
          cachedBeforeWrite++
          break
        }
      }
    }
    const watches = readers.map((reader) =>
      reader.ask({ cmd: 'watch', key, old: 'v0', timeoutMs: 20_000 }, 30_000),
    )
    await sleep(20)
    const write = await writer.ask({ cmd: 'set', key, value: 'v1' })
    for (const watched of await Promise.all(watches)) {
      staleMs.push(
        watched.at === null ? Number.POSITIVE_INFINITY : Number(watched.at) - Number(write.at),
      )
    }
    for (const reader of readers) {
      const value = (await reader.ask({ cmd: 'get', key })).value
      if (value !== 'v1') wrongAfter.push(`${reader.host.role} ${key}: ${String(value)}`)
    }
  }
  return { staleMs, wrongAfter, cachedBeforeWrite, rereads, samples: rounds * readers.length }
}

/**
 * `victim` holds `count` keys in its memory tier and is cut off while `writer` overwrites them all;
 * healed after `cutMs`. Resolves how long after the heal it stopped holding any old value, and
 * how many times its bus resynced.
 */
export async function missedWhilePartitioned(
  fleet: Fleet,
  writer: HostProcess,
  victim: HostProcess,
  count: number,
  cutMs: number,
) {
  const keys = Array.from({ length: count }, (_, i) => `missed${Date.now()}:${i}`)
  for (const key of keys) await writer.ask({ cmd: 'set', key, value: 'old' })
  for (const key of keys) await victim.ask({ cmd: 'get', key })
  const resyncs = async () =>
    Number(((await victim.ask({ cmd: 'stats' })).stats as { busResyncs: number }).busResyncs)
  const resyncsBefore = await resyncs()
  fleet.setFaults(victim.host.role, { cut: 'all' })
  const cutAt = Date.now()
  for (const key of keys) await writer.ask({ cmd: 'set', key, value: 'new' })
  const heldOldDuringCut = ((await victim.ask({ cmd: 'peek', keys })).values as unknown[]).filter(
    (v) => v === 'old',
  ).length
  await sleep(cutAt + cutMs - Date.now())
  fleet.setFaults(victim.host.role, {})
  const healAt = Date.now()
  let convergedMs = Number.POSITIVE_INFINITY
  while (Date.now() - healAt < 30_000) {
    const held = (await victim.ask({ cmd: 'peek', keys })).values as unknown[]
    if (!held.includes('old')) {
      convergedMs = Date.now() - healAt
      break
    }
    await sleep(50)
  }
  const reads = await Promise.all(keys.map((key) => victim.ask({ cmd: 'get', key })))
  return {
    keys: count,
    heldOldDuringCut,
    convergedMs,
    resyncs: (await resyncs()) - resyncsBefore,
    wrongAfter: reads.filter((read) => read.value !== 'new').length,
  }
}
