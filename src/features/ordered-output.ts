import type { Envelope } from "@cucumber/messages";

/**
 * Lets test cases run concurrently while their messages come out one test case at a time, in
 * order: the earliest unfinished test case streams straight through, later ones are buffered.
 */
export class OrderedOutput {
  private next = 0;
  private readonly buffers = new Map<number, Envelope[]>();
  private readonly finished = new Set<number>();

  constructor(private readonly out: (envelope: Envelope) => void) {}

  emit(index: number, envelope: Envelope): void {
    if (index === this.next) {
      this.out(envelope);
      return;
    }
    const buffer = this.buffers.get(index) ?? [];
    buffer.push(envelope);
    this.buffers.set(index, buffer);
  }

  finish(index: number): void {
    this.finished.add(index);
    while (this.finished.has(this.next)) {
      this.finished.delete(this.next);
      this.next += 1;
      for (const envelope of this.buffers.get(this.next) ?? []) this.out(envelope);
      this.buffers.delete(this.next);
    }
  }
}
