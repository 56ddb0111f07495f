// The documentation of the packages installed under a workspace's node_modules, pnpm layout
// included (node_modules/.pnpm/<id>/node_modules/<name>): real documents nobody here wrote.
import { existsSync } from 'node:fs'
import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { byId, walk, walkRules } from './folder-documents.mjs'

/** The documentation files at the top of a package that are listed unless told otherwise. */
export const packageDocNames =
  /^(readme|changelog|history|contributing|migration|upgrading)(\.[\w-]+)?\.md$/i

/**
 * The documentation of every package installed under `root` as `{ id, path }`, the id being
 * `<name>@<version>/<path in the package>`: the files at the package's top whose name matches
 * `names`, then the documents of its `folders`, walked with the walk options. A folder that
 * holds no package.json with a name is no package.
 * @param {string} root the workspace root
 * @param {import('./folder-documents.mjs').WalkOptions & {
 *   names?: RegExp, folders?: string[], order?: import('./folder-documents.mjs').Order }} [options]
 *   `names` defaults to `packageDocNames`, `folders` to `['docs']`
 * @returns {Promise<import('./folder-documents.mjs').DocumentEntry[]>}
 */
export async function installedDocuments(root, options = {}) {
  const { names = packageDocNames, folders = ['docs'] } = options
  const rules = walkRules(options)
  const docs = []
  for (const dir of await packageDirs(root)) {
    const manifest = await readManifest(dir)
    if (!manifest) continue
    const prefix = `${manifest.name}@${manifest.version ?? '0.0.0'}/`
    for (const name of (await readdir(dir)).sort())
      if (names.test(name)) docs.push({ id: `${prefix}${name}`, path: join(dir, name) })
    for (const folder of folders) {
      const path = join(dir, folder)
      if ((await stat(path).catch(() => null))?.isDirectory())
        for await (const doc of walk(path, `${prefix}${folder}/`, rules)) docs.push(doc)
    }
  }
  if (options.order === 'found') return docs
  // Each id once: the first of the package's copies, by real path.
  const unique = new Map()
  for (const doc of docs) if (!unique.has(doc.id)) unique.set(doc.id, doc)
  return [...unique.values()].sort(byId)
}

/**
 * The package.json of `dir` when it names a package, else undefined.
 * @param {string} dir
 * @returns {Promise<{ name: string, version?: string } | undefined>}
 */
async function readManifest(dir) {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
    return typeof manifest?.name === 'string' ? manifest : undefined
  } catch {
    return undefined
  }
}

/**
 * The real folders of the installed packages, each once, sorted.
 * @param {string} root
 */
async function packageDirs(root) {
  /** @type {Set<string>} */
  const dirs = new Set()
  const scan = async (/** @type {string} */ modules) => {
    for (const name of await readdir(modules).catch(() => [])) {
      if (name.startsWith('.')) continue
      const inner = name.startsWith('@')
        ? (await readdir(join(modules, name)).catch(() => [])).map((sub) => join(name, sub))
        : [name]
      for (const pkg of inner) {
        const real = await realpath(join(modules, pkg)).catch(() => null)
        if (real) dirs.add(real)
      }
    }
  }
  const store = join(root, 'node_modules', '.pnpm')
  if (existsSync(store))
    for (const id of (await readdir(store)).sort()) await scan(join(store, id, 'node_modules'))
  await scan(join(root, 'node_modules'))
  return [...dirs].sort()
}
