// Module workers, so the Worker can import the library as the page does; two pages (one trains on threads).
export default {
  worker: { format: 'es' },
  logLevel: 'warn',
  build: { rollupOptions: { input: ['index.html', 'threads.html'] } },
};
