import { connect as h2connect, constants } from 'node:http2';
import { connect as netConnect } from 'node:net';

/**
 * containerd's Tasks.Update over gRPC, the call `docker update` and the CRI plugin make: ctr 1.6
 * has no `task update`. The shim turns it into `<runtime> update --resources - ID` with the
 * resources JSON on stdin. Hand-encoded protobuf: UpdateTaskRequest{1: container_id,
 * 2: google.protobuf.Any{1: type_url, 2: value}}; containerd's typeurl encodes runtime-spec
 * structs as JSON under this type URL.
 */
const LINUX_RESOURCES_URL = 'types.containerd.io/opencontainers/runtime-spec/1/LinuxResources';

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

function field(num: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((num << 3) | 2), varint(payload.length), payload]);
}

export function encodeUpdateTaskRequest(id: string, resources: object): Buffer {
  const any = Buffer.concat([field(1, Buffer.from(LINUX_RESOURCES_URL)), field(2, Buffer.from(JSON.stringify(resources)))]);
  return Buffer.concat([field(1, Buffer.from(id)), field(2, any)]);
}

/** Resolves on grpc-status 0; rejects with containerd's grpc-message otherwise. */
export function updateTask(sock: string, namespace: string, id: string, resources: object, timeoutMs = 30_000): Promise<void> {
  const msg = encodeUpdateTaskRequest(id, resources);
  const frame = Buffer.alloc(5 + msg.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(msg.length, 1);
  msg.copy(frame, 5);
  return new Promise((resolve, reject) => {
    const client = h2connect('http://containerd', { createConnection: () => netConnect(sock) });
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.close();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error('containerd Update: timed out')), timeoutMs);
    client.on('error', (e) => done(e));
    const req = client.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: '/containerd.services.tasks.v1.Tasks/Update',
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      te: 'trailers',
      'containerd-namespace': namespace,
    });
    let status: string | undefined;
    let message = '';
    const take = (h: Record<string, unknown>) => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    req.on('response', take);
    req.on('trailers', take);
    req.on('data', () => {});
    req.on('error', (e) => done(e));
    req.on('end', () => (status === '0' ? done() : done(new Error(`containerd Update: grpc-status ${status}: ${message}`))));
    req.end(frame);
  });
}
