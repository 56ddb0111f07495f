import { randomBytes } from 'node:crypto'
import { link, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import {
  InvalidOptionError,
  StoreCorruptError,
  UnknownVersionError,
  VersionConflictError,
} from '../errors'
import { canonicalJson, digest } from '../hash'
import type { VersionInfo, VersionRecord, VersionStore } from '../types'
import { infoOf, validateCommit } from './shared'

export interface FsStoreOptions {
  /** Directory holding the store; created when missing. */
  dir: string
  /** fsync files and directories before a commit counts (default true; false only for tests). */
  durable?: boolean
}

const VERSION_FILE = /^v(\d+)\.json$/
const PACK_FILE = /^pack-[\w-]+\.json$/
const MAGIC = 'mx-incremental/1'
const CACHED_DOCUMENTS = 8

interface VersionBody {
  record: VersionRecord
  blobs: Record<string, unknown>
}

/**
 * A `VersionStore` on the file system, one directory per document. A commit writes a temp file
 * holding the record and the new element results, fsyncs it, then hard-links it to `v<N>.json`:
 * `link` never overwrites, so of two writers based on the same version exactly one wins and the
 * other gets `MX_INCREMENTAL_VERSION_CONFLICT`, and a SIGKILL at any point leaves either no `v<N>.json` or a
 * complete one. The latest version is the highest `v<N>.json` present: there is no pointer file
 * that could disagree with the versions. Every file starts with a checksum of its body, so a
 * damaged file is reported as `MX_INCREMENTAL_STORE_CORRUPT` for its own document only.
 */
export function fsStore(options: FsStoreOptions): VersionStore {
  if (!options || typeof options.dir !== 'string' || options.dir === '') {
    throw new InvalidOptionError('dir', 'fsStore needs options.dir, a directory path')
  }
  const root = join(options.dir, 'docs')
  const durable = options.durable ?? true
  // file name → blobs it holds; version files only lose blobs when deleted, packs are immutable
  const blobCache = new Map<string, Map<string, Map<string, unknown>>>()

  const dirOf = (docId: string) => join(root, encodeDocId(docId))

  async function syncDir(dir: string): Promise<void> {
    if (!durable) return
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  async function writeTemp(dir: string, body: unknown): Promise<string> {
    const text = canonicalJson(body)
    const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`)
    const handle = await open(temp, 'wx')
    try {
      await handle.writeFile(`${MAGIC} ${digest(text)} ${text.length}\n${text}`)
      if (durable) await handle.sync()
    } finally {
      await handle.close()
    }
    return temp
  }

  async function readChecked(file: string): Promise<unknown> {
    let raw: string
    try {
      raw = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    const newline = raw.indexOf('\n')
    const [magic, checksum, length] = raw.slice(0, Math.max(newline, 0)).split(' ')
    const text = raw.slice(newline + 1)
    if (newline < 0 || magic !== MAGIC) throw new StoreCorruptError(file, 'missing header')
    if (String(text.length) !== length || digest(text) !== checksum) {
      throw new StoreCorruptError(file, 'checksum mismatch')
    }
    try {
      return JSON.parse(text)
    } catch (cause) {
      throw new StoreCorruptError(file, 'body is not JSON', { cause })
    }
  }

  async function listing(docId: string): Promise<{ versions: number[]; packs: string[] }> {
    let names: string[]
    try {
      names = await readdir(dirOf(docId))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { versions: [], packs: [] }
      throw error
    }
    const versions: number[] = []
    const packs: string[] = []
    for (const name of names) {
      const match = VERSION_FILE.exec(name)
      if (match) versions.push(Number(match[1]))
      else if (PACK_FILE.test(name)) packs.push(name)
    }
    return { versions: versions.sort((a, b) => a - b), packs }
  }

  async function headOf(docId: string): Promise<number | null> {
    const { versions } = await listing(docId)
    return versions.length === 0 ? null : (versions[versions.length - 1] as number)
  }

  async function readBody(docId: string, version: number): Promise<VersionBody> {
    const file = join(dirOf(docId), `v${version}.json`)
    const body = (await readChecked(file)) as VersionBody | undefined
    if (body === undefined) throw new UnknownVersionError(docId, version)
    if (!body || typeof body !== 'object' || !body.record || body.record.version !== version) {
      throw new StoreCorruptError(file, 'unexpected content')
    }
    return body
  }

  /** Blobs held by one file of a document, cached; a corrupt file holds none. */
  async function blobsIn(docId: string, name: string): Promise<Map<string, unknown>> {
    let files = blobCache.get(docId)
    blobCache.delete(docId)
    files ??= new Map()
    // most recently used last; only a few documents' files stay parsed in memory
    blobCache.set(docId, files)
    if (blobCache.size > CACHED_DOCUMENTS) blobCache.delete(blobCache.keys().next().value as string)
    const cached = files.get(name)
    if (cached) return cached
    const blobs = new Map<string, unknown>()
    try {
      const body = (await readChecked(join(dirOf(docId), name))) as
        | { blobs?: Record<string, unknown> }
        | undefined
      for (const [key, value] of Object.entries(body?.blobs ?? {})) blobs.set(key, value)
    } catch (error) {
      if (!(error instanceof StoreCorruptError)) throw error
    }
    files.set(name, blobs)
    return blobs
  }

  async function blobFiles(docId: string): Promise<string[]> {
    const { versions, packs } = await listing(docId)
    const names = [...versions.reverse().map((v) => `v${v}.json`), ...packs]
    const files = blobCache.get(docId)
    if (files) for (const name of files.keys()) if (!names.includes(name)) files.delete(name)
    return names
  }

  return {
    name: 'fs',
    async documents() {
      let names: string[]
      try {
        names = await readdir(root)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      }
      const out: string[] = []
      for (const name of names) {
        const docId = decodeDocId(name)
        if (docId !== undefined && (await headOf(docId)) !== null) out.push(docId)
      }
      return out.sort()
    },
    head: headOf,
    async commit(docId, request) {
      validateCommit(docId, request)
      const dir = dirOf(docId)
      const head = await headOf(docId)
      if (request.base !== head) throw new VersionConflictError(docId, request.base, head)
      if (head === null) {
        await mkdir(dir, { recursive: true })
        await syncDir(root)
      }
      const temp = await writeTemp(dir, { record: request.record, blobs: request.blobs })
      const target = join(dir, `v${request.record.version}.json`)
      try {
        await link(temp, target)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        throw new VersionConflictError(docId, request.base, await headOf(docId))
      } finally {
        await unlink(temp).catch(() => undefined)
      }
      await syncDir(dir)
      return request.record.version
    },
    async read(docId, version) {
      return (await readBody(docId, version)).record
    },
    async list(docId) {
      const { versions } = await listing(docId)
      const out: VersionInfo[] = []
      for (const version of versions) {
        try {
          out.push(infoOf((await readBody(docId, version)).record))
        } catch (error) {
          if (!(error instanceof StoreCorruptError)) throw error
        }
      }
      return out
    },
    async blobs(docId, keys) {
      const found = new Map<string, unknown>()
      const wanted = new Set(keys)
      for (const name of await blobFiles(docId)) {
        if (found.size === wanted.size) break
        const blobs = await blobsIn(docId, name)
        for (const key of wanted)
          if (!found.has(key) && blobs.has(key)) found.set(key, blobs.get(key))
      }
      const out = new Map<string, unknown>()
      for (const key of keys) if (found.has(key)) out.set(key, structuredClone(found.get(key)))
      return out
    },
    async prune(docId, request) {
      const dir = dirOf(docId)
      await removeDeadTemps(dir)
      const { versions, packs } = await listing(docId)
      const head = versions[versions.length - 1]
      const removing = new Set(request.versions.filter((v) => v !== head && versions.includes(v)))
      const doomed = [...[...removing].map((v) => `v${v}.json`), ...packs]
      const kept = new Map<string, unknown>()
      const dead = new Set<string>()
      for (const name of doomed) {
        for (const [key, value] of await blobsIn(docId, name)) {
          if (request.live.has(key)) kept.set(key, value)
          else dead.add(key)
        }
      }
      if (doomed.length === 0) return { blobsRemoved: 0 }
      if (kept.size > 0) {
        const temp = await writeTemp(dir, { blobs: Object.fromEntries(kept) })
        await rename(temp, join(dir, `pack-${Date.now()}-${randomBytes(4).toString('hex')}.json`))
        await syncDir(dir)
      }
      for (const name of doomed) await unlink(join(dir, name)).catch(() => undefined)
      await syncDir(dir)
      blobCache.delete(docId)
      return { blobsRemoved: dead.size }
    },
    async deleteDocument(docId) {
      const dir = dirOf(docId)
      const trash = join(root, `.trash-${randomBytes(6).toString('hex')}`)
      try {
        await rename(dir, trash)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
        throw error
      }
      await syncDir(root)
      blobCache.delete(docId)
      await rm(trash, { recursive: true, force: true })
    },
    async close() {
      blobCache.clear()
    },
  }
}

/** Deletes temp files left by writers of this machine that died mid-commit (SIGKILL, crash). */
async function removeDeadTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    const pid = /^\.tmp-(\d+)-/.exec(name)?.[1]
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue
    await unlink(join(dir, name)).catch(() => undefined)
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function encodeDocId(docId: string): string {
  const encoded = Buffer.from(docId, 'utf8').toString('base64url')
  if (encoded.length > 200) {
    throw new InvalidOptionError('docId', `docId is too long for fsStore (${docId.length} chars)`)
  }
  return `d${encoded}`
}

function decodeDocId(name: string): string | undefined {
  if (!name.startsWith('d')) return undefined
  return Buffer.from(name.slice(1), 'base64url').toString('utf8')
}
