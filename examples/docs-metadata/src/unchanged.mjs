// Documents unchanged since the last run, told by a stat as git and make tell them: the same
// path, device, inode, size, modification and change time as when the last run read the file.
// Such a document is neither read nor handed to the engine: its JSON line is the last run's
// (kept in the run state, see run-state.mjs), with stats that say `source: 'unchanged'`.
//
// A stat taken in the same tick as a write to the file cannot tell that write from the bytes
// read (the racy case of git's index): a line is kept only for a file whose modification time
// is at least `racyMs` older than the start of the run that read it, so that any later write
// gives it another modification time, and the change time catches a modification time set back
// by hand (utimes cannot set it). The clock of a network file system is assumed to agree with
// this machine's within that margin.
import { statSync } from 'node:fs'

/** How much older than the run's start a file's modification time must be for its line to be
 * kept: two seconds, the coarsest timestamp of the file systems Node runs on (FAT). */
export const racyMs = 2000

/**
 * @typedef {import('@mx/corpus').FileStat} FileStat what readCorpus's `stat` option gives
 * @typedef {{ path: string, stat: FileStat, body: Uint8Array, elements: number,
 *   degraded: string, row: Record<string, unknown>,
 *   stored?: { tag: string, at: number, body: number, row: number } }} KeptLine
 *   `body`: the line up to the end of its metadata; `degraded`: its `,"degraded":…` part or '';
 *   `stored`: where the run state's files hold it (run-state.mjs), once they do
 */

/** @param {FileStat} a @param {FileStat} b */
const sameStat = (a, b) =>
  a.dev === b.dev &&
  a.ino === b.ino &&
  a.size === b.size &&
  a.mtimeMs === b.mtimeMs &&
  a.ctimeMs === b.ctimeMs

/**
 * Splits the listing into the documents whose kept line can be written as it is (`unchanged`,
 * with their lines) and the ones to read (`changed`). A kept line needs its document in the
 * corpus index too (`state.fingerprints`): the corpus pass never sees an unchanged document.
 * @param {{ id: string, path: string }[]} listing
 * @param {{ lines: Map<string, KeptLine>, fingerprints: Map<string, string> }} state
 * @param {{ maxBytes: number }} options
 */
export function splitUnchanged(listing, state, { maxBytes }) {
  const unchanged = /** @type {{ id: string, kept: KeptLine }[]} */ ([])
  const changed = /** @type {{ id: string, path: string }[]} */ ([])
  for (const entry of listing) {
    const kept = state.lines.get(entry.id)
    const stat =
      kept?.path === entry.path ? statSync(entry.path, { throwIfNoEntry: false }) : undefined
    if (
      kept &&
      stat?.isFile() &&
      stat.size <= maxBytes &&
      sameStat(kept.stat, stat) &&
      state.fingerprints.has(entry.id)
    )
      unchanged.push({ id: entry.id, kept })
    else changed.push(entry)
  }
  return { unchanged, changed }
}

/**
 * The JSON line of an unchanged document, and the fields the tally and the report read.
 * @param {string} id
 * @param {KeptLine} kept
 */
export function unchangedLine(id, kept) {
  const stats = {
    elements: kept.elements,
    extracted: 0,
    reused: kept.elements,
    source: 'unchanged',
    ranIn: 'none',
  }
  const json = Buffer.concat([
    kept.body,
    Buffer.from(`,"stats":${JSON.stringify(stats)}${kept.degraded}}`),
  ])
  return { line: { kind: 'document', id, ok: true, metadata: kept.row, stats }, json }
}

/**
 * Keeps the lines of the documents this run reads, for the next run: `read(doc)` as each file is
 * read (its stat from readCorpus, taken before the bytes), `keep(id, line)` with its result's
 * line, `drop(id)` for a document that failed. The lines go out with the rest of the state when
 * the corpus changed (corpus-update.mjs), or when this run kept lines the state lacked
 * (`kept()`): a file too new to keep when it was last read (a corpus copied or cloned just
 * before a run) is read and served from the engine's cache until then, and a run over an
 * unchanged corpus whose lines are all kept writes nothing.
 * @param {{ lines: Map<string, KeptLine> }} state
 * @param {number} started the run's start, as Date.now()
 */
export function createLineKeeper(state, started) {
  /** @type {Map<string, { path: string, stat: FileStat }>} */
  const reads = new Map()
  let kept = 0
  return {
    /** @param {{ id: string, path?: string, stat?: FileStat }} doc */
    read(doc) {
      if (doc.path && doc.stat) reads.set(doc.id, { path: doc.path, stat: doc.stat })
    },
    /** @param {string} id @param {Omit<KeptLine, 'path' | 'stat'>} line */
    keep(id, line) {
      const read = reads.get(id)
      reads.delete(id)
      if (read && read.stat.mtimeMs <= started - racyMs) {
        state.lines.set(id, { ...read, ...line })
        kept++
      } else state.lines.delete(id)
    },
    /** How many lines this run kept: each is one the state did not hold (or held stale). */
    kept: () => kept,
    /** @param {string} id */
    drop(id) {
      reads.delete(id)
      state.lines.delete(id)
    },
    /**
     * Drops the lines of documents no longer listed.
     * @param {Set<string>} listed
     */
    forgetUnlisted(listed) {
      for (const id of state.lines.keys()) if (!listed.has(id)) state.lines.delete(id)
    },
  }
}
