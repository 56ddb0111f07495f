import { rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CorpusReadError, defaultMaxBytes, readCorpus } from '../src/index.mjs'

type Entry = { id: string; path: string }
type Failure = Entry & { error: CorpusReadError }

async function collect<T>(documents: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const doc of documents) out.push(doc)
  return out
}

describe('readCorpus', () => {
  let dir: ReturnType<typeof tempDir>
  const entry = (id: string): Entry => ({ id, path: join(dir.path, id) })

  beforeEach(() => {
    dir = tempDir('mx-corpus-read-')
    writeFileSync(join(dir.path, 'guide.md'), '# Guide\n\ncafé\n')
    writeFileSync(join(dir.path, 'page.html'), '<title>Page</title>')
  })
  afterEach(() => dir.remove())

  it('reads raw bytes as Markdown by default', async () => {
    const [doc] = await collect(readCorpus([entry('guide.md')]))
    expect(doc).toEqual({
      id: 'guide.md',
      path: join(dir.path, 'guide.md'),
      mediaType: 'text/markdown',
      content: new Uint8Array(Buffer.from('# Guide\n\ncafé\n')),
    })
  })

  it('adds the stat of the file it read with stat: true (a link: its target), none without', async () => {
    symlinkSync('guide.md', join(dir.path, 'link.md'))
    const [guide, link] = await collect(
      readCorpus([entry('guide.md'), entry('link.md')], { stat: true }),
    )
    const { dev, ino, size, mtimeMs, ctimeMs } = statSync(join(dir.path, 'guide.md'))
    expect(guide?.stat).toEqual({ dev, ino, size, mtimeMs, ctimeMs })
    expect(link?.stat).toEqual(guide?.stat)
    const [plain] = await collect(readCorpus([entry('guide.md')]))
    expect(plain).not.toHaveProperty('stat')
  })

  it('gives each document bytes over a buffer of their own, small pooled files too', async () => {
    writeFileSync(join(dir.path, 'big.md'), 'x'.repeat(100_000))
    const docs = await collect(readCorpus([entry('guide.md'), entry('big.md')]))
    for (const doc of docs) {
      const content = doc.content as Uint8Array
      expect(Object.getPrototypeOf(content)).toBe(Uint8Array.prototype)
      expect(content.byteOffset).toBe(0)
      expect(content.buffer.byteLength).toBe(content.byteLength)
    }
    expect(docs[1]?.content.length).toBe(100_000)
  })

  it('reads UTF-8 text, a media type by path and the encoding as its charset when told to', async () => {
    const docs = await collect(
      readCorpus([entry('guide.md'), entry('page.html')], {
        text: true,
        mediaType: (path: string) => (path.endsWith('.html') ? 'text/html' : 'text/markdown'),
        encoding: 'windows-1252',
      }),
    )
    expect(docs.map(({ mediaType, content }) => ({ mediaType, content }))).toEqual([
      { mediaType: 'text/markdown; charset=windows-1252', content: '# Guide\n\ncafé\n' },
      { mediaType: 'text/html; charset=windows-1252', content: '<title>Page</title>' },
    ])
  })

  it('reports a file over maxBytes as MX_DOCS_TOO_LARGE and goes on with the next', async () => {
    const failures: Failure[] = []
    // page.html is 19 bytes, guide.md 15: exactly maxBytes is read.
    const docs = await collect(
      readCorpus([entry('page.html'), entry('guide.md')], {
        maxBytes: 15,
        onError: (failure) => failures.push(failure),
      }),
    )
    expect(docs.map((doc) => doc.id)).toEqual(['guide.md'])
    expect(failures).toHaveLength(1)
    expect(failures[0]?.id).toBe('page.html')
    expect(failures[0]?.error).toBeInstanceOf(CorpusReadError)
    expect(failures[0]?.error).toMatchObject({
      code: 'MX_DOCS_TOO_LARGE',
      message: `MX_DOCS_TOO_LARGE: ${join(dir.path, 'page.html')} is 19 bytes, over the 15-byte limit`,
    })
    expect(defaultMaxBytes).toBe(10 * 1024 * 1024)
  })

  it('reports an unreadable entry (gone, a dangling link, a folder) as MX_DOCS_UNREADABLE', async () => {
    symlinkSync(join(dir.path, 'nowhere.md'), join(dir.path, 'dangling.md'))
    const failures: Failure[] = []
    const docs = await collect(
      readCorpus([entry('gone.md'), entry('dangling.md'), { id: 'dir', path: dir.path }], {
        onError: (failure) => failures.push(failure),
      }),
    )
    expect(docs).toEqual([])
    expect(failures.map(({ id, error }) => [id, error.code])).toEqual([
      ['gone.md', 'MX_DOCS_UNREADABLE'],
      ['dangling.md', 'MX_DOCS_UNREADABLE'],
      ['dir', 'MX_DOCS_UNREADABLE'],
    ])
    expect(failures[0]?.error.message).toMatch(/^MX_DOCS_UNREADABLE: gone\.md: ENOENT/)
    expect(failures[0]?.error.cause).toMatchObject({ code: 'ENOENT' })
  })

  it('throws the failure when no onError is given', async () => {
    await expect(collect(readCorpus([entry('gone.md')]))).rejects.toMatchObject({
      name: 'CorpusReadError',
      code: 'MX_DOCS_UNREADABLE',
    })
  })

  it('reads lazily: one file when the next document is pulled', async () => {
    const documents = readCorpus([entry('guide.md'), entry('page.html')], { text: true })
    expect((await documents.next()).value?.id).toBe('guide.md')
    // Not read yet: removing it now makes it fail.
    rmSync(join(dir.path, 'page.html'))
    await expect(documents.next()).rejects.toMatchObject({ code: 'MX_DOCS_UNREADABLE' })
  })
})
