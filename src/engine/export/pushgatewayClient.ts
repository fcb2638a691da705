import type { IncomingMessage, RequestOptions, ClientRequest } from 'node:http';

/** Why a push did not land; the outbox keeps the push and tries again later. */
export interface PushFailure {
  readonly kind: 'bad-url' | 'timeout' | 'network' | 'http-error';
  readonly message: string;
  readonly httpStatus?: number;
}

export type PushResult = { readonly ok: true } | { readonly ok: false; readonly failure: PushFailure };

/** A Pushgateway group: `job` plus further label pairs, e.g. `run_id`. */
export interface GroupingKey {
  readonly job: string;
  readonly labels: Readonly<Record<string, string>>;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * What every input that names a Pushgateway (flag, environment, setting, workspace file) must look like
 * before it is kept; parsePushgatewayUrl checks the rest when a push is made.
 */
export const PUSHGATEWAY_URL_PATTERN = /^https?:\/\/\S+$/;

/**
 * The group's URL path. A label value that is empty or holds a `/` cannot sit in a path segment, so it
 * goes in the Pushgateway's base64url form (`<name>@base64/<value>`), as its API documents.
 */
export function groupPath(key: GroupingKey): string {
  const segment = (name: string, value: string): string => (value === '' || value.includes('/')
    ? `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url') || '='}`
    : `${name}/${encodeURIComponent(value)}`);
  return ['metrics', segment('job', key.job), ...Object.entries(key.labels).map(([name, value]) => segment(name, value))].join('/');
}

/** Parses and checks a Pushgateway base URL (http or https, no query or fragment). */
export function parsePushgatewayUrl(text: string): URL | PushFailure {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { kind: 'bad-url', message: `"${text}" is not a URL; expected something like http://pushgateway:9091` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { kind: 'bad-url', message: `"${text}" is not an http or https URL` };
  }
  if (url.search || url.hash) return { kind: 'bad-url', message: `"${text}" must not have a query or fragment` };
  return url;
}

/** Credentials never reach messages: a URL is shown without its user and password. */
export function redactUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
}

/**
 * PUTs the exposition text to the group, replacing what the group held: pushing the same run twice is
 * harmless, so a retried push can never count a run twice. Never rejects.
 */
export async function pushGroup(baseUrl: URL, key: GroupingKey, body: string, timeoutMs: number = DEFAULT_TIMEOUT_MS): Promise<PushResult> {
  const target = new URL(groupPath(key), baseUrl.href.endsWith('/') ? baseUrl.href : `${baseUrl.href}/`);
  // Loaded on the first push only: node:https costs about 5 ms to load, on every activation and CLI start otherwise.
  const send: (url: URL, options: RequestOptions, callback: (response: IncomingMessage) => void) => ClientRequest = target.protocol === 'https:'
    ? (await import('node:https')).request
    : (await import('node:http')).request;
  const authorization = baseUrl.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(baseUrl.username)}:${decodeURIComponent(baseUrl.password)}`).toString('base64')}`
    : undefined;
  target.username = '';
  target.password = '';
  return new Promise<PushResult>((resolve) => {
    let settled = false;
    const settle = (result: PushResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const outgoing = send(target, {
      method: 'PUT',
      headers: {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        ...(authorization ? { authorization } : {}),
      },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => { if (chunks.length < 16) chunks.push(chunk); });
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) settle({ ok: true });
        else {
          const text = Buffer.concat(chunks).toString('utf8').trim().slice(0, 300);
          settle({ ok: false, failure: { kind: 'http-error', httpStatus: status, message: `the Pushgateway answered ${status}${text ? `: ${text}` : ''}` } });
        }
      });
      response.on('error', (error) => settle({ ok: false, failure: { kind: 'network', message: error.message } }));
    });
    // A gateway that accepts the connection and then hangs must not hold the run: give up and retry later.
    const timer = setTimeout(() => {
      settle({ ok: false, failure: { kind: 'timeout', message: `no answer within ${timeoutMs} ms` } });
      outgoing.destroy();
    }, timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle({
      ok: false,
      failure: { kind: 'network', message: `connection failed (${error.code ?? error.message})` },
    }));
    outgoing.end(body);
  });
}
