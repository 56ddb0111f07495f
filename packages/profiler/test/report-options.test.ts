import { expectInvalidOption, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { createProfiler, InvalidOptionError, renderReport } from '../src/index'

function snapshot() {
  const p = createProfiler()
  p.counter('docs.done').inc()
  const snap = p.snapshot()
  p.close()
  return snap
}

describe('renderReport intro and headline', () => {
  it('puts the intro as is, then the headline escaped, before the performance sections', () => {
    const html = renderReport(snapshot(), {
      title: 'run',
      intro: '<section id="mine"><h2>Documents</h2></section>',
      headline: [{ label: 'hit rate <all>', value: '98% & more' }],
    })
    const at = (text: string) => html.indexOf(text)
    expect(at('<section id="mine">')).toBeGreaterThan(at('<h1>run</h1>'))
    expect(at('<div class="headline">')).toBeGreaterThan(at('<section id="mine">'))
    expect(at('<h2>Throughput</h2>')).toBeGreaterThan(at('<div class="headline">'))
    expect(html).toContain('<b>98% &#38; more</b><span>hit rate &#60;all&#62;</span>')
  })

  it('renders as before without them', () => {
    const html = renderReport(snapshot(), { title: 'run' })
    expect(html).not.toContain('class="headline"')
    expect(html).not.toContain('id="performance"')
  })

  it('names a wrong intro or headline', () => {
    expectInvalidOption(
      thrown(() => renderReport(snapshot(), { intro: 42 as unknown as string })),
      InvalidOptionError,
      'intro',
      'intro must be a string of HTML, got number',
    )
    expectInvalidOption(
      thrown(() => renderReport(snapshot(), { headline: [{ label: 'x' }] as unknown as [] })),
      InvalidOptionError,
      'headline',
      'headline must be an array of { label: string, value: string }',
    )
  })
})
