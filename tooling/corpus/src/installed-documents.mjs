// The documentation of the packages installed under a workspace's node_modules, pnpm layout
// included (node_modules/.pnpm/<id>/node_modules/<name>): real documents nobody here wrote.
// Synchronous calls, as in folder-documents.mjs: thousands of tiny reads, no promise for each.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
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
  for (const dir of packageDirs(root)) {
    const manifest = readManifest(dir)
    if (!manifest) continue
    const prefix = `${manifest.name}@${manifest.version ?? '0.0.0'}/`
    for (const name of readdirSync(dir).sort())
      if (names.test(name)) docs.push({ id: `${prefix}${name}`, path: join(dir, name) })
    for (const folder of folders) {
      const path = join(dir, folder)
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
        for (const doc of walk(path, `${prefix}${folder}/`, rules)) docs.push(doc)
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
 * @returns {{ name: string, version?: string } | undefined}
 */
function readManifest(dir) {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    return typeof manifest?.name === 'string' ? manifest : undefined
  } catch {
    return undefined
  }
}

/**
 * The real folders of the installed packages, each once, sorted.
 * @param {string} root
 */
function packageDirs(root) {
  /** @type {Set<string>} */
  const dirs = new Set()
  const scan = (/** @type {string} */ modules, /** @type {string} */ real) => {
    for (const entry of list(modules)) {
      if (entry.name.startsWith('.')) continue
      const inner = entry.name.startsWith('@')
        ? list(join(modules, entry.name)).map((sub) => ({ sub, scope: entry.name }))
        : [{ sub: entry, scope: '' }]
      for (const { sub, scope } of inner) {
        const name = join(scope, sub.name)
        // A folder under a real folder is real; only a link needs resolving (one call).
        if (sub.isDirectory()) dirs.add(join(real, name))
        else if (sub.isSymbolicLink()) {
          const target = realOrNull(join(modules, name))
          if (target) dirs.add(target)
        }
      }
    }
  }
  const realRoot = realOrNull(root) ?? root
  const store = join(realRoot, 'node_modules', '.pnpm')
  if (existsSync(store))
    for (const id of readdirSync(store).sort()) {
      const modules = join(store, id, 'node_modules')
      scan(modules, modules)
    }
  const top = join(root, 'node_modules')
  scan(top, realOrNull(top) ?? top)
  return [...dirs].sort()
}

/** The entries of a folder; none when it cannot be read. */
function list(/** @type {string} */ dir) {
  try {
    return readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
}

/** The real path of `path`; null when it leads nowhere. */
function realOrNull(/** @type {string} */ path) {
  try {
    return realpathSync.native(path)
  } catch {
    return null
  }
}
