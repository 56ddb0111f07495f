// The files of a run state besides the state itself (run-state.mjs), in the cache folder's
// `runs/`: each written once, whole, under a name of its own, and never changed after, so that a
// state always reads the files it was written with, whatever a run beside it writes meanwhile.
//   <name>-<tag>.lines    kept lines: each one its line's bytes, then its report row as JSON
//   <name>-<tag>.corpus   the corpus pass's result as JSON (UTF-8), then its index's bytes
// A run that keeps one more line writes a small `.lines` file with that line, not all of them
// again; the state lists which file holds each line, at which offset.
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writevSync,
} from 'node:fs'
import { join } from 'node:path'

/** A file no state refers to is removed once older than this (a crashed run's, or a run's that
 * another replaced): younger, it may belong to a run still writing its state. */
const orphanMs = 10 * 60_000

/**
 * Writes `parts` as a new file of kind `kind` for the state `name` in `dir`; resolves its tag.
 * @param {string} dir
 * @param {string} name
 * @param {'lines' | 'corpus'} kind
 * @param {Uint8Array[]} parts
 */
export function writePart(dir, name, kind, parts) {
  const tag = randomBytes(6).toString('hex')
  const fd = openSync(join(dir, `${name}-${tag}.${kind}`), 'wx')
  try {
    // libuv writes more buffers than the system's limit per call in several calls
    writevSync(fd, parts)
  } finally {
    closeSync(fd)
  }
  return tag
}

/**
 * `length` bytes at `offset` of the file of kind `kind` tagged `tag` (throws when it is gone
 * or shorter: the caller then trusts nothing it would have read from it).
 * @param {string} dir @param {string} name @param {string} tag
 * @param {'lines' | 'corpus'} kind @param {number} offset @param {number} length
 */
export function readPart(dir, name, tag, kind, offset, length) {
  const bytes = Buffer.allocUnsafe(length)
  const fd = openSync(join(dir, `${name}-${tag}.${kind}`), 'r')
  try {
    let read = 0
    while (read < length) {
      const n = readSync(fd, bytes, read, length - read, offset + read)
      if (n === 0) throw new Error(`${name}-${tag}.${kind} is shorter than its state says`)
      read += n
    }
  } finally {
    closeSync(fd)
  }
  return bytes
}

/**
 * Removes the files of state `name` that the state just written does not refer to (`keep`, as
 * `<tag>.<kind>`): at once those the previous state referred to (`replaced`), the others only
 * once they are old enough to be nobody's.
 * @param {string} dir @param {string} name @param {Set<string>} keep @param {Set<string>} replaced
 */
export function removeUnreferenced(dir, name, keep, replaced) {
  const prefix = `${name}-`
  const now = Date.now()
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(prefix) || file.endsWith('.tmp')) continue
    const part = file.slice(prefix.length)
    if (keep.has(part)) continue
    try {
      if (replaced.has(part) || now - statSync(join(dir, file)).mtimeMs > orphanMs)
        rmSync(join(dir, file), { force: true })
    } catch {
      // gone already, or not ours to remove: nothing is lost
    }
  }
}

/**
 * Writes `bytes` to `path` through a temporary file renamed over it: a crash leaves the old
 * file or the new one.
 * @param {string} path @param {Uint8Array} bytes
 */
export function replaceFile(path, bytes) {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, bytes)
  renameSync(temporary, path)
}
