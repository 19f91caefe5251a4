// The kernel's TCP congestion control for new sockets (Linux), which shapes every loopback
// row: with BBR the sender paces, and an erl sender's small messages share segments or not
// depending on how its receiver acknowledges (README, "Session 7"). The benchmark prints
// it, and BENCH_CC=<name> runs with another one (root only), restoring the old one after.
import { readFileSync, writeFileSync } from 'node:fs';

const FILE = '/proc/sys/net/ipv4/tcp_congestion_control';

/** The congestion control new TCP sockets get, or undefined where the kernel does not say. */
export function congestionControl(): string | undefined {
  try {
    return readFileSync(FILE, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Sets the congestion control of new TCP sockets for the rest of this process and returns
 * the machine's own, put back when the process exits (SIGINT and SIGTERM included).
 * Throws when it cannot be set (not root, or a name the kernel does not offer).
 */
export function useCongestionControl(name: string): string {
  const before = congestionControl();
  if (before === undefined) throw new Error(`BENCH_CC=${name}: ${FILE} is not readable here`);
  try {
    writeFileSync(FILE, name);
  } catch (e) {
    throw new Error(
      `BENCH_CC=${name}: cannot set the TCP congestion control (${(e as Error).message}); root and one of: ${readFileSync('/proc/sys/net/ipv4/tcp_available_congestion_control', 'utf8').trim()}`,
      { cause: e },
    );
  }
  const restore = (): void => writeFileSync(FILE, before);
  process.once('exit', restore);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      restore();
      process.exit(130);
    });
  }
  return before;
}

/**
 * What the benchmark prints about the congestion control: `BENCH_CC`'s when set (applied
 * here, see {@link useCongestionControl}), else the machine's.
 */
export function congestionControlFromEnv(): string {
  const cc = process.env.BENCH_CC;
  if (!cc)
    return `${congestionControl() ?? 'unknown'} (the machine's; BENCH_CC=cubic to change it)`;
  return `${cc} (BENCH_CC; the machine's ${useCongestionControl(cc)} is put back after the run)`;
}
