/**
 * The public Node built-ins an extension host has already loaded when it loads Carbon Meter, so the
 * bench's stand-in host loads them before timing our activation: their cost is VS Code's, not ours.
 *
 * Captured from `process.moduleLoadList` at the top of dist/extension.js, inside the extension host of
 * code-server 4.139.1 (VS Code 1.139.1, Node 24.21.0) as `npm run test:integration` starts it, on
 * 2026-11-23. `readline`, which the extension uses for nvidia-smi's output, is not among them.
 */
export const HOST_PRELOADED_MODULES = [
  'events', 'util/types', 'buffer', 'diagnostics_channel', 'async_hooks', 'timers', 'path', 'querystring', 'fs',
  'util', 'url', 'string_decoder', 'stream/promises', 'stream', 'net', 'dgram', 'child_process', 'module', 'os',
  'perf_hooks', '_http_agent', '_http_incoming', '_http_common', '_http_outgoing', '_http_client', '_http_server',
  'http', 'assert', 'crypto', 'tls', 'http2', 'zlib', 'worker_threads', 'fs/promises', 'console', 'dns', 'https',
  'tty', 'cluster', 'process', 'vm',
] as const;
