// What one run leaves for the next on the same corpus, in the cache folder: the documents it
// listed, a fingerprint of each document's bytes, the corpus pass's index (relate-incremental)
// and its result, and the JSON line of each document with the stat of the file it was read from
// (unchanged.mjs). The next run writes the lines of unchanged files as they are, feeds the index
// only the documents whose fingerprint changed and tells which documents left the corpus. A run
// over an unchanged corpus reads no document, decodes no index, writes the stored result as it
// is, and writes no state back.
//
// `runs/<name>.state` holds the small part (listing, fingerprints, where each line is); the
// lines and the corpus pass's result and index are in files written once each
// (run-state-files.mjs). A run that changed one document writes that document's line and the
// corpus pass's files, not every line again, and a warm run does not read the index.
import { hash } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { deserialize, serialize } from 'node:v8'
import { createRelateIndex, decodeRelateIndex } from './extractor/relate-incremental.mjs'
import { version as extractorVersion } from './extractor/version.mjs'
import { readPart, removeUnreferenced, replaceFile, writePart } from './run-state-files.mjs'

const format = 'mx-docs-run-state'
// Bump when the layout below changes: a state written by older code is ignored (rebuilt).
const layout = 4
/** Files of kept lines before they are written again as one, and how much of them may be
 * lines no longer kept (replaced or dropped), as a multiple of the lines still kept. */
const maxLineFiles = 16
const maxGarbage = 1

/**
 * A document's fingerprint: its bytes, its media type (the charset of --encoding is in it) and
 * the extractor version, everything its metadata depends on.
 * @param {{ mediaType?: string, content: string | Uint8Array }} doc
 */
export function fingerprint(doc) {
  const head = `${extractorVersion}\0${doc.mediaType ?? ''}\0`
  return `${hash('sha1', head)}${hash('sha1', doc.content)}`
}

/**
 * @typedef {{ tag: string, relations: number, index: number }} CorpusFile where the corpus
 *   pass's result (`relations` bytes) and then its index (`index` bytes) are
 * @typedef {{ tag: string, bytes: number }} LinesFile
 */

/**
 * The state of the last run over `source` in `cacheDir`, or an empty one (first run, no cache
 * folder, or a state that does not read: it is rebuilt, never trusted).
 * @param {string | undefined} cacheDir undefined: nothing is remembered (--no-cache)
 * @param {string} source what identifies the corpus: its folder, or the installed packages
 * @param {string} [encoding] --encoding: the kept lines were decoded with the last run's
 */
export function loadRunState(cacheDir, source, encoding) {
  // What the kept lines depend on besides the files' bytes; a change drops them all.
  const settings = `${extractorVersion}\0${encoding ?? ''}`
  const dir = cacheDir && join(cacheDir, 'runs')
  const name = hash('sha1', source)
  const empty = {
    dir,
    name,
    /** Whether a previous run's state was read: `removed` means something only then. */
    known: false,
    listed: /** @type {string[]} */ ([]),
    /** By document id, of the documents the index holds (and only those). */
    fingerprints: /** @type {Map<string, string>} */ (new Map()),
    /** The documents of `relations`, in order: relate()'s result depends on it. */
    order: /** @type {string[]} */ ([]),
    /** The last result of the corpus pass, as UTF-8 JSON; undefined when it must be computed. */
    relationsBytes: /** @type {Buffer | undefined} */ (undefined),
    /** The file of the last result and index, read by `index()` only when a document changed. */
    corpus: /** @type {CorpusFile | undefined} */ (undefined),
    /** The files holding the kept lines, as the last state listed them. */
    lineFiles: /** @type {LinesFile[]} */ ([]),
    settings,
    /** The documents' JSON lines, by id, for the files they were read from. */
    lines: /** @type {Map<string, import('./unchanged.mjs').KeptLine>} */ (new Map()),
  }
  if (!dir) return withCorpus(empty)
  try {
    const stored = deserialize(readFileSync(join(dir, `${name}.state`)))
    const valid =
      stored?.format === format &&
      stored.layout === layout &&
      Array.isArray(stored.listed) &&
      Array.isArray(stored.order) &&
      Array.isArray(stored.fingerprints) &&
      Array.isArray(stored.lineFiles) &&
      Array.isArray(stored.lines)
    if (!valid) return withCorpus(empty)
    const { corpus } = stored
    return withCorpus({
      ...empty,
      known: true,
      listed: stored.listed,
      fingerprints: new Map(stored.fingerprints),
      order: stored.order,
      corpus,
      relationsBytes: corpus && readPart(dir, name, corpus.tag, 'corpus', 0, corpus.relations),
      lineFiles: stored.lineFiles,
      lines: stored.settings === settings ? readLines(dir, name, stored) : new Map(),
    })
  } catch {
    return withCorpus(empty)
  }
}

/**
 * The kept lines the state lists, read from their files. A file that does not read (removed by
 * a run beside this one, cut short, garbled) loses its lines only: their documents are read
 * again.
 * @param {string} dir @param {string} name
 * @param {{ lineFiles: LinesFile[], lines: any[][] }} stored
 */
function readLines(dir, name, stored) {
  /** @type {Map<string, import('./unchanged.mjs').KeptLine>} */
  const lines = new Map()
  stored.lineFiles.forEach(({ tag, bytes: size }, file) => {
    try {
      const bytes = readPart(dir, name, tag, 'lines', 0, size)
      /** @type {Array<[string, import('./unchanged.mjs').KeptLine]>} */
      const read = []
      for (const [id, path, stat, elements, degraded, inFile, at, body, row] of stored.lines) {
        if (inFile !== file) continue
        const kept = {
          path,
          stat,
          body: bytes.subarray(at, at + body),
          elements,
          degraded,
          row: JSON.parse(bytes.toString('utf8', at + body, at + body + row)),
          stored: { tag, at, body, row },
        }
        read.push([id, kept])
      }
      for (const [id, kept] of read) lines.set(id, kept)
    } catch {
      // this file's lines are not kept: their documents are read again
    }
  })
  return lines
}

/**
 * Adds `relations` (the last result as JSON text, decoded on first use) and `index()` (the
 * corpus index, decoded on first use: an empty one when there is none, or when the stored one
 * does not read, and every document then goes into it again, none is kept as unchanged).
 * @template {{ dir: string | undefined, name: string, corpus: CorpusFile | undefined,
 *   relationsBytes: Buffer | undefined, fingerprints: Map<string, string>,
 *   lines: Map<string, import('./unchanged.mjs').KeptLine> }} T
 * @param {T} state
 */
function withCorpus(state) {
  /** @type {ReturnType<typeof createRelateIndex> | undefined} */
  let index
  /** @type {string | undefined} */
  let relations
  let computed = false
  const withRelations = Object.defineProperty(state, 'relations', {
    get() {
      if (relations === undefined && state.relationsBytes?.length)
        relations = state.relationsBytes.toString('utf8')
      return relations
    },
    set(value) {
      relations = value
      computed = true
    },
    enumerable: true,
  })
  return Object.assign(
    /** @type {T & { relations: string | undefined }} the last result of the corpus pass, as
     * JSON; undefined when it must be computed */ (withRelations),
    {
      /** Whether this run computed the result: every change to the index makes it compute
       * one, so the result and the index go into a new corpus file then, and only then. */
      computed: () => computed,
      index() {
        if (index) return index
        try {
          const { dir, name, corpus } = state
          index =
            dir && corpus
              ? decodeRelateIndex(
                  readPart(dir, name, corpus.tag, 'corpus', corpus.relations, corpus.index),
                )
              : createRelateIndex()
        } catch {
          index = createRelateIndex()
          state.fingerprints.clear()
          state.lines.clear()
        }
        return index
      },
    },
  )
}

/**
 * Writes the state: the lines this run kept into a new file (or, once the files hold too many
 * lines no longer kept, every line into one), the corpus pass's result and index into a new
 * file when this run changed them, then the state itself through a temporary file renamed over
 * the old one (a crash leaves one or the other, and the files either refers to). Files no state
 * refers to any more are removed.
 * @param {ReturnType<typeof loadRunState>} state
 */
export function saveRunState(state) {
  const { dir, name } = state
  if (!dir) return
  mkdirSync(dir, { recursive: true })
  const replaced = new Set([
    ...state.lineFiles.map(({ tag }) => `${tag}.lines`),
    ...(state.corpus ? [`${state.corpus.tag}.corpus`] : []),
  ])
  const lineFiles = writeLines(state)
  // an index decoded but not changed (a file touched, its bytes the same) is not written again
  if (state.computed() || !state.corpus) {
    const relations = Buffer.from(state.relations ?? '', 'utf8')
    const index = state.index().encode()
    const tag = writePart(dir, name, 'corpus', [relations, index])
    state.corpus = { tag, relations: relations.length, index: index.length }
  }
  const files = new Map(lineFiles.map(({ tag }, i) => [tag, i]))
  const stored = {
    format,
    layout,
    listed: state.listed,
    fingerprints: [...state.fingerprints],
    order: state.order,
    corpus: state.corpus,
    settings: state.settings,
    lineFiles,
    lines: [...state.lines].map(([id, { path, stat, elements, degraded, stored: at }]) => [
      id,
      path,
      stat,
      elements,
      degraded,
      files.get(at?.tag ?? ''),
      at?.at,
      at?.body,
      at?.row,
    ]),
  }
  replaceFile(join(dir, `${name}.state`), serialize(stored))
  state.lineFiles = lineFiles
  const keep = new Set(lineFiles.map(({ tag }) => `${tag}.lines`))
  if (state.corpus) keep.add(`${state.corpus.tag}.corpus`)
  removeUnreferenced(dir, name, keep, replaced)
}

/**
 * Writes the lines not in a file yet into a new file and resolves the files the state lists
 * from now on; each line's `stored` says where it is. Once the files hold more lines no longer
 * kept than `maxGarbage` times the lines kept, every line goes into the new file; once there
 * are `maxLineFiles`, the lines of all but the largest do.
 * @param {ReturnType<typeof loadRunState>} state
 */
function writeLines(state) {
  const { dir, name } = state
  let kept = 0
  /** @type {Set<string>} */
  const used = new Set()
  for (const line of state.lines.values())
    if (line.stored) {
      kept += line.stored.body + line.stored.row
      used.add(line.stored.tag)
    }
  let files = state.lineFiles.filter(({ tag }) => used.has(tag))
  const total = files.reduce((sum, file) => sum + file.bytes, 0)
  if (total - kept > maxGarbage * kept) files = []
  else if (files.length >= maxLineFiles)
    files = [files.reduce((a, b) => (b.bytes > a.bytes ? b : a))]
  const staying = new Set(files.map(({ tag }) => tag))
  /** @type {Uint8Array[]} */
  const parts = []
  /** @type {{ tag: string, at: number, body: number, row: number }[]} */
  const written = []
  let bytes = 0
  for (const line of state.lines.values()) {
    if (line.stored && staying.has(line.stored.tag)) continue
    const row = Buffer.from(JSON.stringify(line.row), 'utf8')
    parts.push(line.body, row)
    line.stored = { tag: '', at: bytes, body: line.body.length, row: row.length }
    written.push(line.stored)
    bytes += line.body.length + row.length
  }
  if (written.length === 0 || !dir) return files
  const tag = writePart(dir, name, 'lines', parts)
  for (const stored of written) stored.tag = tag
  return [...files, { tag, bytes }]
}
