import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Trials train real networks; the machine this runs on has 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default'],
    // CI runs set CI=true, and Ink then draws only a program's last frame. The dashboard tests are
    // about what a person sees in a terminal, so the processes under test are not told they are in CI.
    env: { CI: '0', CONTINUOUS_INTEGRATION: '0' },
  },
});
