// A test peer for backpressure: a distribution node made of the dist layer only, so the
// test can stop and restart reading its socket (a peer too slow for what it is sent).
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Connection } from '../../../src/dist/connection.ts';
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import { accept } from '../../../src/dist/handshake.ts';
import { tcpTransport } from '../../../src/dist/transport.ts';
import { register, type Registration } from '../../../src/epmd/client.ts';

/**
 * A peer node made of the dist layer alone (registered with the port mapper, accepting
 * connections), whose socket can stop reading.
 */
export class SlowPeer {
  readonly name: string;
  readonly received: ControlMessage[] = [];
  private socket: Socket | undefined;
  private conn: Connection | undefined;
  private server: Server | undefined;
  private registration: Registration | undefined;

  private constructor(name: string) {
    this.name = name;
  }

  static async start(
    alive: string,
    host: string,
    cookie: string,
    epmdPort: number,
  ): Promise<SlowPeer> {
    const peer = new SlowPeer(`${alive}@${host}`);
    const server = createServer({ noDelay: true }, (socket) => {
      peer.socket = socket;
      void accept(tcpTransport(socket), {
        localName: peer.name,
        localCreation: 7,
        cookie,
        decide: () => 'ok',
      }).then((conn) => {
        peer.conn = conn;
        conn.on('message', (m: ControlMessage) => peer.received.push(m));
      });
    });
    peer.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    peer.registration = await register({
      name: alive,
      port: (server.address() as AddressInfo).port,
      epmdPort,
    });
    return peer;
  }

  get connected(): boolean {
    return this.conn !== undefined;
  }

  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  async stop(): Promise<void> {
    this.conn?.close();
    this.socket?.destroy();
    await new Promise((r) => this.server?.close(r));
    await this.registration?.close();
  }
}
