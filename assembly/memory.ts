// The host manages linear memory (a bump arena above __heap_base); kernels never allocate.

/** First byte the host may hand out: everything below holds static data. */
export function heap_base(): usize {
  return __heap_base;
}

/** Version of the kernel ABI; the host refuses a module whose version it does not know. */
export function abi_version(): i32 {
  return 7;
}
