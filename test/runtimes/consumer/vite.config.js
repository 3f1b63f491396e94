// Module workers, so the Worker can import the library as the page does.
export default { worker: { format: 'es' }, logLevel: 'warn' };
