// cpuHotspots and heapTopAllocations on hand-built profiles: exact numbers, and the edge cases
// (idle samples, unknown nodes, anonymous functions, native frames) a real profile rarely shows
// on cue. Kept apart from profiles.test.ts, whose real inspector sessions run in its own process.
import { describe, expect, it } from 'vitest'
import { type CpuProfile, cpuHotspots, type HeapProfile, heapTopAllocations } from '../src/profiles'

const frame = (functionName: string, url = 'file:///app.js', lineNumber = 0, columnNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber,
})

describe('cpuHotspots', () => {
  it('gives each sample the time until the next one and ranks functions by self time', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('parse', 'file:///app.js', 9, 4) },
        { id: 4, callFrame: frame('', 'file:///app.js', 19, 0) },
        { id: 5, callFrame: frame('nativeSort', '') },
      ],
      startTime: 0,
      endTime: 1000,
      // Sample 99 names no node: skipped, its time too. The idle sample counts toward the total only.
      samples: [3, 3, 4, 2, 99, 5, 3],
      timeDeltas: [0, 100, 300, 100, 250, 50, 50],
    }
    const hotspots = cpuHotspots(profile, 10)
    expect(hotspots).toEqual([
      {
        functionName: 'parse',
        url: 'file:///app.js',
        line: 10,
        column: 5,
        location: 'file:///app.js:10:5',
        selfMs: 0.4,
        selfPercent: 50,
      },
      {
        functionName: '(anonymous)',
        url: 'file:///app.js',
        line: 20,
        column: 1,
        location: 'file:///app.js:20:1',
        selfMs: 0.1,
        selfPercent: 12.5,
      },
      {
        functionName: 'nativeSort',
        url: '',
        line: 1,
        column: 1,
        location: 'nativeSort',
        selfMs: 0.05,
        selfPercent: 6.25,
      },
    ])
    expect(cpuHotspots(profile, 1).map((hotspot) => hotspot.functionName)).toEqual(['parse'])
  })

  it('returns no hotspots for a profile without samples, and 0% when no time was sampled', () => {
    const nodes = [{ id: 1, callFrame: frame('run') }]
    expect(cpuHotspots({ nodes, startTime: 0, endTime: 0 }, 5)).toEqual([])
    const [only] = cpuHotspots({ nodes, startTime: 0, endTime: 0, samples: [1] }, 5)
    expect(only).toMatchObject({ functionName: 'run', selfMs: 0, selfPercent: 0 })
  })
})

describe('heapTopAllocations', () => {
  it('sums the sampled bytes per allocation site over the whole tree, largest first', () => {
    const profile: HeapProfile = {
      head: {
        callFrame: frame('(root)', ''),
        selfSize: 0,
        children: [
          {
            callFrame: frame('load', 'file:///app.js', 4, 2),
            selfSize: 600,
            children: [
              { callFrame: frame('', 'file:///app.js', 7, 0), selfSize: 150, children: [] },
            ],
          },
          // The same site reached along another path adds up.
          { callFrame: frame('load', 'file:///app.js', 4, 2), selfSize: 200, children: [] },
          { callFrame: frame('JSON.parse', ''), selfSize: 50, children: [] },
        ],
      },
    }
    const { topAllocations, totalBytes } = heapTopAllocations(profile, 2)
    expect(totalBytes).toBe(1000)
    expect(topAllocations).toEqual([
      {
        functionName: 'load',
        url: 'file:///app.js',
        line: 5,
        column: 3,
        location: 'file:///app.js:5:3',
        bytes: 800,
        percent: 80,
      },
      {
        functionName: '(anonymous)',
        url: 'file:///app.js',
        line: 8,
        column: 1,
        location: 'file:///app.js:8:1',
        bytes: 150,
        percent: 15,
      },
    ])
  })

  it('reports nothing for a profile that sampled no live bytes', () => {
    const empty = { head: { callFrame: frame('(root)', ''), selfSize: 0, children: [] } }
    expect(heapTopAllocations(empty, 10)).toEqual({ topAllocations: [], totalBytes: 0 })
  })
})
