// The default corpus: the Markdown documentation (README, CHANGELOG, docs/) of the packages
// installed under the workspace's node_modules — real documents nobody in this project wrote.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { basename, join, relative } from 'node:path'

const docNames = /^(readme|changelog|history|contributing|migration|upgrading)(\.[\w-]+)?\.md$/i

function* walkDocs(dir, depth) {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && depth > 0 && entry.name !== 'node_modules')
      yield* walkDocs(path, depth - 1)
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) yield path
  }
}

/** Package folders under `<root>/node_modules/.pnpm/<id>/node_modules/<name>` (and plain node_modules). */
function packageDirs(root) {
  const dirs = new Set()
  const add = (dir) => {
    try {
      dirs.add(realpathSync(dir))
    } catch {}
  }
  const scan = (modules) => {
    if (!existsSync(modules)) return
    for (const name of readdirSync(modules)) {
      if (name.startsWith('.')) continue
      if (name.startsWith('@'))
        for (const sub of readdirSync(join(modules, name))) add(join(modules, name, sub))
      else add(join(modules, name))
    }
  }
  const store = join(root, 'node_modules', '.pnpm')
  if (existsSync(store)) for (const id of readdirSync(store)) scan(join(store, id, 'node_modules'))
  scan(join(root, 'node_modules'))
  return [...dirs].sort()
}

/** Lists `{ id, path }` for every documentation file of every installed package. */
export function listInstalledDocs(root) {
  const docs = []
  for (const dir of packageDirs(root)) {
    let manifest
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    } catch {
      continue
    }
    const paths = readdirSync(dir)
      .filter((name) => docNames.test(name))
      .map((name) => join(dir, name))
    const docsDir = join(dir, 'docs')
    if (existsSync(docsDir) && statSync(docsDir).isDirectory()) paths.push(...walkDocs(docsDir, 3))
    for (const path of paths) {
      docs.push({ id: `${manifest.name}@${manifest.version}/${relative(dir, path)}`, path })
    }
  }
  return docs
}

/** Lists `{ id, path }` for the Markdown files under a folder. */
export function listFolderDocs(dir) {
  return [...walkDocs(dir, 20)]
    .sort()
    .map((path) => ({ id: relative(dir, path) || basename(path), path }))
}

/** Reads a document's text. */
export function readDoc(doc) {
  return readFileSync(doc.path, 'utf8')
}
