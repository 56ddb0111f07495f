// How test/docs.test.ts reads Markdown: fences, info strings, file names and expected output.
import { describe, expect, it } from 'vitest'
import { codeBlocks, installedNames } from '../scripts/docs-blocks.mjs'

const markdown = [
  '# Title',
  '',
  '```sh',
  'npm i @mx/cache lmdb   # the disk tier',
  'pnpm add -D vitest',
  '```',
  '',
  '```js',
  '// main.mjs: the program',
  "console.log('hi')",
  '```',
  '',
  '```text output',
  'hi',
  '```',
  '',
  '- a list item with a block',
  '  ```ts nocheck',
  '  partial(',
  '  ```',
  '',
  '```',
  'plain text',
  '```',
].join('\n')

describe('codeBlocks', () => {
  const blocks = codeBlocks(markdown, 'x/README.md')

  it('finds every block with its language, flags and the line of its fence', () => {
    expect(blocks.map((b) => [b.line, b.lang, [...b.flags]])).toEqual([
      [3, 'sh', []],
      [8, 'js', []],
      [18, 'ts', ['nocheck']],
      [22, '', []],
    ])
    expect(blocks.every((b) => b.file === 'x/README.md')).toBe(true)
  })

  it('names a block after the file its first comment names', () => {
    expect(blocks[1]?.name).toBe('main.mjs')
    expect(blocks[0]?.name).toBeUndefined()
  })

  it('gives an `output` block to the block before it', () => {
    expect(blocks[1]?.output).toBe('hi')
    expect(blocks[1]?.code).toBe("// main.mjs: the program\nconsole.log('hi')")
  })

  it('strips the indentation of a block inside a list item', () => {
    expect(blocks[2]?.code).toBe('partial(')
  })

  it('reads what the install lines install, flags and comments left out', () => {
    expect(installedNames(blocks)).toEqual(['@mx/cache', 'lmdb', 'vitest'])
  })
})
