// What one run leaves for the next on the same corpus, in the cache folder: the documents it
// listed, a fingerprint of each document's bytes, the corpus pass's index (relate-incremental)
// and its result, and the JSON line of each document with the stat of the file it was read from
// (unchanged.mjs). The next run writes the lines of unchanged files as they are, feeds the index
// only the documents whose fingerprint changed and tells which documents left the corpus. A run
// over an unchanged corpus reads no document, decodes no index, writes the stored result as it
// is, and writes no state back.
import { hash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deserialize, serialize } from 'node:v8'
import { createRelateIndex, decodeRelateIndex } from './extractor/relate-incremental.mjs'
import { version as extractorVersion } from './extractor/version.mjs'

const format = 'mx-docs-run-state'
// Bump when the layout below changes: a state written by older code is ignored (rebuilt).
const layout = 3

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
 * The state of the last run over `source` in `cacheDir`, or an empty one (first run, no cache
 * folder, or a state that does not read: it is rebuilt, never trusted).
 * @param {string | undefined} cacheDir undefined: nothing is remembered (--no-cache)
 * @param {string} source what identifies the corpus: its folder, or the installed packages
 * @param {string} [encoding] --encoding: the kept lines were decoded with the last run's
 */
export function loadRunState(cacheDir, source, encoding) {
  // What the kept lines depend on besides the files' bytes; a change drops them all.
  const settings = `${extractorVersion}\0${encoding ?? ''}`
  const path = cacheDir && join(cacheDir, 'runs', `${hash('sha1', source)}.state`)
  const empty = {
    path,
    /** Whether a previous run's state was read: `removed` means something only then. */
    known: false,
    listed: /** @type {string[]} */ ([]),
    /** By document id, of the documents the index holds (and only those). */
    fingerprints: /** @type {Map<string, string>} */ (new Map()),
    /** The documents of `relations`, in order: relate()'s result depends on it. */
    order: /** @type {string[]} */ ([]),
    /** The last result of the corpus pass, as JSON; undefined when it must be computed. */
    relations: /** @type {string | undefined} */ (undefined),
    /** The index's bytes, decoded by `index()` only when a document changed. */
    relate: /** @type {Uint8Array | undefined} */ (undefined),
    settings,
    /** The documents' JSON lines, by id, for the files they were read from. */
    lines: /** @type {Map<string, import('./unchanged.mjs').KeptLine>} */ (new Map()),
  }
  if (!path) return withIndex(empty)
  try {
    const stored = deserialize(readFileSync(path))
    const valid =
      stored?.format === format &&
      stored.layout === layout &&
      Array.isArray(stored.listed) &&
      Array.isArray(stored.order) &&
      Array.isArray(stored.fingerprints) &&
      Array.isArray(stored.lines)
    if (!valid) return withIndex(empty)
    return withIndex({
      path,
      known: true,
      listed: stored.listed,
      fingerprints: new Map(stored.fingerprints),
      order: stored.order,
      relations: stored.relations,
      relate: stored.relate,
      settings,
      lines: new Map(stored.settings === settings ? stored.lines : []),
    })
  } catch {
    return withIndex(empty)
  }
}

/**
 * Adds `index()`: the corpus index, decoded on first use (an empty one when there is none, or
 * when the stored one does not decode: every document then goes into it again, none is kept as
 * unchanged).
 * @template {{ relate: Uint8Array | undefined, fingerprints: Map<string, string>,
 *   lines: Map<string, import('./unchanged.mjs').KeptLine> }} T
 * @param {T} state
 */
function withIndex(state) {
  /** @type {ReturnType<typeof createRelateIndex> | undefined} */
  let index
  return Object.assign(state, {
    index() {
      if (index) return index
      try {
        index = state.relate ? decodeRelateIndex(state.relate) : createRelateIndex()
      } catch {
        index = createRelateIndex()
        state.fingerprints.clear()
        state.lines.clear()
      }
      return index
    },
    /** Whether the index was decoded (or created) in this run. */
    opened: () => index !== undefined,
  })
}

/**
 * Writes the state (a temporary file renamed over the old one: a crash leaves one or the other).
 * @param {ReturnType<typeof loadRunState>} state
 */
export function saveRunState(state) {
  if (!state.path) return
  const stored = {
    format,
    layout,
    listed: state.listed,
    fingerprints: [...state.fingerprints],
    order: state.order,
    relations: state.relations,
    relate: state.opened() ? state.index().encode() : state.relate,
    settings: state.settings,
    lines: [...state.lines],
  }
  mkdirSync(join(state.path, '..'), { recursive: true })
  const temporary = `${state.path}.${process.pid}.tmp`
  writeFileSync(temporary, serialize(stored))
  renameSync(temporary, state.path)
}
