// A line longer than any nvidia-smi prints; beyond it a stream without newlines is garbage, kept only in part.
const MAX_LINE_CHARS = 65_536;

/**
 * Calls `onLine` with each line `stream` prints (without its \n or \r\n), and with the last one if it ends
 * without a newline. What node:readline does for this, without loading that module into every start of
 * the CLI (~0.5 ms), which needs it only on a machine with an NVIDIA GPU.
 */
export function onLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  const emit = (line: string): void => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = (parts.pop() ?? '').slice(-MAX_LINE_CHARS);
    for (const line of parts) emit(line);
  });
  stream.on('end', () => {
    if (pending !== '') emit(pending);
    pending = '';
  });
}
