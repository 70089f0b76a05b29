import type { Catalogue, Effect } from './types';

// Database clients: SQLAlchemy, psycopg (2 and 3), PyMySQL / MySQLdb, redis, pymongo (sqlite3 is
// in stdlib.ts). A statement or command waits on the server; building a query, an engine or a
// lazy client does not.

const names = (effect: Effect, list: string): Record<string, Effect> =>
  Object.fromEntries(list.trim().split(/\s+/).map((name) => [name, effect]));

/** DB-API 2.0 (PEP 249) connections and cursors: every driver below follows it. */
const DBAPI_CONNECTION: Record<string, Effect> = {
  ...names('io', 'commit rollback execute executemany ping select_db autocommit'),
  ...names('neutral', 'cursor close set_session set_isolation_level get_dsn_parameters __enter__ __exit__'),
};
const DBAPI_CURSOR: Record<string, Effect> = {
  ...names('io', 'execute executemany fetchone fetchall fetchmany callproc copy_from copy_to copy_expert nextset scroll copy stream'),
  ...names('neutral', 'close mogrify setinputsizes setoutputsizes __enter__ __exit__'),
};

export const databases: Catalogue = {
  calls: {
    'sqlalchemy.create_engine': 'neutral',
    'sqlalchemy.': 'neutral',
    'psycopg2.connect': 'io',
    'psycopg2.': 'neutral',
    'psycopg.connect': 'io',
    'psycopg.Connection.connect': 'io',
    'psycopg.': 'neutral',
    'pymysql.connect': 'io',
    'pymysql.Connect': 'io',
    'pymysql.': 'neutral',
    'MySQLdb.connect': 'io',
    'MySQLdb.': 'neutral',
    // Clients connect lazily, on their first command.
    'redis.Redis': 'neutral',
    'redis.StrictRedis': 'neutral',
    'redis.from_url': 'neutral',
    'redis.': 'neutral',
    'pymongo.MongoClient': 'neutral',
    'pymongo.': 'neutral',
  },
  returns: {
    'sqlalchemy.create_engine': 'sqlalchemy.engine.Engine',
    'sqlalchemy.engine.create_engine': 'sqlalchemy.engine.Engine',
    'sqlalchemy.engine.Engine.connect': 'sqlalchemy.engine.Connection',
    'sqlalchemy.engine.Engine.begin': 'sqlalchemy.engine.Connection',
    'sqlalchemy.orm.Session': 'sqlalchemy.orm.Session',
    'sqlalchemy.orm.Session.query': 'sqlalchemy.orm.Query',
    'sqlalchemy.orm.Query.filter': 'sqlalchemy.orm.Query',
    'sqlalchemy.orm.Query.filter_by': 'sqlalchemy.orm.Query',
    'sqlalchemy.orm.Query.order_by': 'sqlalchemy.orm.Query',
    'sqlalchemy.orm.Query.join': 'sqlalchemy.orm.Query',
    'sqlalchemy.orm.Query.limit': 'sqlalchemy.orm.Query',
    'sqlalchemy.orm.Query.offset': 'sqlalchemy.orm.Query',
    'psycopg2.connect': 'dbapi.Connection',
    'psycopg2.connection.cursor': 'dbapi.Cursor',
    'psycopg.connect': 'dbapi.Connection',
    'psycopg.Connection.connect': 'dbapi.Connection',
    'pymysql.connect': 'dbapi.Connection',
    'pymysql.Connect': 'dbapi.Connection',
    'MySQLdb.connect': 'dbapi.Connection',
    'dbapi.Connection.cursor': 'dbapi.Cursor',
    'dbapi.Connection.execute': 'dbapi.Cursor',
    'redis.StrictRedis': 'redis.Redis',
    'redis.from_url': 'redis.Redis',
    'redis.Redis.from_url': 'redis.Redis',
    'redis.Redis.pipeline': 'redis.Pipeline',
    'redis.Redis.pubsub': 'redis.PubSub',
    'pymongo.MongoClient.get_database': 'pymongo.database.Database',
    'pymongo.database.Database.get_collection': 'pymongo.collection.Collection',
  },
  attributes: {
    'pymongo.MongoClient': 'pymongo.database.Database',
    'pymongo.database.Database': 'pymongo.collection.Collection',
  },
  methods: {
    'sqlalchemy.engine.Engine': {
      ...names('io', 'connect begin execute raw_connection'),
      '*': 'neutral',
    },
    'sqlalchemy.engine.Connection': {
      ...names('io', 'execute exec_driver_sql commit rollback scalar scalars begin'),
      ...names('neutral', 'close __enter__ __exit__'),
    },
    'sqlalchemy.orm.Session': {
      ...names('io', 'execute scalar scalars get commit flush refresh merge rollback'),
      ...names('neutral', 'add add_all expunge expunge_all close query __enter__ __exit__'),
    },
    'sqlalchemy.orm.Query': {
      ...names('io', 'all first one one_or_none scalar count get delete update'),
      '*': 'neutral',
    },
    'dbapi.Connection': DBAPI_CONNECTION,
    'dbapi.Cursor': DBAPI_CURSOR,
    // Every command is a round trip to the server.
    'redis.Redis': { ...names('neutral', 'pipeline pubsub close'), '*': 'io' },
    'redis.Pipeline': { ...names('io', 'execute watch'), '*': 'neutral' },
    'redis.PubSub': { ...names('io', 'get_message listen subscribe psubscribe unsubscribe'), '*': 'neutral' },
    'pymongo.MongoClient': { ...names('neutral', 'get_database close'), '*': 'io' },
    'pymongo.database.Database': { get_collection: 'neutral', '*': 'io' },
    'pymongo.collection.Collection': {
      // A cursor queries the server when it is iterated, not when it is made.
      ...names('neutral', 'find find_raw_batches with_options'),
      '*': 'io',
    },
  },
};
