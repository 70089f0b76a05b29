import type { Catalogue, Effect } from './types';

// Event loops and messaging: asyncio loops, tornado's IOLoop, twisted's reactor, ZeroMQ. A thread
// that runs an event loop waits on sockets; scheduling a callback on a loop is cheap.

const names = (effect: Effect, list: string): Record<string, Effect> =>
  Object.fromEntries(list.trim().split(/\s+/).map((name) => [name, effect]));

const LOOP_SCHEDULING = names('neutral', `call_soon call_soon_threadsafe call_later call_at create_task
  add_callback add_callback_from_signal spawn_callback add_timeout call_later remove_timeout add_handler
  update_handler remove_handler stop close is_running is_closed time set_debug get_debug
  set_exception_handler add_reader remove_reader add_writer remove_writer make_current clear_current
  add_future run_in_executor set_default_executor`);

export const messaging: Catalogue = {
  calls: {
    'tornado.ioloop.IOLoop': 'neutral',
    'tornado.ioloop.IOLoop.current': 'neutral',
    'tornado.ioloop.IOLoop.instance': 'neutral',
    'tornado.': 'neutral',
    'zmq.device': 'io',
    'zmq.proxy': 'io',
    'zmq.proxy_steerable': 'io',
    'zmq.': 'neutral',
    'twisted.internet.reactor.run': 'io',
    'twisted.internet.reactor.': 'neutral',
    'twisted.internet.threads.blockingCallFromThread': 'wait',
    'twisted.internet.threads.deferToThread': 'neutral',
    'twisted.python.log.': 'neutral',
    'twisted.logger.': 'neutral',
  },
  returns: {
    'asyncio.new_event_loop': 'asyncio.AbstractEventLoop',
    'asyncio.get_event_loop': 'asyncio.AbstractEventLoop',
    'asyncio.get_running_loop': 'asyncio.AbstractEventLoop',
    'asyncio.SelectorEventLoop': 'asyncio.AbstractEventLoop',
    // Where asyncio defines them (`from asyncio.events import get_running_loop`, asyncio's own modules).
    'asyncio.events.new_event_loop': 'asyncio.AbstractEventLoop',
    'asyncio.events.get_event_loop': 'asyncio.AbstractEventLoop',
    'asyncio.events.get_running_loop': 'asyncio.AbstractEventLoop',
    'tornado.ioloop.IOLoop.current': 'tornado.ioloop.IOLoop',
    'tornado.ioloop.IOLoop.instance': 'tornado.ioloop.IOLoop',
    'zmq.Context.instance': 'zmq.Context',
    'zmq.Context.socket': 'zmq.Socket',
    'zmq.Poller': 'zmq.Poller',
    'zmq.eventloop.zmqstream.ZMQStream': 'zmq.Socket',
  },
  methods: {
    // `run_until_complete` is the coroutine's work; the classifier looks at it directly.
    'asyncio.AbstractEventLoop': { run_forever: 'io', ...LOOP_SCHEDULING },
    'tornado.ioloop.IOLoop': { start: 'io', ...LOOP_SCHEDULING },
    'zmq.Context': { ...names('neutral', 'socket term destroy instance setsockopt set'), '*': 'neutral' },
    'zmq.Socket': {
      ...names('io', `send recv send_multipart recv_multipart send_string recv_string send_json recv_json
        send_pyobj recv_pyobj poll`),
      ...names('neutral', 'bind connect bind_to_random_port close setsockopt getsockopt set get subscribe unsubscribe disconnect unbind'),
    },
    'zmq.Poller': { poll: 'io', '*': 'neutral' },
  },
};
