/** A tiny JSON client for the server tests: real HTTP over loopback, answers not thrown. */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics): keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
