import { VopopError } from '@vopop/core';

/**
 * Why a render server could not open its socket.
 *
 * @public
 */
export type ServerListenFailure = 'port-in-use' | 'not-permitted' | 'address-unavailable';

/** What to do about each failure, said once for the messages. */
const advice: Readonly<Record<ServerListenFailure, string>> = {
  'port-in-use': 'is already in use: stop what listens there, or choose another port (0 picks a free one)',
  'not-permitted': 'may not be opened by this user (ports below 1024 need privileges): choose a port above 1023',
  'address-unavailable': 'cannot be opened: the host is not an address of this machine; listen on 127.0.0.1 or on one of its own addresses',
};

/**
 * Thrown by {@link listenRenderServer} when the socket cannot be opened: the port is taken, the
 * user may not open it, or the host is not one of this machine's addresses. Nothing is left
 * listening. Other socket errors are passed on as Node reports them.
 *
 * @public
 */
export class ServerListenError extends VopopError {
  readonly code = 'SERVER_LISTEN' as const;

  constructor(
    /** Which of the failures above. */
    readonly reason: ServerListenFailure,
    /** The host that was asked for (an address or name the operator configured, not personal data). */
    readonly host: string,
    /** The port that was asked for. */
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`The render server's address ${host}:${port} ${advice[reason]}.`, options);
    this.name = 'ServerListenError';
  }
}

/** The typed error for a failed `listen`, or `undefined` when Node's error should pass as it is. */
export function serverListenErrorFor(error: unknown, host: string, port: number): ServerListenError | undefined {
  const systemCode = (error as NodeJS.ErrnoException | null)?.code;
  const reason: ServerListenFailure | undefined =
    systemCode === 'EADDRINUSE'
      ? 'port-in-use'
      : systemCode === 'EACCES' || systemCode === 'EPERM'
        ? 'not-permitted'
        : systemCode === 'EADDRNOTAVAIL' || systemCode === 'ENOTFOUND' || systemCode === 'EAI_AGAIN'
          ? 'address-unavailable'
          : undefined;
  return reason ? new ServerListenError(reason, host, port, { cause: error }) : undefined;
}
