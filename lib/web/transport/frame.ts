/**
 * One text frame for many sockets. A server's frames are not masked (RFC 6455, 5.1), so the bytes on
 * the wire are the same for every reader: the ws transport encodes them once and writes that one
 * buffer to each socket, instead of `ws.send` encoding the text and its header again per reader.
 * `deno run -A scripts/delivery_cost.ts` on the 2-core machine: 3.7–4.0 µs of CPU a delivery through
 * `ws.send`, 2.9–3.0 writing the shared buffer, 3.2–3.4 on Deno's native socket (docs/send-path.md,
 * "One frame's bytes for every reader").
 *
 * Hand-written, not `ws`'s Sender.frame: that one is not part of ws's documented API, and the
 * encoding is the ten lines below (ws_server_test.ts reads them back with a WebSocket client).
 */
import { Buffer } from "node:buffer";

/** FIN and the text opcode: a whole text message in one frame. */
const FIN_TEXT = 0x81;

/** The unmasked wire form of one whole text message: header (2, 4 or 10 bytes), then UTF-8. */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(header + length);
  wire[0] = FIN_TEXT;
  if (header === 2) wire[1] = length;
  else if (header === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    // 64-bit length; a frame over 4 GiB is never made (MAX_FRAME_BYTES and the coalescing cap).
    wire.writeUInt32BE(0, 2);
    wire.writeUInt32BE(length, 6);
  }
  wire.write(text, header, "utf8");
  return wire;
}

/** A frame the hub sends to many sockets; its wire bytes are made on first use, then shared. */
export class SharedFrame {
  #wire?: Buffer;

  constructor(readonly text: string) {}

  get wire(): Buffer {
    return this.#wire ??= encodeTextFrame(this.text);
  }
}
