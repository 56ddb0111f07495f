import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/profiler',
    include: ['test/**/*.test.ts'],
  },
})
