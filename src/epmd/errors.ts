/**
 * Errors of the port mapper layer. Each one says what went wrong, where (name, host,
 * port) and, where there is one, what to do about it.
 *
 * @module
 */
import { BeamlinkError } from '../errors.ts';

/**
 * Where an EPMD error happened: the node name asked about, and the port mapper's address.
 *
 * @example
 * ```ts
 * new EpmdUnreachableError({ host: '127.0.0.1', port: 4369 });
 * ```
 */
export interface EpmdErrorContext {
  /** The node name (alive part) the request was about, when there is one. */
  readonly name?: string;
  /** The port mapper's host. */
  readonly host?: string;
  /** The port mapper's TCP port. */
  readonly port?: number;
}

/**
 * The base of every port mapper error (`code` is `BL_ERR_EPMD_*`).
 *
 * @example
 * ```ts
 * try { await lookup('x') } catch (e) { if (e instanceof EpmdError) console.log(e.code, e.port) }
 * ```
 */
export class EpmdError extends BeamlinkError {
  /** The node name the request was about (`nodeName`, since `name` is the class name). */
  readonly nodeName: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;

  constructor(code: string, message: string, context: EpmdErrorContext, options?: ErrorOptions) {
    super(code, message, options);
    this.nodeName = context.name;
    this.host = context.host;
    this.port = context.port;
  }
}

/**
 * No port mapper answered at `host:port`.
 *
 * @example
 * ```ts
 * await names('127.0.0.1', { epmdPort: 1 }).catch((e) => e.code) // 'BL_ERR_EPMD_UNREACHABLE'
 * ```
 */
export class EpmdUnreachableError extends EpmdError {
  constructor(context: EpmdErrorContext & { host: string; port: number }, options?: ErrorOptions) {
    const why = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(
      'BL_ERR_EPMD_UNREACHABLE',
      `port mapper unreachable at ${context.host}:${context.port}${why}: is epmd running? ` +
        'start one with `npx beamlink epmd` or set ERL_EPMD_PORT',
      context,
      options,
    );
  }
}

/**
 * The port mapper refused a registration: the name is taken (or, as epmd does for every
 * refusal, it did not like the name).
 *
 * @example
 * ```ts
 * await register({ name: 'taken', port: 5000 }).catch((e) => e.code) // 'BL_ERR_EPMD_NAME_TAKEN'
 * ```
 */
export class EpmdNameTakenError extends EpmdError {
  /** The result byte of the ALIVE2 response (epmd always sends 1). */
  readonly result: number;

  constructor(context: EpmdErrorContext & { name: string }, result: number) {
    super(
      'BL_ERR_EPMD_NAME_TAKEN',
      `the port mapper at ${context.host}:${context.port} refused the name "${context.name}" ` +
        `(result ${result}): another node is registered under it; pick another name or stop that node`,
      context,
    );
    this.result = result;
  }
}

/**
 * The port mapper sent bytes that are not a valid reply, closed too early, or did not
 * answer in time.
 *
 * @example
 * ```ts
 * try { await lookup('x') } catch (e) { if (e instanceof EpmdBadReplyError) console.log(e.reply) }
 * ```
 */
export class EpmdBadReplyError extends EpmdError {
  /** The bytes received so far. */
  readonly reply: Buffer;
  /** What was wrong, without the address. */
  readonly detail: string;

  constructor(context: EpmdErrorContext, detail: string, reply: Buffer, options?: ErrorOptions) {
    const where = context.host !== undefined ? ` at ${context.host}:${context.port}` : '';
    super(
      'BL_ERR_EPMD_BAD_REPLY',
      `bad reply from the port mapper${where}: ${detail}` +
        (reply.length > 0 ? ` (got ${reply.subarray(0, 32).toString('hex')})` : ''),
      context,
      options,
    );
    this.reply = reply;
    this.detail = detail;
  }
}

/**
 * A request that breaks the EPMD protocol (what the daemon closes a connection for), or a
 * request this side refuses to encode (a name too long for the 16-bit length).
 *
 * @example
 * ```ts
 * try { decodeRequest(Buffer.from([120])) } catch (e) { (e as EpmdBadRequestError).offset }
 * ```
 */
export class EpmdBadRequestError extends EpmdError {
  /** The byte offset in the request body where decoding stopped. */
  readonly offset: number;
  /** The request tag, when one was read. */
  readonly tag: number | undefined;

  constructor(detail: string, offset: number, tag?: number) {
    super('BL_ERR_EPMD_BAD_REQUEST', `bad EPMD request: ${detail} (at offset ${offset})`, {});
    this.offset = offset;
    this.tag = tag;
  }
}

/**
 * The daemon could not listen where it was told to (the port is taken, or the address is
 * not on this machine).
 *
 * @example
 * ```ts
 * await EpmdDaemon.start({ port: 4369 }).catch((e) => e.code) // 'BL_ERR_EPMD_LISTEN' if taken
 * ```
 */
export class EpmdListenError extends EpmdError {
  /** The system error code (`EADDRINUSE`, `EADDRNOTAVAIL`, ...). */
  readonly syscallCode: string | undefined;

  constructor(context: { host: string; port: number }, cause: Error & { code?: string }) {
    const inUse = cause.code === 'EADDRINUSE';
    super(
      'BL_ERR_EPMD_LISTEN',
      `cannot listen on ${context.host}:${context.port} (${cause.code ?? cause.message})` +
        (inUse ? ': a port mapper is probably running there already (`npx beamlink names`)' : ''),
      context,
      { cause },
    );
    this.syscallCode = cause.code;
  }
}
