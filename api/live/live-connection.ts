/**
 * One WebSocket client's outgoing side: a bounded queue in front of the socket so that a slow
 * reader never slows anyone else. A message goes straight to the socket while its send buffer
 * (`bufferedAmount`) is below `maxBufferedBytes`; otherwise it waits in a queue of at most
 * `maxQueue` messages. When the queue is full the OLDEST waiting messages are dropped (each sale
 * carries the seller's latest month figures, so the newest are worth more) and the client gets
 * `{ type: "dropped", count }` before its next message.
 */
import type { WebSocket } from "ws";

export interface ConnectionLimits {
  /** Bytes the socket may hold unsent before messages queue (default 256 KiB). */
  readonly maxBufferedBytes?: number;
  /** Messages waiting per client before the oldest are dropped (default 256). */
  readonly maxQueue?: number;
}

export interface ConnectionCounters {
  pushed(n: number): void;
  dropped(n: number): void;
}

export class LiveConnection {
  private readonly queue: string[] = [];
  private droppedSinceNotice = 0;
  private readonly maxBuffered: number;
  private readonly maxQueue: number;
  /** Subscription keys (`seller:<id>`, `store:<id>`, `network`). */
  readonly subscriptions = new Set<string>();
  alive = true;

  constructor(
    readonly socket: WebSocket,
    private readonly counters: ConnectionCounters,
    limits: ConnectionLimits = {},
  ) {
    this.maxBuffered = limits.maxBufferedBytes ?? 256 * 1024;
    this.maxQueue = limits.maxQueue ?? 256;
  }

  /** Messages waiting (not yet handed to the socket). */
  get queued(): number {
    return this.queue.length;
  }

  /** Sends a control message (auth, subscribe answers, errors) ahead of the queue. */
  control(message: object): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Queues one serialized push message. */
  push(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (
      this.queue.length === 0 &&
      this.droppedSinceNotice === 0 &&
      this.socket.bufferedAmount < this.maxBuffered
    ) {
      this.write(text);
      return;
    }
    this.queue.push(text);
    if (this.queue.length > this.maxQueue) {
      const excess = this.queue.length - this.maxQueue;
      this.queue.splice(0, excess);
      this.droppedSinceNotice += excess;
      this.counters.dropped(excess);
    }
    this.pump();
  }

  /** Moves queued messages to the socket while its buffer has room. */
  pump(): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    while (
      this.socket.bufferedAmount < this.maxBuffered &&
      (this.queue.length > 0 || this.droppedSinceNotice > 0)
    ) {
      if (this.droppedSinceNotice > 0) {
        this.socket.send(JSON.stringify({ type: "dropped", count: this.droppedSinceNotice }));
        this.droppedSinceNotice = 0;
        continue;
      }
      this.write(this.queue.shift() as string);
    }
  }

  private write(text: string): void {
    this.counters.pushed(1);
    // The callback runs once ws has handed the frame to the kernel: room again, pump.
    this.socket.send(text, () => {
      if (this.queue.length > 0 || this.droppedSinceNotice > 0) this.pump();
    });
  }
}
