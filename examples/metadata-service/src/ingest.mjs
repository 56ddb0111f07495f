// Loads the main job's output into PostgreSQL: `mx-docs extract` writes metadata.jsonl (one line
// per document, then the corpus line: keywords, links, near-duplicates); each document's
// elements are read again from its source by the extractor's own parser. Upserts, so a re-run
// after a new extraction updates what changed, and drops documents no longer in the corpus.
import { execFile } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { listCorpus, readDocuments } from '@mx/example-docs-metadata/src/corpus.mjs'
import { parse } from '@mx/example-docs-metadata/src/extractor/parse.mjs'

const run = promisify(execFile)
const mxDocs = fileURLToPath(import.meta.resolve('@mx/example-docs-metadata/src/main.mjs'))
/** Element text kept per element (the API serves it; search indexes the whole body). */
const elementTextChars = 4_000
/** Body text indexed per document: PostgreSQL's tsvector holds at most 1 MB. */
const bodyChars = 200_000
const batchSize = 50
/** PostgreSQL text holds no NUL character. */
const clean = (text) => String(text ?? '').replaceAll('\u0000', '')
/** JSON for a jsonb column, which refuses the escaped NUL too. */
const json = (value) => JSON.stringify(value).replaceAll('\\u0000', '')

/**
 * Runs `mx-docs extract` on `dir` (the default corpus when undefined) into a temporary
 * metadata.jsonl, then ingests it. Resolves what `ingestFile` resolves.
 * @param {ReturnType<typeof import('./db/pool.mjs').createDatabase>} db
 * @param {{ dir?: string, cacheDir?: string, threads?: number }} [options]
 */
export async function extractAndIngest(db, options = {}) {
  const work = await mkdtemp(join(tmpdir(), 'mx-service-ingest-'))
  try {
    const out = join(work, 'metadata.jsonl')
    const args = [mxDocs, 'extract', ...(options.dir ? [options.dir] : []), '--out', out]
    args.push(
      '--report',
      join(work, 'report.html'),
      '--json',
      '--threads',
      String(options.threads ?? 2),
    )
    args.push('--cache-dir', options.cacheDir ?? join(work, 'cache'))
    await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 })
    return await ingestFile(db, out, options.dir)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/**
 * Ingests a metadata.jsonl written by `mx-docs extract` over `dir` (its documents are read again
 * for their elements). Resolves `{ documents, elements, links, removed }`.
 * @param {ReturnType<typeof import('./db/pool.mjs').createDatabase>} db
 * @param {string} file
 * @param {string} [dir]
 */
export async function ingestFile(db, file, dir) {
  /** @type {Map<string, any>} */
  const documents = new Map()
  let corpus
  const lines = createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })
  for await (const text of lines) {
    if (text.trim() === '') continue
    const line = JSON.parse(text)
    if (line.kind === 'document' && line.ok) documents.set(line.id, line)
    else if (line.kind === 'corpus') corpus = line
  }
  const listing = (await listCorpus(dir)).filter((entry) => documents.has(entry.id))
  let elements = 0
  let batch = []
  const flush = async () => {
    if (batch.length === 0) return
    const rows = batch
    batch = []
    await db.transaction((client) => upsertDocuments(client, rows))
  }
  for await (const source of readDocuments(listing, { onError: () => {} })) {
    const line = documents.get(source.id)
    const parts = await Promise.resolve(parse(source)).catch(() => [])
    const found = parts.filter((part) => part.type !== 'document')
    elements += found.length
    batch.push({ line, keywords: corpus?.keywords?.[source.id] ?? [], elements: found })
    if (batch.length >= batchSize) await flush()
  }
  await flush()
  const ids = [...documents.keys()]
  const links = await db.transaction(async (client) => {
    const removed = await client.query('DELETE FROM documents WHERE NOT (id = ANY($1::text[]))', [
      ids,
    ])
    await client.query('DELETE FROM links')
    const from = []
    const to = []
    const kinds = []
    const hrefs = []
    const similarities = []
    const add = (a, b, kind, href, similarity) => {
      if (!documents.has(a) || !documents.has(b) || a === b) return
      from.push(a)
      to.push(b)
      kinds.push(kind)
      hrefs.push(href)
      similarities.push(similarity)
    }
    for (const link of corpus?.links ?? []) add(link.from, link.to, 'link', link.href, null)
    for (const pair of corpus?.duplicates ?? []) {
      add(pair.a, pair.b, 'duplicate', null, pair.similarity)
      add(pair.b, pair.a, 'duplicate', null, pair.similarity)
    }
    await client.query(
      `INSERT INTO links (from_id, to_id, kind, href, similarity)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::real[])
       ON CONFLICT DO NOTHING`,
      [from, to, kinds, hrefs, similarities],
    )
    return { count: from.length, removed: removed.rowCount ?? 0 }
  })
  return { documents: ids.length, elements, links: links.count, removed: links.removed }
}

/** One transaction's worth of documents: upserted, their elements replaced. */
async function upsertDocuments(client, rows) {
  for (const { line, keywords, elements } of rows) {
    const meta = line.metadata
    const body = clean(
      [...keywords, ...elements.map((el) => el.text ?? el.source ?? '')].join('\n'),
    ).slice(0, bodyChars)
    await client.query(
      `INSERT INTO documents (id, title, description, format, lang, words, reading_minutes, outline, keywords, metadata, body_search, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_tsvector('simple', $11), now())
       ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
         format = EXCLUDED.format, lang = EXCLUDED.lang, words = EXCLUDED.words,
         reading_minutes = EXCLUDED.reading_minutes, outline = EXCLUDED.outline,
         keywords = EXCLUDED.keywords, metadata = EXCLUDED.metadata,
         body_search = EXCLUDED.body_search, updated_at = now()`,
      [
        line.id,
        clean(meta.title ?? line.id),
        meta.description == null ? null : clean(meta.description),
        meta.format,
        meta.language ?? null,
        meta.words ?? 0,
        meta.readingMinutes ?? 0,
        json(meta.outline ?? []),
        keywords,
        json(meta),
        body,
      ],
    )
    await client.query('DELETE FROM elements WHERE document_id = $1', [line.id])
    await client.query(
      `INSERT INTO elements (document_id, position, element_id, type, depth, text)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[])`,
      [
        line.id,
        elements.map((_, i) => i + 1),
        elements.map((el, i) => el.id ?? `#${i + 1}`),
        elements.map((el) => el.type),
        elements.map((el) => el.depth ?? null),
        elements.map((el) => clean(el.text ?? el.source).slice(0, elementTextChars)),
      ],
    )
  }
}
