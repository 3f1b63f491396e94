// Version of the kernel ABI (abi.ts), in a file of its own because the WebAssembly builds return it too
// (assembly/memory.ts imports this file): one number, written once. Bump it whenever a row of the table changes.
export const ABI_VERSION = 9;
