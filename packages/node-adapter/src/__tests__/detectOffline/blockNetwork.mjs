// Preloaded (node --import) into the offline-detection child: every way Node can reach the
// network throws, and each attempt is recorded so the parent can assert there were none even
// if some code caught the error. Attempts are appended to the file named by VOPOP_NET_LOG.
//
// Unix-domain socket connections (a path, not a host and port) are let through unrecorded: they
// never leave the machine, and tsx, which runs this child's TypeScript, talks to its own IPC
// pipe that way.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

const logFile = process.env.VOPOP_NET_LOG;
function record(what) {
  if (logFile) appendFileSync(logFile, `${what}\n`);
  throw new Error(`network blocked in this test: ${what}`);
}

function isLocalPipe(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'string') return !/^\d+$/.test(first);
  return typeof first === 'object' && first !== null && typeof first.path === 'string';
}

function block(mod, moduleName, names, allowPipes = false) {
  for (const name of names) {
    const original = mod[name];
    if (typeof original !== 'function') continue;
    mod[name] = function (...args) {
      if (allowPipes && isLocalPipe(args)) return original.apply(this, args);
      return record(`node:${moduleName}.${name}`);
    };
  }
}

block(net, 'net', ['connect', 'createConnection'], true);
block(tls, 'tls', ['connect']);
block(http, 'http', ['request', 'get']);
block(https, 'https', ['request', 'get']);
block(dns, 'dns', ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']);
block(dgram, 'dgram', ['createSocket']);
dns.promises.lookup = () => record('dns.promises.lookup');
const socketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  if (isLocalPipe(args)) return socketConnect.apply(this, args);
  return record('net.Socket.connect');
};
globalThis.fetch = () => record('fetch');
if (typeof globalThis.WebSocket === 'function') {
  globalThis.WebSocket = function WebSocket() {
    record('WebSocket');
  };
}
// ESM named imports (`import { connect } from 'node:net'`) read live bindings that follow the
// module objects patched above only after this call.
syncBuiltinESMExports();
