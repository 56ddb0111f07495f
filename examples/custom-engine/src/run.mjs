// The composition: @mx/cache (memory → disk) in front of @mx/workers (worker threads), around
// the extractor. A document whose content hash is cached is served without parsing; otherwise
// only the elements whose hash is not cached go to the workers.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createCache, diskTier, keyOf, memoryTier } from '@mx/cache'
import { createPool } from '@mx/workers'
import { document, name, parse, version } from './extractor.mjs'

/**
 * One document's outcome.
 * @typedef {{ id: string, ok: true, metadata: Record<string, unknown> }
 *   | { id: string, ok: false, error: { code: string, message: string } }} CorpusResult
 */

/**
 * Extracts metadata from `docs` (`{ id, path }`), yielding one result per document in input
 * order: `{ id, ok: true, metadata }` or `{ id, ok: false, error: { code, message } }`.
 * `summary()` returns the counters once the iteration is done.
 * @param {Array<{ id: string, path: string }>} docs
 * @param {{ cacheDir?: string, threads?: number, concurrency?: number }} [options]
 */
export function extractCorpus(docs, options = {}) {
  const { cacheDir, threads = 2, concurrency = 8 } = options
  const cache = createCache({
    namespace: `${name}-v${version}`,
    tiers: [
      memoryTier({ maxEntries: 200_000 }),
      ...(cacheDir ? [diskTier({ dir: cacheDir })] : []),
    ],
  })
  const pool = createPool({ task: new URL('./element-task.mjs', import.meta.url), threads })
  const counts = { documents: 0, failed: 0, fromCache: 0, elements: 0, extracted: 0, reused: 0 }
  const started = performance.now()

  async function extractDocument(doc, text) {
    const elements = parse(text)
    const keys = elements.map((el) => keyOf('element', name, version, el.hash))
    const metas = await cache.getMany(keys)
    const missing = metas.flatMap((meta, i) => (meta === undefined ? [i] : []))
    for await (const result of pool.map(missing.map((i) => elements[i]))) {
      if (!result.ok) throw result.error
      metas[missing[result.index]] = result.value
    }
    await cache.setMany(missing.map((i) => ({ key: keys[i], value: metas[i] })))
    counts.elements += elements.length
    counts.extracted += missing.length
    counts.reused += elements.length - missing.length
    return document(doc, elements, metas)
  }

  /** @returns {Promise<CorpusResult>} */
  async function extractOne(doc) {
    try {
      const text = readFileSync(doc.path, 'utf8')
      const contentHash = createHash('sha256').update(text).digest('hex')
      let computed = false
      const metadata = await cache.getOrSet(keyOf('document', contentHash), () => {
        computed = true
        return extractDocument(doc, text)
      })
      if (!computed) counts.fromCache++
      counts.documents++
      return { id: doc.id, ok: true, metadata: { ...metadata, id: doc.id } }
    } catch (caught) {
      const error = /** @type {{ code?: string, message?: string } | undefined} */ (caught)
      counts.documents++
      counts.failed++
      return {
        id: doc.id,
        ok: false,
        error: {
          code: error?.code ?? 'MX_EXTRACT_FAILED',
          message: String(error?.message ?? caught),
        },
      }
    }
  }

  /** @returns {AsyncGenerator<CorpusResult>} */
  async function* run() {
    const pending = []
    let next = 0
    try {
      while (next < docs.length || pending.length > 0) {
        while (next < docs.length && pending.length < concurrency)
          pending.push(extractOne(docs[next++]))
        // The loop runs while something is pending: there is always one to take.
        yield/** @type {Promise<CorpusResult>} */ (pending.shift())
      }
    } finally {
      await Promise.allSettled(pending)
      finalStats = { cache: cache.stats(), pool: pool.stats() }
      await pool.close({ drain: true })
      await cache.close()
    }
  }

  let finalStats
  const summary = () => {
    const seconds = (performance.now() - started) / 1000
    const stats = finalStats ?? { cache: cache.stats(), pool: pool.stats() }
    return { ...counts, seconds, documentsPerSecond: counts.documents / seconds, ...stats }
  }
  const iterator = run()
  return Object.assign(iterator, { summary })
}
