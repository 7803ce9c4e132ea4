/**
 * Node flags the sales processor runs with (`npm run process`, `npm start`, `bench:process`).
 * Its state is bounded by configuration; what grows past that is V8 heap slack that is never
 * given back, so an old-space limit keeps the process's RSS under issue 4's 500 MB at 1M lines
 * (unlimited: ~450–520 MB here; 256 MB: ~260 MB but ~20 % slower from extra full GCs).
 * `package.json`'s `process` script spells the same limit.
 */
export const PROCESSOR_HEAP_MB = 384;

export const processorNodeFlags = (heapMb: number = PROCESSOR_HEAP_MB): string[] => [
  `--max-old-space-size=${heapMb}`,
];
