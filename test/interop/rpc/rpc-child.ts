// A beamlink node with rpc in a child process that tests can kill -9:
//   node --import tsx test/interop/rpc/rpc-child.ts <sname> <cookie> <epmdPort>
// Prints `ready <name>` when up and `called <fn>` when a function of module `child` runs.
// `child:hang/0` never returns (no timer keeps anything alive), `child:add/2` adds.
import { memoryLogger } from '../../../src/process/logger.ts';
import { startRpcNode } from '../../../src/rpc/index.ts';

const [sname, cookie, epmdPort] = process.argv.slice(2);
const node = await startRpcNode({
  sname: sname!,
  cookie: cookie!,
  epmdPort: Number(epmdPort),
  logger: memoryLogger(),
  rpc: {
    modules: {
      child: {
        hang: () => {
          console.log('called hang');
          return new Promise(() => {});
        },
        add: (a: number, b: number) => {
          console.log('called add');
          return a + b;
        },
      },
    },
  },
});
console.log(`ready ${node.name}`);
process.stdin.resume();
process.stdin.on('end', () => void node.stop().then(() => process.exit(0)));
