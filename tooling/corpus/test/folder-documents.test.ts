import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { folderDocuments } from '../src/index.mjs'

/** Writes each file (its name as content) under `root`, making the folders on the way. */
function writeTree(root: string, files: string[]) {
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), `# ${file}\n`)
  }
}

const ids = (docs: { id: string }[]) => docs.map((doc) => doc.id)

describe('folderDocuments', () => {
  let dir: ReturnType<typeof tempDir>

  beforeEach(() => {
    dir = tempDir('mx-corpus-folder-')
    writeTree(dir.path, [
      'README.md',
      'a.md',
      'a/x.md',
      'a/b/deep.MD',
      'a/page.html',
      'a/notes.txt',
      'a-b/y.md',
      'site.markdown',
      'node_modules/pkg/skip.md',
      '.git/skip.md',
      'dist/built.md',
      '.turbo/log.md',
      '.mx-cache/entry.md',
      'coverage/report.md',
    ])
  })
  afterEach(() => dir.remove())

  it('lists the .md files by default, skipping dependencies, VCS, build output and caches, sorted by id', async () => {
    const docs = await folderDocuments(dir.path)
    expect(ids(docs)).toEqual(['README.md', 'a-b/y.md', 'a.md', 'a/b/deep.MD', 'a/x.md'])
    expect(docs[3]).toEqual({ id: 'a/b/deep.MD', path: join(dir.path, 'a', 'b', 'deep.MD') })
  })

  it("order 'found' keeps the walk's order: folder by folder, names sorted in each", async () => {
    const docs = await folderDocuments(dir.path, { order: 'found' })
    expect(ids(docs)).toEqual(['README.md', 'a/b/deep.MD', 'a/x.md', 'a-b/y.md', 'a.md'])
  })

  it('lists the extensions it is given, whatever their case in the file name', async () => {
    const docs = await folderDocuments(dir.path, {
      extensions: ['.md', '.markdown', '.html', '.txt'],
    })
    expect(ids(docs)).toEqual([
      'README.md',
      'a-b/y.md',
      'a.md',
      'a/b/deep.MD',
      'a/notes.txt',
      'a/page.html',
      'a/x.md',
      'site.markdown',
    ])
  })

  it('enters every folder but the skipped ones it is given', async () => {
    const docs = await folderDocuments(dir.path, { skip: ['node_modules'] })
    expect(ids(docs)).toEqual([
      '.git/skip.md',
      '.mx-cache/entry.md',
      '.turbo/log.md',
      'README.md',
      'a-b/y.md',
      'a.md',
      'a/b/deep.MD',
      'a/x.md',
      'coverage/report.md',
      'dist/built.md',
    ])
  })

  it('enters maxDepth folder levels below the top', async () => {
    expect(ids(await folderDocuments(dir.path, { maxDepth: 0 }))).toEqual(['README.md', 'a.md'])
    expect(ids(await folderDocuments(dir.path, { maxDepth: 1 }))).toEqual([
      'README.md',
      'a-b/y.md',
      'a.md',
      'a/x.md',
    ])
  })

  it('lists symbolic links only when told to, dangling ones included', async () => {
    symlinkSync(join(dir.path, 'README.md'), join(dir.path, 'link.md'))
    symlinkSync(join(dir.path, 'gone.md'), join(dir.path, 'dangling.md'))
    symlinkSync(join(dir.path, 'a'), join(dir.path, 'linked-folder'))
    expect(ids(await folderDocuments(dir.path, { maxDepth: 0 }))).toEqual(['README.md', 'a.md'])
    expect(ids(await folderDocuments(dir.path, { maxDepth: 0, symlinks: true }))).toEqual([
      'README.md',
      'a.md',
      'dangling.md',
      'link.md',
    ])
  })

  it('rejects when the folder cannot be read', async () => {
    await expect(folderDocuments(join(dir.path, 'missing'))).rejects.toMatchObject({
      code: 'ENOENT',
    })
  })
})
