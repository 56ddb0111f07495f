import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/incremental',
    include: ['test/**/*.test.ts'],
  },
})
