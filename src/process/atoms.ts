/**
 * Atoms the process runtime uses on every path, interned once.
 *
 * @module
 */
import { Atom } from '../term/types.ts';

export const EXIT = Atom.of('EXIT');
export const DOWN = Atom.of('DOWN');
export const PROCESS = Atom.of('process');
export const NORMAL = Atom.of('normal');
export const KILL = Atom.of('kill');
export const KILLED = Atom.of('killed');
export const NOPROC = Atom.of('noproc');
export const NOCONNECTION = Atom.of('noconnection');
export const UNDEF = Atom.of('undef');
export const LINK = Atom.of('link');
export const MONITOR = Atom.of('monitor');
export const SHUTDOWN = Atom.of('shutdown');
export const SPAWN_REPLY = Atom.of('spawn_reply');
export const OK = Atom.of('ok');
export const ERROR = Atom.of('error');
export const JS_ERROR = Atom.of('js_error');
export const FILE = Atom.of('file');
export const LINE = Atom.of('line');
export const NONODE = Atom.of('nonode@nohost');
