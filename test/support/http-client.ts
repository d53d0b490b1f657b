import { TEST_TOKEN } from './start-signer.js';

/** A response as a test reads it: status, headers and the parsed JSON body. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** POSTs `body` (sent as-is when a string) with the test token and a JSON content type. */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string> = { authorization: TEST_TOKEN, 'content-type': 'application/json' },
): Promise<TestResponse> {
  const response = await fetch(url, { method: 'POST', body, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** GETs `url` and parses the JSON body. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<TestResponse> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
