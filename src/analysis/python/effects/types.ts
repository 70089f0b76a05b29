// The shape of the effect catalogue (README.md, "How the analyzer decides"): what a call to a
// library function or method does, as far as the workload classifier is concerned. One module per
// area (stdlib.ts, http.ts, databases.ts, cloud.ts, native.ts) fills it; index.ts merges them and
// answers lookups.

/**
 * - `io`: waits on something outside the machine's CPU for real time: the network, a child
 *   process, a timer, select; waiting like this releases the GIL.
 * - `file`: reads or writes a local file's contents: I/O, but often as quick as the processing
 *   of what it reads, so it does not outweigh work the analyzer cannot see.
 * - `fs`: a file-system metadata call (stat, exists, listdir, mkdir): I/O, but quick.
 * - `wait`: waits on another thread or process (a queue's `get`, `lock.acquire`, `event.wait`,
 *   `join`, `future.result`). It is off-CPU like I/O, but usually waits for work to arrive, so
 *   it never makes the work around it look I/O-paced.
 * - `cpu`: work that holds the GIL and grows with its input (json, re, pickle, sorted, deepcopy).
 * - `native`: heavy work in native code that releases the GIL (numpy, hashlib, zlib).
 * - `neutral`: cheap; neither I/O nor heavy work (os.path.join, logging, q.put, str methods).
 */
export type Effect = 'io' | 'file' | 'fs' | 'wait' | 'cpu' | 'native' | 'neutral';

export interface Catalogue {
  /**
   * Functions and classes by qualified name, e.g. `requests.get` or `socket.socket` (calling a
   * class constructs it). A key ending in `.` covers every name below it that has no entry of
   * its own; the longest such prefix wins.
   */
  calls: Record<string, Effect>;
  /**
   * The type of what calling a name returns, when that object has catalogued methods:
   * `socket.create_connection` → `socket.socket`. Methods' results are keyed `Type.method`
   * (`requests.Session.get` → `requests.Response`). A class needs no entry: it is its own type.
   */
  returns: Record<string, string>;
  /** Methods by receiver type; `*` stands for every method of the type not listed. */
  methods: Record<string, Record<string, Effect>>;
  /** Types whose every attribute is an object of another type (`client.db` on a MongoClient). */
  attributes?: Record<string, string>;
}
