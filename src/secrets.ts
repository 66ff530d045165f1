/**
 * The one registry of secrets and the one redaction function.
 *
 * Every credential the run learns (secret settings from inputs and the environment, docker config auths,
 * credential-helper answers, pull secrets, kubeconfig tokens and keys, registry bearer tokens, the
 * Pushgateway password) is registered here once, with its derived forms (base64 — standard, URL-safe,
 * unpadded —, percent-encoded, JSON-escaped, and base64 of `user:password`). Every channel (log lines,
 * warnings, annotations, job summary, check-run and issue payloads, JSON/SARIF files, Pushgateway and
 * registry error text, our own error messages) goes through {@link redact}, which replaces each
 * registered form and then every token-looking value (JWTs, `Basic`/`Bearer` values, URL userinfo,
 * secret JSON fields and `key=value` pairs) by `***`.
 *
 * There is one registry per process ({@link runSecrets}): a credential found deep in the registry client
 * must be redacted from a message printed by an entry point, and passing a list through every layer is how
 * the old lists drifted apart. Only entry files install a sink (`core.setSecret`) with {@link setSecretSink}.
 */

/** What a redacted value becomes (the runner's own mask). */
export const REDACTED = '***';

/** Shorter values are not registered: redacting every `abc` in a report would garble it and hide nothing. */
export const MIN_SECRET_LENGTH = 4;

/** A multi-line secret (a PEM key) also has each line this long or longer, without spaces, registered. */
const MIN_LINE_LENGTH = 16;

/** Called with every new form as it is registered (the action's `core.setSecret`). */
export type SecretSink = (form: string) => void;

/** A credential as a username and a secret: a Basic header carries `base64(username:secret)`. */
export interface UserSecret {
  username?: string | undefined;
  secret?: string | undefined | null;
}

/** A registry of secrets and the redaction of every registered form plus token-looking values. */
export interface SecretRegistry {
  /** Registers secrets (and their derived forms); empty, short and already known values are ignored. */
  add(...values: (string | null | undefined)[]): void;
  /** Registers a secret with its username, so `user:secret` and its base64 (a Basic header) are known too. */
  addCredential(credential: UserSecret): void;
  /** Returns `text` with every registered form and every token-looking value replaced by `***`. */
  redact(text: string): string;
  /** Whether `value` (as given) is registered. */
  has(value: string): boolean;
  /** How many forms are registered. */
  readonly size: number;
  /** Installs the sink called with every form registered from now on (and every one registered before). */
  setSink(sink: SecretSink | null): void;
}

function base64Forms(s: string): string[] {
  const std = Buffer.from(s, 'utf8').toString('base64');
  return [std, std.replace(/=+$/, ''), Buffer.from(s, 'utf8').toString('base64url')];
}

function htmlEscaped(s: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
  };
  return s.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/**
 * Returns every form a secret can be printed in: as is, base64 (standard, unpadded, URL-safe),
 * percent-encoded, JSON-escaped, HTML-escaped, and each long line without spaces of a multi-line value. Pure.
 */
export function secretForms(value: string): string[] {
  const out = new Set<string>([value, ...base64Forms(value)]);
  try {
    out.add(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be percent-encoded; it cannot be sent in a URL either.
  }
  out.add(JSON.stringify(value).slice(1, -1));
  out.add(htmlEscaped(value));
  // Lines of a PEM key or a base64 blob, not `kind: Config` or `server: https://…` of a kubeconfig (whose
  // tokens and keys are registered on their own when it is parsed).
  if (/[\r\n]/.test(value))
    for (const line of value.split(/\r\n|\r|\n/)) {
      const t = line.trim();
      if (t.length >= MIN_LINE_LENGTH && !/\s/.test(t) && !t.startsWith('-----')) out.add(t);
    }
  return [...out].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** Returns the forms of `user:secret` a Basic header or URL userinfo carries. Pure. */
export function credentialForms(c: UserSecret): string[] {
  if (!c.secret || c.username === undefined || c.username === '') return [];
  const pair = `${c.username}:${c.secret}`;
  const encoded = `${encodeURIComponent(c.username)}:${encodeURIComponent(c.secret)}`;
  return [...new Set([pair, encoded, ...base64Forms(pair)])];
}

// Token-looking values, redacted whether or not they were registered. Each pattern is linear (no nested
// quantifiers), so hostile text cannot make redaction slow. Order matters: a scheme keeps its name
// (`Bearer ***`) before a `key: value` rule could eat it.
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s:@]{1,256}:[^/\s@]{1,1024}@/gi;
// A whole header value, whatever its scheme (`token ghs_…`, `Basic …`): up to the end of the line or quote.
const AUTH_HEADER = /\b((?:proxy-)?authorization)([ \t]*[:=][ \t]*)[^\r\n"',;}]{1,4096}/gi;
// A scheme and its credentials, not a challenge's parameters (`Basic realm="…"`).
const AUTH_SCHEME =
  /\b(Basic|Bearer|BASIC|BEARER|basic|bearer)[ \t]{1,16}(?![A-Za-z_-]+=")[A-Za-z0-9._~+/-]{8,}=*/g;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const JSON_FIELD =
  /("(?:token|access_token|refresh_token|id_token|password|passwd|secret|auth|identitytoken|registrytoken|client_secret|client-key-data|authorization)"\s*:\s*")(?:[^"\\]|\\.)*(")/gi;
// `password=x`, `token: x`, `"secret": 'x'`; a colon needs a space or a quote after it, so an image
// reference such as `acme/token:1.0` is left alone.
const KEY_VALUE =
  /\b(password|passwd|pwd|token|secret|auth|api[_-]?key|access[_-]?token|client[_-]?secret)(["']?[ \t]*(?:=[ \t]*|:[ \t]+|:(?=["']))["']?)[^\s"',;}&]+/gi;

/**
 * Returns `text` with token-looking values replaced by `***` (no registered secrets needed): URL userinfo
 * (`https://***@host`), `Authorization` header values, `Basic`/`Bearer` values (`Bearer ***`), JWTs, secret JSON fields
 * (`"token": "***"`) and `password=***`-style pairs. Pure.
 */
export function redactPatterns(text: string): string {
  return text
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(AUTH_HEADER, `$1$2${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(JSON_FIELD, `$1${REDACTED}$2`)
    .replace(KEY_VALUE, `$1$2${REDACTED}`);
}

/** Extra passes for forms that contain `*` (see `redact`). */
const MAX_EXTRA_PASSES = 64;

function replaceForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
  return out;
}

/** Creates an empty registry (tests; the run uses {@link runSecrets}). */
export function createSecretRegistry(): SecretRegistry {
  const forms = new Set<string>();
  const given = new Set<string>();
  // Longest first, so a secret containing another is replaced whole.
  let sorted: string[] = [];
  let sink: SecretSink | null = null;
  const addForms = (list: string[]) => {
    let changed = false;
    for (const f of list) {
      if (f.length < MIN_SECRET_LENGTH || forms.has(f)) continue;
      forms.add(f);
      changed = true;
      sink?.(f);
    }
    if (changed) sorted = [...forms].sort((a, b) => b.length - a.length);
  };
  return {
    add(...values) {
      for (const v of values) {
        // A value already known as a form of another (the base64 `auth` of a known user and password) adds
        // nothing: skipping it keeps the runner's mask list short.
        if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH || given.has(v) || forms.has(v)) continue;
        given.add(v);
        addForms(secretForms(v));
      }
    },
    addCredential(c) {
      this.add(c.secret);
      addForms(credentialForms(c));
    },
    redact(text) {
      let out = redactPatterns(replaceForms(text, sorted));
      // A form without `*` cannot reappear across a `***` we wrote; one holding `*` can (`a***` in
      // `aa***`): repeat for those. Each pass shrinks the text, so this ends.
      for (let pass = 0; pass < MAX_EXTRA_PASSES; pass++) {
        const left = sorted.filter((f) => f.includes('*') && out.includes(f));
        if (left.length === 0) break;
        out = redactPatterns(replaceForms(out, left));
      }
      return out;
    },
    has: (value) => given.has(value) || forms.has(value),
    get size() {
      return forms.size;
    },
    setSink(next) {
      sink = next;
      if (next) for (const f of forms) next(f);
    },
  };
}

/** The run's registry: every credential the process learns. */
export const runSecrets: SecretRegistry = createSecretRegistry();

/** Registers secrets in the run's registry (see {@link SecretRegistry.add}). */
export function registerSecret(...values: (string | null | undefined)[]): void {
  runSecrets.add(...values);
}

/** Registers a credential with its username in the run's registry (Basic and userinfo forms too). */
export function registerCredential(credential: UserSecret): void {
  runSecrets.addCredential(credential);
}

/** The one redaction function: every registered form and every token-looking value becomes `***`. */
export function redact(text: string): string {
  return runSecrets.redact(text);
}

/** Installs the run's sink (the action: `core.setSecret`); entry files only. */
export function setSecretSink(sink: SecretSink | null): void {
  runSecrets.setSink(sink);
}

/**
 * Returns a copy of a JSON-like value with every string redacted (object keys kept), for request bodies.
 * Non-plain objects (buffers, streams) are returned as they are.
 */
export function redactDeep<T>(value: T, redactText: (s: string) => string = redact): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redactText)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redactText);
    return out as T;
  }
  return value;
}

/**
 * Returns an error's message as one redacted line (for the entry points' last-resort message); with
 * `debug`, the redacted stack follows on the next lines.
 */
export function describeError(err: unknown, debug = false): string {
  let message: string;
  try {
    message = err instanceof Error ? err.message : String(err);
  } catch {
    message = 'an error that cannot be printed';
  }
  const line =
    redact(message)
      .split(/\r\n|\r|\n/)[0]
      ?.trim() || 'unknown error';
  const bounded = line.length > 500 ? `${line.slice(0, 500)}…` : line;
  if (debug && err instanceof Error && err.stack) return `${bounded}\n${redact(err.stack)}`;
  return bounded;
}
