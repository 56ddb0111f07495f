// The documents: every Markdown file under a folder (node_modules, .git, dist skipped), read
// lazily, one file when the producer pulls the next document.
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'

const skipped = new Set(['node_modules', '.git', 'dist', '.turbo', '.mx-cache', 'coverage'])

/** Paths of the `.md` files under `dir`, sorted. */
export async function markdownFiles(dir) {
  const files = []
  const walk = async (current) => {
    const entries = await readdir(current, { withFileTypes: true })
    for (const entry of entries) {
      const path = join(current, entry.name)
      if (entry.isDirectory() && !skipped.has(entry.name)) await walk(path)
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) files.push(path)
    }
  }
  await walk(dir)
  return files.sort()
}

/** `SourceDocument`s of `files`, ids relative to `dir` with forward slashes. */
export async function* readDocuments(dir, files) {
  for (const path of files) {
    yield {
      id: relative(dir, path).split(sep).join('/'),
      path,
      mediaType: 'text/markdown',
      content: await readFile(path, 'utf8'),
    }
  }
}
