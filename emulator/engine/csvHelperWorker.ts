/**
 * The helper thread of `csvHelper.ts`: parses each request it claims (`parseRows` of `csv.ts`)
 * and replies on its port, moving the parsed columns' memory rather than copying it.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { parseRows, type ParsedRows } from "./csv";
import { CLAIMED, DONE, POSTED, type HelperReply, type HelperRequest } from "./csvHelper";

function serve(port: MessagePort): void {
  parentPort?.on("message", (request: HelperRequest) => {
    if (Atomics.compareExchange(request.flag, 0, POSTED, CLAIMED) !== POSTED) return;
    let reply: HelperReply<ParsedRows>;
    const transfer: ArrayBuffer[] = [];
    try {
      const { bytes } = request;
      const parsed = parseRows(
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        0,
        0,
        request.header,
        "",
      );
      for (const st of parsed.states)
        if (st.numbers.byteLength > 0) transfer.push(st.numbers.buffer as ArrayBuffer);
      reply = { id: request.id, ok: true, parsed };
    } catch {
      reply = { id: request.id, ok: false };
    }
    port.postMessage(reply, transfer);
    Atomics.store(request.flag, 0, DONE);
    Atomics.notify(request.flag, 0);
  });
}

const port = (workerData as { port?: unknown } | null)?.port;
if (parentPort && port !== undefined) serve(port as MessagePort);
