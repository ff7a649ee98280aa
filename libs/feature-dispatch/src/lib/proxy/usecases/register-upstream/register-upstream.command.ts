/** How dispatch authenticates to an upstream: each kind with exactly its own fields (checked by the admin controller). */
export type UpstreamAuth =
  | { kind: 'none' }
  | { kind: 'static-key'; header: string; value: string }
  | { kind: 'oauth-client-credentials'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string };

/** The operator's registration (the request body with its auth checked into `UpstreamAuth`), and who registers. */
export interface RegisterUpstreamCommand {
  readonly code: string;
  readonly name: string;
  readonly ownerDepartment: string;
  readonly baseUrl: string;
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly auth: UpstreamAuth;
  readonly timeoutMs: number;
  readonly cacheTtlSeconds: number;
  readonly requestMapping?: string;
  readonly responseMapping?: string;
  readonly inputSchema: Record<string, unknown>;
  /** Who registers (X-Caller): the listing's provider `proxy:<by>` and its status author. */
  readonly by: string;
}
