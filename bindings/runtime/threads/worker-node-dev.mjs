// Starts worker-node.ts when this repository's TypeScript sources run in a Node without type stripping (Node 20
// under vitest or tsx): a worker thread does not inherit tsx's loader, so it registers it first. The installed
// package never loads this file (dist/ starts worker-node.js).
import { register } from 'tsx/esm/api';

register();
await import('./worker-node.ts');
