// The default corpus: the README of every package installed under the workspace's
// node_modules (pnpm layout included), each package once: real documents nobody here wrote.
import { existsSync } from 'node:fs'
import { readdir, readFile, realpath } from 'node:fs/promises'
import { join } from 'node:path'

const readmeName = /^readme\.(md|markdown)$/i

async function packageDirs(modules) {
  if (!existsSync(modules)) return []
  const dirs = []
  for (const name of await readdir(modules)) {
    if (name.startsWith('.')) continue
    if (name.startsWith('@'))
      for (const sub of await readdir(join(modules, name))) dirs.push(join(modules, name, sub))
    else dirs.push(join(modules, name))
  }
  return dirs
}

/** `{ id, path }` of the README of each package installed under `root`, sorted by id. */
export async function installedReadmes(root) {
  const modules = join(root, 'node_modules')
  const store = join(modules, '.pnpm')
  const candidates = await packageDirs(modules)
  if (existsSync(store))
    for (const id of await readdir(store))
      candidates.push(...(await packageDirs(join(store, id, 'node_modules'))))
  const byId = new Map()
  for (const dir of candidates) {
    const real = await realpath(dir).catch(() => undefined)
    if (!real) continue
    const readme = (await readdir(real).catch(() => [])).find((name) => readmeName.test(name))
    if (!readme) continue
    let manifest
    try {
      manifest = JSON.parse(await readFile(join(real, 'package.json'), 'utf8'))
    } catch {
      continue
    }
    const id = `${manifest.name}@${manifest.version}/${readme}`
    if (!byId.has(id)) byId.set(id, { id, path: join(real, readme) })
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** Reads `entries` lazily as `SourceDocument`s. */
export async function* readEntries(entries) {
  for (const { id, path } of entries)
    yield { id, path, mediaType: 'text/markdown', content: await readFile(path, 'utf8') }
}
