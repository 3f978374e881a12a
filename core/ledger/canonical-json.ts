/**
 * Canonical JSON for ledger hashing: object keys sorted by UTF-16 code units, no whitespace,
 * strings escaped as JSON.stringify does. Numbers must be safe integers so that any JSON
 * library (for example Python's json.dumps with sort_keys) produces the same bytes.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'CanonicalJsonError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function encodeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(path, 'string contains a lone surrogate');
  return JSON.stringify(value);
}

export function canonicalJson(value: unknown, path = '$'): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(path, `number ${value} is not a safe integer`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      return encodeString(value, path);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item, i) => canonicalJson(item, `${path}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError(path, 'only plain objects are allowed');
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const members: string[] = [];
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) throw new CanonicalJsonError(`${path}.${key}`, 'undefined is not allowed');
        members.push(`${encodeString(key, path)}:${canonicalJson(member, `${path}.${key}`)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(path, `${typeof value} is not allowed`);
  }
}
