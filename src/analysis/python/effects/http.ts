import type { Catalogue, Effect } from './types';

// HTTP clients: requests, httpx, urllib3, aiohttp. A request waits on the network; building a
// client, a request object or reading a response already in memory does not.

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];

const verbs = (effect: Effect, extra: string[] = []): Record<string, Effect> =>
  Object.fromEntries([...VERBS, ...extra].map((verb) => [verb, effect]));

const verbsReturn = (owner: string, type: string, extra: string[] = []): Record<string, string> =>
  Object.fromEntries([...VERBS, ...extra].map((verb) => [`${owner}.${verb}`, type]));

export const http: Catalogue = {
  calls: {
    ...Object.fromEntries(VERBS.map((verb) => [`requests.${verb}`, 'io' as Effect])),
    'requests.Session': 'neutral',
    'requests.session': 'neutral',
    'requests.': 'neutral',
    'requests_toolbelt.': 'neutral',
    ...Object.fromEntries([...VERBS, 'stream'].map((verb) => [`httpx.${verb}`, 'io' as Effect])),
    'httpx.': 'neutral',
    'urllib3.request': 'io',
    'urllib3.': 'neutral',
    'aiohttp.request': 'io',
    'aiohttp.': 'neutral',
  },
  returns: {
    ...verbsReturn('requests', 'requests.Response'),
    'requests.session': 'requests.Session',
    'requests.sessions.Session': 'requests.Session',
    // requests-toolbelt's sessions are requests sessions with a base URL.
    'requests_toolbelt.sessions.BaseUrlSession': 'requests.Session',
    'requests_toolbelt.BaseUrlSession': 'requests.Session',
    ...verbsReturn('requests.Session', 'requests.Response', ['send']),
    ...verbsReturn('httpx', 'httpx.Response'),
    'httpx.AsyncClient': 'httpx.Client',
    ...verbsReturn('httpx.Client', 'httpx.Response', ['send']),
    'urllib3.request': 'urllib3.HTTPResponse',
    'urllib3.ProxyManager': 'urllib3.PoolManager',
    'urllib3.HTTPConnectionPool': 'urllib3.PoolManager',
    'urllib3.HTTPSConnectionPool': 'urllib3.PoolManager',
    'urllib3.connection_from_url': 'urllib3.PoolManager',
    'urllib3.PoolManager.request': 'urllib3.HTTPResponse',
    'urllib3.PoolManager.urlopen': 'urllib3.HTTPResponse',
    'urllib3.response.HTTPResponse': 'urllib3.HTTPResponse',
    ...verbsReturn('aiohttp.ClientSession', 'aiohttp.ClientResponse'),
    'aiohttp.request': 'aiohttp.ClientResponse',
  },
  methods: {
    'requests.Session': {
      ...verbs('io', ['send']),
      ...Object.fromEntries(['mount', 'close', 'prepare_request', 'merge_environment_settings', 'get_adapter', '__enter__', '__exit__'].map((m) => [m, 'neutral' as Effect])),
    },
    'requests.Response': {
      // Streaming responses read the body from the socket as they are iterated.
      ...Object.fromEntries(['iter_content', 'iter_lines'].map((m) => [m, 'io' as Effect])),
      json: 'cpu',
      '*': 'neutral',
    },
    'httpx.Client': {
      ...verbs('io', ['send', 'stream']),
      ...Object.fromEntries(['close', 'build_request', '__enter__', '__exit__', 'aclose'].map((m) => [m, 'neutral' as Effect])),
    },
    'httpx.Response': {
      ...Object.fromEntries(['read', 'iter_bytes', 'iter_text', 'iter_lines', 'iter_raw', 'aread'].map((m) => [m, 'io' as Effect])),
      json: 'cpu',
      '*': 'neutral',
    },
    'urllib3.PoolManager': {
      ...Object.fromEntries(['request', 'urlopen', 'request_encode_url', 'request_encode_body'].map((m) => [m, 'io' as Effect])),
      '*': 'neutral',
    },
    'urllib3.HTTPResponse': {
      ...Object.fromEntries(['read', 'stream', 'read_chunked', 'readinto'].map((m) => [m, 'io' as Effect])),
      json: 'cpu',
      '*': 'neutral',
    },
    'aiohttp.ClientSession': {
      ...verbs('io', ['ws_connect']),
      '*': 'neutral',
    },
    'aiohttp.ClientResponse': {
      ...Object.fromEntries(['read', 'text', 'json'].map((m) => [m, 'io' as Effect])),
      '*': 'neutral',
    },
  },
};
