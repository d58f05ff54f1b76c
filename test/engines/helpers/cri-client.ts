import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = join(dirname(fileURLToPath(import.meta.url)), 'cri.proto');

/** A CRI call's failure as the kubelet sees it: the gRPC status code and containerd's message. */
export class CriError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
  ) {
    super(`${method}: ${grpc.status[code] ?? code}: ${details}`);
  }
}

type Msg = Record<string, any>;

/**
 * The kubelet's side of CRI runtime.v1, over containerd's unix socket: one method per RPC of
 * cri.proto, each a promise of the decoded response (field names as in the .proto, int64 as
 * numbers, enums as their names, unset fields at their defaults).
 */
export class CriClient {
  private readonly stub: grpc.Client & Record<string, (req: Msg, md: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Msg) => void) => void>;

  constructor(socket: string) {
    const def = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def) as any;
    this.stub = new pkg.runtime.v1.RuntimeService(`unix://${socket}`, grpc.credentials.createInsecure());
  }

  call(method: string, req: Msg, timeoutMs = 60_000): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + timeoutMs);
      this.stub[method]!.call(this.stub, req, new grpc.Metadata(), { deadline }, (err, res) => {
        if (err) reject(new CriError(method, err.code, err.details));
        else resolve(res);
      });
    });
  }

  close(): void {
    this.stub.close();
  }
}
