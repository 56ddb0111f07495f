import { createEngine, type ExtractResult, type SourceDocument, workerTaskUrl } from '@mx/engine'
import { createPool } from '@mx/workers'
import { describe, expect, it } from 'vitest'
import { corpus } from './helpers/corpus'
import { reportFigures } from './helpers/figures'

const THREADS = 2
const extractor = new URL('./fixtures/words-extractor.mjs', import.meta.url)

/** The poison kinds of fixtures/words-extractor.mjs and the code each document must fail with. */
const POISONS = {
  throw: 'MX_ENGINE_EXTRACT',
  hang: 'MX_ENGINE_TIMEOUT',
  oom: 'MX_ENGINE_CRASH',
  exit: 'MX_ENGINE_CRASH',
} as const

describe('poison documents', () => {
  it('each poison fails with its code, every other document succeeds, and the pool is back to full size', async () => {
    // Our own pool as the workers slot: small heaps so an exhausting document dies fast.
    const pool = createPool({
      task: workerTaskUrl(),
      threads: THREADS,
      batch: false,
      timeout: 2_000,
      retries: { attempts: 2, backoff: { delay: 10, jitter: 0.5 } },
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    })
    const engine = createEngine({
      extractor,
      level: 'standard',
      workers: pool,
      // Always in threads: a poison run inline would take the test process down with it.
      cost: { inlineBelowUs: 0 },
      timeout: 10_000,
    })
    const healthy = [...corpus(200, 7)]
    const docs: SourceDocument[] = []
    healthy.forEach((doc, i) => {
      docs.push(doc)
      if (i % 100 === 10) {
        for (const kind of Object.keys(POISONS)) {
          docs.push({
            id: `poison-${kind}-${i}.md`,
            content: `intro of ${i}\n\nPOISON:${kind}\n\nafter`,
          })
        }
      }
    })
    const results: ExtractResult[] = []
    for await (const result of engine.extractMany(docs, { maxInFlight: 16 })) results.push(result)

    const byId = new Map(results.map((r) => [r.id, r]))
    const wrongCodes: string[] = []
    let poisonDocs = 0
    for (const doc of docs) {
      const result = byId.get(doc.id)
      const kind = /^poison-(\w+)-/.exec(doc.id)?.[1] as keyof typeof POISONS | undefined
      if (kind) {
        poisonDocs++
        const code = result && !result.ok ? result.error.code : 'ok'
        if (code !== POISONS[kind]) wrongCodes.push(`${doc.id}: ${code}`)
      } else {
        expect(
          result?.ok,
          `${doc.id}: ${JSON.stringify(result && !result.ok ? result.error : '')}`,
        ).toBe(true)
      }
    }
    const stats = pool.stats()
    // The pool still works at full size: a last batch of healthy documents runs on every thread.
    const after: ExtractResult[] = []
    for await (const result of engine.extractMany(corpus(50, 99), { maxInFlight: 16 }))
      after.push(result)
    const finalStats = pool.stats()
    await engine.close()
    await pool.close()

    reportFigures('poison-documents', {
      documents: docs.length,
      poisonDocuments: poisonDocs,
      healthyFailed: results.filter((r) => !r.ok && !r.id.startsWith('poison-')).length,
      wrongCodes: wrongCodes.length,
      threadRestarts: stats.restarts,
      poolThreadsAtEnd: finalStats.threads,
      healthyAfterwards: after.filter((r) => r.ok).length,
    })
    expect(wrongCodes).toEqual([])
    expect(results).toHaveLength(docs.length)
    expect(stats.restarts).toBeGreaterThan(0)
    expect(finalStats.threads).toBe(THREADS)
    expect(finalStats.workers).toHaveLength(THREADS)
    expect(after.every((r) => r.ok)).toBe(true)
  })
})
