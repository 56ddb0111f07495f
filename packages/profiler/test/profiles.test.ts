import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { createProfiler, ProfileInProgressError } from '../src/index'

function hotLoop(rounds: number): number {
  let acc = 0
  for (let i = 0; i < rounds; i++) acc = (acc + Math.sqrt(i) * Math.sin(i)) % 1e9
  return acc
}

function lightLoop(rounds: number): number {
  let acc = 0
  for (let i = 0; i < rounds; i++) acc += i & 7
  return acc
}

function allocateRecords(count: number): Array<{ id: number; tags: string[] }> {
  const out: Array<{ id: number; tags: string[] }> = []
  for (let i = 0; i < count; i++) out.push({ id: i, tags: [`t${i}`, `u${i}`] })
  return out
}

describe('cpuProfile', () => {
  it('writes a .cpuprofile and ranks the known hot function first, inside the dominant span', async () => {
    const p = createProfiler()
    const dir = tempDir()
    try {
      const out = join(dir.path, 'work.cpuprofile')
      const { file, hotspots, dominantSpan, result } = await p.cpuProfile(
        async () => {
          const light = p.span('light', () => lightLoop(200_000))
          const hot = await p.span('hot', async () => hotLoop(6_000_000))
          return light + hot
        },
        { out },
      )
      expect(result).toBeGreaterThan(0)
      expect(file).toBe(out)
      const profile = JSON.parse(readFileSync(out, 'utf8'))
      expect(profile.nodes.length).toBeGreaterThan(0)
      expect(profile.samples.length).toBe(profile.timeDeltas.length)
      expect(hotspots[0]?.functionName).toBe('hotLoop')
      expect(hotspots[0]?.location).toMatch(/profiles\.test\.ts:\d+:\d+$/)
      expect(hotspots[0]?.selfPercent).toBeGreaterThan(hotspots[1]?.selfPercent ?? 0)
      expect(dominantSpan?.path).toBe('hot')
    } finally {
      dir.remove()
    }
  })

  it('refuses a second profile while one runs, and recovers when the work throws', async () => {
    const p = createProfiler()
    const first = p.cpuProfile(() => new Promise((resolve) => setTimeout(resolve, 20)))
    await expect(p.cpuProfile(() => 1)).rejects.toBeInstanceOf(ProfileInProgressError)
    await first
    await expect(
      p.cpuProfile(() => {
        throw new Error('work failed')
      }),
    ).rejects.toThrow('work failed')
    const again = await p.cpuProfile(() => hotLoop(1000))
    expect(again.hotspots).toBeInstanceOf(Array)
    await expect(p.cpuProfile(() => 1, { samplingIntervalUs: 0 })).rejects.toThrow(
      'samplingIntervalUs must be a positive integer, got 0',
    )
    await expect(p.heapProfile(() => 1, { top: -1 })).rejects.toMatchObject({ option: 'top' })
  })
})

describe('heapProfile', () => {
  it('lists the function that allocated most as the top allocation site', async () => {
    const p = createProfiler()
    const { topAllocations, totalBytes, result } = await p.heapProfile(
      () => allocateRecords(200_000),
      {
        samplingIntervalBytes: 4096,
      },
    )
    expect(result).toHaveLength(200_000)
    expect(totalBytes).toBeGreaterThan(1_000_000)
    expect(topAllocations[0]?.functionName).toBe('allocateRecords')
    expect(topAllocations[0]?.location).toMatch(/profiles\.test\.ts:\d+:\d+$/)
  })
})
