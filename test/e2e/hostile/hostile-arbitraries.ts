import fc from 'fast-check';

/**
 * Generators of hostile input shared by the controller's and the predictor's hostile-input
 * suites. Each one is invalid by construction (it never relies on luck), so a 2xx answer to
 * any of them is a bug, not a flake.
 */

/** Pieces that make any DNS-1123 label invalid, and stay invalid after one percent-decoding. */
const FORBIDDEN_PIECES = [
  '..',
  '../',
  '..\\',
  '/',
  '\\',
  '%2e%2e%2f',
  '%00',
  '.',
  '_',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\0',
  'A',
  'Z',
  'V2',
  'é',
  'ü',
  'İ',
  '版本',
  '💥',
  '\u202e',
  '\ufeff',
  '\u2028',
  ';',
  '|',
  '&',
  '&&',
  '$',
  '$(id)',
  '`id`',
  '${IFS}',
  '>',
  '<',
  '*',
  '?',
  '!',
  '#',
  '~',
  "'",
  '"',
  ':',
  ': ',
  '{a: b}',
  '[a]',
  '&anchor',
  '*alias',
  '!!str',
  '%',
  '@',
  '+',
  '=',
  ',',
  '(',
  ')',
  '{{',
  '\x1b[31m',
  '\x7f',
];

const labelChars = (max: number) => fc.stringMatching(new RegExp(`^[a-z0-9-]{0,${max}}$`));

/** A string that is no DNS-1123 label: a forbidden piece inside, a dash at an end, or too long. */
export const hostileLabel: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        labelChars(10),
        fc.constantFrom(...FORBIDDEN_PIECES),
        labelChars(10),
        fc.string({ unit: 'binary', maxLength: 6 }),
      )
      .map((p) => p.join('')),
  },
  { weight: 1, arbitrary: labelChars(10).map((s) => `-${s}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{1,10}$/).map((s) => `${s}-`) },
  { weight: 1, arbitrary: fc.integer({ min: 121, max: 1000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** A release id the API must refuse: hostile text, 41 to 1000 characters, or not a string at all. */
export const hostileReleaseValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileLabel },
  { weight: 1, arbitrary: fc.integer({ min: 41, max: 1000 }).map((n) => 'v'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('v'.repeat(1000)) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }),
    ),
  },
);

/** Paths that escape the models folder, or do not exist, or are not paths: never an artifact. */
export const hostileArtifact: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '/etc/passwd',
    '/etc/shadow',
    '/proc/self/environ',
    '/proc/self/cmdline',
    '/dev/zero',
    '/dev/urandom',
    '/dev/stdin',
    '/root/.ssh/id_rsa',
    '/',
    '.',
    '',
    'predictor/models',
    'predictor/models/',
    '.cutover/tokens.json',
    'file:///etc/passwd',
    'http://127.0.0.1:1/model.json',
    '~/model.json',
    '$HOME/model.json',
    '$(cat /etc/passwd).json',
    '`id`.json',
    'predictor/models/*.json',
    'predictor/models/housing-v?.json',
    'predictor/models/{a: b}.json',
    'predictor/models/housing-v2.json\0.txt',
    'predictor/models/housing-v2.json\n',
    'predictor/models/hоusing-v2.json', // a Cyrillic о
    'predictor/models/housing-v2.json\u202e',
    'PREDICTOR/MODELS/HOUSING-V2.JSON',
    '..%2f..%2fpackage.json',
    'predictor/models/..%2f..%2fpackage.json',
    'predictor\\models\\..\\..\\package.json',
  ),
  fc
    .tuple(
      fc.constantFrom('predictor/models/', '', '/', './'),
      fc.integer({ min: 1, max: 8 }),
      fc.constantFrom(
        'package.json',
        'tsconfig.json',
        'etc/passwd',
        'node_modules/fast-check/package.json',
        '.cutover/tokens.json',
      ),
    )
    .map(([from, up, target]) => `${from}${'../'.repeat(up)}${target}`),
  fc.stringMatching(/^[a-z0-9-]{1,20}$/).map((name) => `predictor/models/zz-hostile-${name}.json`),
  fc.integer({ min: 1025, max: 5000 }).map((n) => `predictor/models/${'a'.repeat(n)}.json`),
  hostileLabel.map((s) => `predictor/models/zz-${s}.json`),
  fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 })),
);

/** One of the ways a hostile path segment reaches the server, none of which can decode to a valid one. */
export function encodeSegment(segment: string, how: 'uri' | 'twice' | 'raw' | 'bad-escape'): string {
  switch (how) {
    case 'uri':
      return encodeURIComponent(segment);
    case 'twice':
      return encodeURIComponent(encodeURIComponent(segment));
    case 'raw':
      // Raw bytes on the request line, unless they would change which route is asked for.
      return /[/?#%]/.test(segment) ? encodeURIComponent(segment) : segment;
    case 'bad-escape':
      return `${encodeURIComponent(segment)}%${segment.length % 2 ? 'zz' : 'E0%A4%A'}`;
  }
}

export const segmentEncoding = fc.constantFrom('uri', 'twice', 'raw', 'bad-escape') as fc.Arbitrary<
  'uri' | 'twice' | 'raw' | 'bad-escape'
>;

/** JSON text nested `depth` levels deep, as arrays or objects, optionally under a key. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 100, max: 30_000 }),
    fc.constantFrom('array', 'object'),
    fc.constantFrom('', 'release', 'CHAS'),
  )
  .map(([depth, kind, under]) => {
    const [open, close] = kind === 'array' ? ['[', ']'] : ['{"a":', '}'];
    const inner = `${open.repeat(depth)}1${close.repeat(depth)}`;
    return under ? `{"${under}":${inner}}` : inner;
  })
  // Kept under the controller's 64 KB limit, so it is parsed, not refused for its size.
  .filter((text) => Buffer.byteLength(text) < 60 * 1024);

/** Text over `limitBytes`, as one long string, a wide object or a long array. */
export const giantJson = (limitBytes: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: limitBytes + 1, max: limitBytes * 3 }), fc.constantFrom('string', 'wide', 'array'))
    .map(([size, shape]) => {
      if (shape === 'string') return JSON.stringify({ release: 'v9', artifact: 'x'.repeat(size) });
      if (shape === 'array') return `[${'0,'.repeat(Math.ceil(size / 2))}0]`;
      const keys = Math.ceil(size / 12);
      return `{${Array.from({ length: keys }, (_, i) => `"k${i.toString(36).padStart(6, '0')}":1`).join(',')}}`;
    });

/** Body media types: JSON spelt oddly, other types, nonsense; with a body that is invalid anyway. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constantFrom(
    undefined,
    '',
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/json;charset=utf-16',
    'application/json; charset=latin1',
    'application/json;;;',
    'application/json, text/plain',
    'application/jsonx',
    'application/vnd.api+json',
    'application/merge-patch+json',
    'text/json',
    'text/plain',
    'text/html',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/yaml',
    'application/octet-stream',
    '*/*',
    'application/*',
    '; charset=utf-8',
  ),
  hostileLabel.map((s) => s.replace(/[\r\n]/g, '')),
);

/** Headers a client can spoof, with hostile values; CR and LF left out (they would end the header). */
export const hostileHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.tuple(
    fc.constantFrom(
      'x-forwarded-for',
      'x-real-ip',
      'forwarded',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-original-url',
      'x-rewrite-url',
      'x-http-method-override',
      'accept',
      'accept-encoding',
      'accept-language',
      'content-encoding',
      'origin',
      'referer',
      'cookie',
      'user-agent',
      'range',
      'if-none-match',
      'last-event-id',
      'x-request-id',
      'x-cutover-anything',
      'expect',
    ),
    fc
      .oneof(
        hostileLabel,
        fc.constantFrom(
          'GET',
          'DELETE',
          '/v1/apps',
          '127.0.0.1',
          '::1',
          'gzip',
          'br',
          'bytes=0-1',
          '*',
          '100-continue',
        ),
        fc.integer({ min: 1, max: 4000 }).map((n) => 'x'.repeat(n)),
      )
      .map((v) => v.replace(/[\r\n\0]/g, '')),
  ),
  { maxLength: 4 },
);

export const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT');

/** The request line's target encoding of a query: hostile keys or values, one of them always refused. */
export function queryString(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
