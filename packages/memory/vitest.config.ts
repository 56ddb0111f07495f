import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/memory',
    include: ['test/**/*.test.ts'],
  },
})
